{
  "targets": [
    {
      "target_name": "pidone",
      "sources": ["pidone.c"],
      "cflags": ["-Os", "-ffunction-sections", "-fdata-sections", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-s", "-Wl,--gc-sections", "-Wl,-z,noseparate-code"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"]
    }
  ]
}
