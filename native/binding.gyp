{
  "targets": [
    {
      "target_name": "pidone",
      "sources": ["pidone.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-s"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"]
    }
  ]
}
