// pidone's native addon: the few process primitives Node does not expose.
//
// - spawn():   fork/exec with exact init semantics (own process group or session, TTY
//              foreground hand-off, every signal disposition reset, empty mask, no stray fds,
//              user/groups/umask/cwd) and exec errors reported with the step that failed.
//              libuv's spawn drops supplementary groups and cannot hand over the TTY.
// - reap():    collect exited children that libuv does not own, without ever stealing one
//              that it does (its 'exit' event would be lost: see libuv uv__wait_children).
// - subreaper(), procTable(), watchSignals() for real-time signals, which Node cannot catch.
// - watchSentFaults(): ILL/BUS/FPE/SEGV sent with kill(2) are forwarded, real faults still crash.
// - setParentDeathSignal(): prctl(PR_SET_PDEATHSIG), tini's -p.
//
// Everything between fork() and exec() in the child is async-signal-safe: the parent is
// multi-threaded (V8, libuv pool), so the child may not malloc or take locks.
#include <node_api.h>
#include <uv.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define CHECK(call)                                                       \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      napi_throw_error(env, NULL, "pidone addon: N-API call failed: " #call); \
      return NULL;                                                        \
    }                                                                     \
  } while (0)

// The errno codes callers tell apart, named as Node names them (err.code).
static const struct { unsigned char err; char name[13]; } errno_names[] = {
  { ENOENT, "ENOENT" }, { EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOTDIR, "ENOTDIR" },
  { ENOEXEC, "ENOEXEC" }, { E2BIG, "E2BIG" }, { ENOMEM, "ENOMEM" }, { EAGAIN, "EAGAIN" },
  { EINVAL, "EINVAL" }, { ECHILD, "ECHILD" }, { ESRCH, "ESRCH" }, { EISDIR, "EISDIR" },
  { ELOOP, "ELOOP" }, { ENAMETOOLONG, "ENAMETOOLONG" }, { ETXTBSY, "ETXTBSY" }, { EMFILE, "EMFILE" },
};

static napi_value throw_errno(napi_env env, int err, const char *syscall) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", syscall, strerror(err));
  napi_value code, message, error;
  const char *name = "EUNKNOWN";
  for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++) {
    if (errno_names[i].err == err) name = errno_names[i].name;
  }
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_value v;
  napi_create_int32(env, err, &v);
  napi_set_named_property(env, error, "errno", v);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, error, "syscall", v);
  napi_throw(env, error);
  return NULL;
}

// ---- small argument helpers -------------------------------------------------------------

static char *get_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) return NULL;
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

// A JS string[] as a NULL-terminated char*[]; `extra` spare leading slots for the sh fallback.
static char **get_string_array(napi_env env, napi_value arr, size_t extra) {
  uint32_t n = 0;
  if (napi_get_array_length(env, arr, &n) != napi_ok) return NULL;
  char **out = calloc(n + extra + 1, sizeof(char *));
  if (!out) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    napi_get_element(env, arr, i, &el);
    out[i + extra] = get_string(env, el);
    if (!out[i + extra]) return NULL;
  }
  return out;
}

static void free_string_array(char **a) {
  if (!a) return;
  for (char **p = a; *p; p++) free(*p);
  free(a);
}

// obj[key], or NULL when it is undefined or null (a missing key reads as undefined).
static napi_value get_prop(napi_env env, napi_value obj, const char *key) {
  napi_value v;
  napi_valuetype t;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok) return NULL;
  return (t == napi_undefined || t == napi_null) ? NULL : v;
}

static int get_int_prop(napi_env env, napi_value obj, const char *key, int fallback) {
  napi_value v = get_prop(env, obj, key);
  int32_t out = fallback;
  if (v && napi_get_value_int32(env, v, &out) != napi_ok) return fallback;  // not a number
  return out;
}

// ---- spawn --------------------------------------------------------------------------------

enum stage { STAGE_SETSID = 1, STAGE_SETPGID, STAGE_STDIO, STAGE_CHDIR, STAGE_UMASK,
             STAGE_SETGROUPS, STAGE_SETGID, STAGE_SETUID, STAGE_EXEC,
             STAGE_CGROUP, STAGE_RLIMIT, STAGE_NICE, STAGE_OOM };
static const char *stage_names[] = { "", "setsid", "setpgid", "dup2", "chdir", "umask",
                                     "setgroups", "setgid", "setuid", "execve",
                                     "cgroup", "setrlimit", "setpriority", "oom_score_adj" };

#define MAX_LIMITS 16

// What a program may use (issue 16), prepared by the parent, applied by the child.
struct resources {
  int nlimits, failed;  // failed: the index of the rlimit that could not be set
  int resource[MAX_LIMITS];
  struct rlimit value[MAX_LIMITS];
  bool set_nice;
  int nice;
  char oom[16];         // "500\n" for /proc/self/oom_score_adj; empty = inherit
  int cgroup_fd;        // the program's cgroup.procs, or -1
};

// What the child needs, prepared by the parent before clone(). The child shares the parent's
// memory (CLONE_VM) and writes its failure, if any, into `stage`/`err` before _exit.
struct spawn_ctx {
  const char *file;
  const char *search;  // a PATH to search for file (no slash in it), as execvp does; NULL: none
  char path[4096];     // search's candidates are built here (the child may not malloc)
  char **argv;  // two spare leading slots for the /bin/sh fallback
  char **envp;
  const char *cwd;
  int mask, uid, gid, ngroups, pgroup;
  bool foreground;
  int stdio[3];
  gid_t groups[256];
  struct resources res;
  volatile int stage, err;
};

static int child_fail(struct spawn_ctx *c, int stage) {
  c->err = errno;
  c->stage = stage;
  _exit(127);
}

// Mark every fd >= 3 close-on-exec: the program must inherit nothing of pidone but 0, 1, 2.
static void cloexec_from_3(void) {
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  long max = sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > 65536) max = 65536;
  for (int fd = 3; fd < max; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// The child joins its cgroup, then sets its rlimits, nice value and OOM score, before it drops
// privileges (raising a hard limit, a negative nice or a lower OOM score need root's
// capabilities) and before exec, so they hold for the program and all it starts. Returns the
// stage that failed, or 0.
static int apply_resources(struct resources *r) {
  if (r->cgroup_fd >= 0 && write(r->cgroup_fd, "0", 1) != 1) return STAGE_CGROUP;
  for (int i = 0; i < r->nlimits; i++) {
    if (setrlimit(r->resource[i], &r->value[i]) != 0) {
      r->failed = i;
      return STAGE_RLIMIT;
    }
  }
  if (r->set_nice && setpriority(PRIO_PROCESS, 0, r->nice) != 0) return STAGE_NICE;
  size_t len = strlen(r->oom);
  if (len > 0) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return STAGE_OOM;
    ssize_t n = write(fd, r->oom, len);
    int e = errno;
    close(fd);
    errno = e;
    if (n != (ssize_t)len) return STAGE_OOM;
  }
  return 0;
}

// execve, and for a script without #! /bin/sh, as execvp does. Returns only on failure.
static void exec_file(struct spawn_ctx *c, const char *file) {
  execve(file, c->argv + 2, c->envp);
  if (errno == ENOEXEC) {
    c->argv[0] = "/bin/sh";
    c->argv[1] = (char *)file;
    execve("/bin/sh", c->argv, c->envp);
    errno = ENOEXEC;
  }
}

// Runs in the child, on its own stack, in the parent's memory, while the parent sleeps
// (CLONE_VFORK) until exec or _exit. Only async-signal-safe calls; user and groups through raw
// syscalls, because glibc's setuid/setgid/setgroups would signal the parent's other threads to
// change theirs too (POSIX per-process credentials), which a vfork child must not do.
static int child_main(void *arg) {
  struct spawn_ctx *c = arg;
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; s++) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    sigaction(s, &dfl, NULL);  // EINVAL for glibc's reserved 32/33 is fine
  }
  if (c->pgroup == 2) {
    if (setsid() < 0) return child_fail(c, STAGE_SETSID);
  } else if (c->pgroup == 1) {
    if (setpgid(0, 0) < 0) return child_fail(c, STAGE_SETPGID);
    // Like tini: give the terminal's foreground to the program so an interactive shell
    // keeps job control. SIGTTOU is still blocked here, so this cannot stop us.
    if (c->foreground) tcsetpgrp(STDIN_FILENO, getpid());
  }
  int failed = apply_resources(&c->res);
  if (failed) return child_fail(c, failed);
  // Node marks its own 0-2 close-on-exec, so inheriting them means clearing the flag.
  for (int i = 0; i < 3; i++) {
    if (c->stdio[i] < 0 || c->stdio[i] == i) { fcntl(i, F_SETFD, 0); continue; }
    if (dup2(c->stdio[i], i) < 0) return child_fail(c, STAGE_STDIO);
  }
  if (c->mask >= 0) umask((mode_t)c->mask);
  if (c->ngroups >= 0 && syscall(SYS_setgroups, (size_t)c->ngroups, c->groups) < 0) return child_fail(c, STAGE_SETGROUPS);
  if (c->gid >= 0 && syscall(SYS_setgid, (gid_t)c->gid) < 0) return child_fail(c, STAGE_SETGID);
  if (c->uid >= 0 && syscall(SYS_setuid, (uid_t)c->uid) < 0) return child_fail(c, STAGE_SETUID);
  // chdir after dropping privileges, so the program's user must be able to enter it.
  if (c->cwd && chdir(c->cwd) < 0) return child_fail(c, STAGE_CHDIR);
  cloexec_from_3();
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, NULL);
  if (c->search == NULL || strchr(c->file, '/') != NULL) {
    exec_file(c, c->file);
    return child_fail(c, STAGE_EXEC);
  }
  // execvp's search: the first entry that runs wins; EACCES anywhere beats "not found", and
  // any other error ends the search. An empty entry is the current directory.
  bool denied = false;
  size_t flen = strlen(c->file);
  for (const char *p = c->search; flen > 0; ) {
    const char *end = strchr(p, ':');
    size_t dlen = end ? (size_t)(end - p) : strlen(p);
    const char *dir = dlen ? p : ".";
    if (!dlen) dlen = 1;
    if (dlen + flen + 2 <= sizeof c->path) {
      memcpy(c->path, dir, dlen);
      c->path[dlen] = '/';
      memcpy(c->path + dlen + 1, c->file, flen + 1);
      exec_file(c, c->path);
      if (errno == EACCES) denied = true;
      else if (errno != ENOENT && errno != ENOTDIR && errno != ESTALE && errno != ELOOP && errno != ENAMETOOLONG && errno != ENODEV) return child_fail(c, STAGE_EXEC);
    }
    if (!end) break;
    p = end + 1;
  }
  errno = denied ? EACCES : ENOENT;
  return child_fail(c, STAGE_EXEC);
}

// limits: [[resource, soft, hard]...] (-1 = unlimited), nice, oomScoreAdj, cgroupFd.
static bool read_resources(napi_env env, napi_value opts, struct resources *r) {
  r->cgroup_fd = get_int_prop(env, opts, "cgroupFd", -1);
  int nice = get_int_prop(env, opts, "nice", 1000);
  r->set_nice = nice != 1000;
  r->nice = nice;
  int oom = get_int_prop(env, opts, "oomScoreAdj", 100000);
  if (oom != 100000) snprintf(r->oom, sizeof r->oom, "%d\n", oom);
  napi_value v = get_prop(env, opts, "limits");
  if (!v) return true;
  uint32_t n = 0;
  napi_get_array_length(env, v, &n);
  if (n > MAX_LIMITS) {
    napi_throw_range_error(env, NULL, "spawn: too many limits");
    return false;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value item, x;
    double d[3] = { 0, 0, 0 };
    napi_get_element(env, v, i, &item);
    for (uint32_t k = 0; k < 3; k++) {
      napi_get_element(env, item, k, &x);
      napi_get_value_double(env, x, &d[k]);
    }
    r->resource[i] = (int)d[0];
    r->value[i].rlim_cur = d[1] < 0 ? RLIM_INFINITY : (rlim_t)d[1];
    r->value[i].rlim_max = d[2] < 0 ? RLIM_INFINITY : (rlim_t)d[2];
  }
  r->nlimits = (int)n;
  return true;
}

#define CHILD_STACK (64 * 1024)

// spawn({ file, argv, envp?, cwd?, umask?, uid?, gid?, groups?, pgroup: 0 none | 1 own group |
//         2 new session, foreground: bool, stdio: [fd0, fd1, fd2] (-1 = inherit) }) -> pid
//
// clone(CLONE_VM | CLONE_VFORK), as glibc's posix_spawn does, not fork(): fork copies the page
// tables of a Node process (tens of MB resident, GBs reserved), which made every spawn cost
// about a millisecond; this costs the exec alone.
static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value opts;
  CHECK(napi_get_cb_info(env, info, &argc, &opts, NULL, NULL));
  if (argc < 1) { napi_throw_type_error(env, NULL, "spawn(options) expected"); return NULL; }

  struct spawn_ctx *c = calloc(1, sizeof *c);
  char *stack = malloc(CHILD_STACK);
  napi_value result = NULL;
  char *file = NULL, *cwd = NULL, *search = NULL;
  char **argv = NULL, **envp = NULL;
  if (!c || !stack) { napi_throw_error(env, NULL, "spawn: out of memory"); goto done; }

  napi_value v;
  file = (v = get_prop(env, opts, "file")) ? get_string(env, v) : NULL;
  argv = (v = get_prop(env, opts, "argv")) ? get_string_array(env, v, 2) : NULL;
  envp = (v = get_prop(env, opts, "envp")) ? get_string_array(env, v, 0) : NULL;
  cwd = (v = get_prop(env, opts, "cwd")) ? get_string(env, v) : NULL;
  search = (v = get_prop(env, opts, "search")) ? get_string(env, v) : NULL;
  c->mask = get_int_prop(env, opts, "umask", -1);
  c->uid = get_int_prop(env, opts, "uid", -1);
  c->gid = get_int_prop(env, opts, "gid", -1);
  c->pgroup = get_int_prop(env, opts, "pgroup", 1);
  c->foreground = false;
  if ((v = get_prop(env, opts, "foreground"))) napi_get_value_bool(env, v, &c->foreground);
  c->stdio[0] = c->stdio[1] = c->stdio[2] = -1;
  if ((v = get_prop(env, opts, "stdio"))) {
    for (uint32_t i = 0; i < 3; i++) {
      napi_value el;
      napi_get_element(env, v, i, &el);
      napi_valuetype t;
      napi_typeof(env, el, &t);
      if (t == napi_number) napi_get_value_int32(env, el, &c->stdio[i]);
    }
  }
  c->ngroups = -1;
  if ((v = get_prop(env, opts, "groups"))) {
    uint32_t n = 0;
    napi_get_array_length(env, v, &n);
    if (n > 256) n = 256;
    c->ngroups = (int)n;
    for (uint32_t i = 0; i < n; i++) {
      napi_value el;
      int32_t g = 0;
      napi_get_element(env, v, i, &el);
      napi_get_value_int32(env, el, &g);
      c->groups[i] = (gid_t)g;
    }
  }
  if (!read_resources(env, opts, &c->res)) goto done;
  if (!file || !argv || !argv[2]) {
    napi_throw_type_error(env, NULL, "spawn: file and argv (non-empty) are required");
    goto done;
  }
  c->file = file;
  c->search = search;
  c->argv = argv;
  c->envp = envp ? envp : environ;  // no envp: pidone's own environment, unchanged
  c->cwd = cwd;

  // Block everything across clone so no handler of ours runs in the child before it resets
  // the dispositions (it has its own copy of the handler table: no CLONE_SIGHAND).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  pid_t pid = clone(child_main, stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, c);
  int clone_err = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (pid < 0) {
    throw_errno(env, clone_err, "clone");
    goto done;
  }
  if (c->stage != 0) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    throw_errno(env, c->err, stage_names[c->stage]);
    if (c->stage == STAGE_RLIMIT) {  // which one: error.index, in the order they were given
      napi_value e, i;
      napi_get_and_clear_last_exception(env, &e);
      napi_create_int32(env, c->res.failed, &i);
      napi_set_named_property(env, e, "index", i);
      napi_throw(env, e);
    }
    goto done;
  }
  napi_create_int32(env, pid, &result);

done:
  free(file);
  free(cwd);
  free(search);
  free_string_array(envp);
  if (argv) {
    argv[0] = argv[1] = NULL;  // the sh fallback slots are not ours to free
    for (char **p = argv + 2; *p; p++) free(*p);
    free(argv);
  }
  free(stack);
  free(c);
  return result;
}

// ---- reaping ------------------------------------------------------------------------------

static bool in_set(const int32_t *set, size_t n, pid_t pid) {
  for (size_t i = 0; i < n; i++) if (set[i] == pid) return true;
  return false;
}

// Reads "/proc/<pid>/stat": fills ppid and state. The comm field may hold ')' and spaces,
// so parse from the last ')'.
static bool read_stat(const char *pidname, pid_t *ppid, char *state) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%s/stat", pidname);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return false;
  int pp = 0;
  if (sscanf(p + 1, " %c %d", state, &pp) != 2) return false;
  *ppid = pp;
  return true;
}

static void push_status(int32_t *out, size_t *len, pid_t pid, int status) {
  out[(*len)++] = pid;
  out[(*len)++] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out[(*len)++] = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

// reap(owned: Int32Array) -> Int32Array of [pid, code (-1 if signalled), signal]*.
// Fast path: waitid(WNOWAIT) peeks at one zombie; if it is ours, reap it and look again.
// If the peeked zombie belongs to libuv (pid in `owned`), fall back to scanning /proc for
// zombie children, so one libuv zombie never hides the others.
static napi_value Reap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  CHECK(napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  const int32_t *owned = NULL;
  size_t nowned = 0;
  if (argc >= 1) {
    bool is_ta = false;
    napi_is_typedarray(env, arg, &is_ta);
    if (is_ta) {
      napi_typedarray_type t;
      void *data;
      napi_get_typedarray_info(env, arg, &t, &nowned, &data, NULL, NULL);
      if (t == napi_int32_array) owned = data; else nowned = 0;
    }
  }
  size_t cap = 192, len = 0;
  int32_t *out = malloc(cap * sizeof(int32_t));
  if (!out) { napi_throw_error(env, NULL, "reap: out of memory"); return NULL; }
  bool scan = false;
  for (;;) {
    if (len + 3 > cap) {
      cap *= 2;
      int32_t *grown = realloc(out, cap * sizeof(int32_t));
      if (!grown) break;
      out = grown;
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid == 0) break;
    if (in_set(owned, nowned, si.si_pid)) { scan = true; break; }
    int status;
    if (waitpid(si.si_pid, &status, WNOHANG) == si.si_pid) push_status(out, &len, si.si_pid, status);
  }
  if (scan) {
    pid_t self = getpid();
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d))) {
      if (de->d_name[0] < '1' || de->d_name[0] > '9') continue;
      pid_t ppid;
      char state;
      if (!read_stat(de->d_name, &ppid, &state) || ppid != self || state != 'Z') continue;
      pid_t pid = (pid_t)atoi(de->d_name);
      if (in_set(owned, nowned, pid)) continue;
      if (len + 3 > cap) {
        cap *= 2;
        int32_t *grown = realloc(out, cap * sizeof(int32_t));
        if (!grown) break;
        out = grown;
      }
      int status;
      if (waitpid(pid, &status, WNOHANG) == pid) push_status(out, &len, pid, status);
    }
    if (d) closedir(d);
  }
  napi_value ab, ta;
  void *data;
  napi_create_arraybuffer(env, len * sizeof(int32_t), &data, &ab);
  if (len) memcpy(data, out, len * sizeof(int32_t));
  free(out);
  napi_create_typedarray(env, napi_int32_array, len, ab, 0, &ta);
  return ta;
}

// hasChildren() -> whether pidone has any child at all, alive or not yet reaped. Without one,
// nothing can be left below it, and the one question saves reading all of /proc.
static napi_value HasChildren(napi_env env, napi_callback_info info) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL);
  napi_value out;
  napi_get_boolean(env, !(r != 0 && errno == ECHILD), &out);
  return out;
}

// procTable() -> Int32Array of [pid, ppid, state char code]* for every process we can see.
static napi_value ProcTable(napi_env env, napi_callback_info info) {
  size_t cap = 384, len = 0;
  int32_t *out = malloc(cap * sizeof(int32_t));
  DIR *d = opendir("/proc");
  if (!d || !out) {
    free(out);
    if (d) closedir(d);
    return throw_errno(env, errno ? errno : ENOMEM, "opendir /proc");
  }
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] < '1' || de->d_name[0] > '9') continue;
    pid_t ppid;
    char state;
    if (!read_stat(de->d_name, &ppid, &state)) continue;
    if (len + 3 > cap) {
      cap *= 2;
      int32_t *grown = realloc(out, cap * sizeof(int32_t));
      if (!grown) break;
      out = grown;
    }
    out[len++] = atoi(de->d_name);
    out[len++] = ppid;
    out[len++] = state;
  }
  closedir(d);
  napi_value ab, ta;
  void *data;
  napi_create_arraybuffer(env, len * sizeof(int32_t), &data, &ab);
  if (len) memcpy(data, out, len * sizeof(int32_t));
  free(out);
  napi_create_typedarray(env, napi_int32_array, len, ab, 0, &ta);
  return ta;
}

// kill(target, signo) -> 0 or the errno (ESRCH: no such process or group), never a throw:
// process.kill builds an exception for every ESRCH, and a stop asks "is the group empty?" a
// lot. 0 and -1 (pidone's own group, everything) are refused with EINVAL.
static napi_value Kill(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2], out;
  int32_t target = 0, signo = -1;
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc >= 2) {
    napi_get_value_int32(env, args[0], &target);
    napi_get_value_int32(env, args[1], &signo);
  }
  int err = target == 0 || target == -1 || signo < 0 ? EINVAL : kill(target, signo) == 0 ? 0 : errno;
  napi_create_int32(env, err, &out);
  return out;
}

// exit(code): _exit at once, without Node's teardown (main.ts says when that is safe).
static napi_value Exit(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  int32_t code = 1;
  if (napi_get_cb_info(env, info, &argc, &arg, NULL, NULL) == napi_ok && argc >= 1) napi_get_value_int32(env, arg, &code);
  _exit(code);
}

static napi_value SetSubreaper(napi_env env, napi_callback_info info) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return throw_errno(env, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
  napi_value t;
  napi_get_boolean(env, true, &t);
  return t;
}

// pipe() -> [readFd, writeFd], both close-on-exec (spawn's dup2 onto 0-2 clears the flag).
static napi_value Pipe(napi_env env, napi_callback_info info) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return throw_errno(env, errno, "pipe2");
  napi_value arr, a, b;
  napi_create_array_with_length(env, 2, &arr);
  napi_create_int32(env, fds[0], &a);
  napi_create_int32(env, fds[1], &b);
  napi_set_element(env, arr, 0, a);
  napi_set_element(env, arr, 1, b);
  return arr;
}

// ---- real-time signals ----------------------------------------------------------------------
// Node cannot listen to SIGRTMIN..SIGRTMAX. The handler only counts and wakes the loop with
// uv_async_send, which is async-signal-safe; the JS callback runs on the main thread.

#define MAX_SIG 65
static atomic_int rt_pending[MAX_SIG];
static uv_async_t rt_async;
static bool rt_started = false;
static napi_env rt_env;
static napi_ref rt_callback;
static napi_async_context rt_context;

static void rt_handler(int sig) {
  int saved = errno;
  if (sig > 0 && sig < MAX_SIG) atomic_fetch_add(&rt_pending[sig], 1);
  uv_async_send(&rt_async);
  errno = saved;
}

static void rt_deliver(uv_async_t *handle) {
  napi_env env = rt_env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv, argv[1], ignored;
  napi_get_reference_value(env, rt_callback, &cb);
  napi_get_global(env, &recv);  // make_callback needs an object as `this`
  for (int s = 1; s < MAX_SIG; s++) {
    int n = atomic_exchange(&rt_pending[s], 0);
    for (int i = 0; i < n; i++) {
      napi_create_int32(env, s, &argv[0]);
      napi_make_callback(env, rt_context, recv, cb, 1, argv, &ignored);
    }
  }
  napi_close_handle_scope(env, scope);
}

// watchSignals(signos: number[], callback(signo)) -> undefined. Once per process.
static napi_value WatchSignals(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (rt_started) { napi_throw_error(env, NULL, "watchSignals: already watching"); return NULL; }
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  if (uv_async_init(loop, &rt_async, rt_deliver) != 0) { napi_throw_error(env, NULL, "uv_async_init failed"); return NULL; }
  uv_unref((uv_handle_t *)&rt_async);  // a signal watcher must not keep pidone alive
  rt_env = env;
  CHECK(napi_create_reference(env, args[1], 1, &rt_callback));
  napi_value name;
  napi_create_string_utf8(env, "pidone:signal", NAPI_AUTO_LENGTH, &name);
  CHECK(napi_async_init(env, NULL, name, &rt_context));
  rt_started = true;
  uint32_t n = 0;
  napi_get_array_length(env, args[0], &n);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = rt_handler;
  sa.sa_flags = SA_RESTART;
  sigfillset(&sa.sa_mask);
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    int32_t s = 0;
    napi_get_element(env, args[0], i, &el);
    napi_get_value_int32(env, el, &s);
    if (s > 0 && s < MAX_SIG && sigaction(s, &sa, NULL) != 0) return throw_errno(env, errno, "sigaction");
  }
  return NULL;
}

// ---- hardware-fault signals sent by someone ----------------------------------------------
// `kill -SEGV <pidone>` is a request to pass the signal on, like any other; a real SEGV is a
// crash. The handler tells them apart by si_code: <= 0 (SI_USER, SI_QUEUE, SI_TKILL...) means
// a process sent it. Those are counted and delivered through watchSignals' callback; a real
// fault goes to the handler that was there before (V8's WebAssembly trap handler, for SEGV),
// or, when that was the default, the default is restored and the faulting instruction runs
// again and kills pidone with the signal, as if no handler had been installed.

static struct sigaction fault_previous[MAX_SIG];

static void fault_handler(int sig, siginfo_t *si, void *uc) {
  if (si != NULL && si->si_code <= 0) {
    int saved = errno;
    atomic_fetch_add(&rt_pending[sig], 1);
    uv_async_send(&rt_async);
    errno = saved;
    return;
  }
  struct sigaction *prev = &fault_previous[sig];
  if ((prev->sa_flags & SA_SIGINFO) && prev->sa_sigaction != NULL) {
    prev->sa_sigaction(sig, si, uc);
    return;
  }
  if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN && prev->sa_handler != NULL) {
    prev->sa_handler(sig);
    return;
  }
  signal(sig, SIG_DFL);
}

// watchSentFaults(signos: number[]) -> undefined. After watchSignals (it shares its callback).
static napi_value WatchSentFaults(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  CHECK(napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (!rt_started) { napi_throw_error(env, NULL, "watchSentFaults: call watchSignals first"); return NULL; }
  uint32_t n = 0;
  napi_get_array_length(env, arg, &n);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fault_handler;
  // SA_ONSTACK: a real fault may come from a stack overflow, where only an alternate stack works.
  sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  sigfillset(&sa.sa_mask);
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    int32_t s = 0;
    napi_get_element(env, arg, i, &el);
    napi_get_value_int32(env, el, &s);
    if (s != SIGILL && s != SIGBUS && s != SIGFPE && s != SIGSEGV) {
      napi_throw_range_error(env, NULL, "watchSentFaults: only ILL, BUS, FPE and SEGV");
      return NULL;
    }
    if (sigaction(s, &sa, &fault_previous[s]) != 0) return throw_errno(env, errno, "sigaction");
  }
  return NULL;
}

// ---- parent-death signal ------------------------------------------------------------------

// setParentDeathSignal(signo) -> undefined: the kernel sends signo to pidone when the thread
// that started it exits (tini -p).
static napi_value SetParentDeathSignal(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  CHECK(napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  int32_t s = 0;
  if (argc < 1 || napi_get_value_int32(env, arg, &s) != napi_ok) { napi_throw_type_error(env, NULL, "setParentDeathSignal(signo)"); return NULL; }
  if (prctl(PR_SET_PDEATHSIG, (unsigned long)s, 0, 0, 0) != 0) return throw_errno(env, errno, "prctl(PR_SET_PDEATHSIG)");
  return NULL;
}

// ---- sd_notify ------------------------------------------------------------------------------
// Node has no unix datagram sockets. notifySocket(path, fn(message)) binds one at path and
// calls fn with each datagram (READY=1, STATUS=...); it returns close().

struct notify_sock {
  uv_poll_t poll;
  int fd;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  char path[108];
  bool closed;
};

static void notify_free(uv_handle_t *h) { free(h->data); }

static void notify_readable(uv_poll_t *handle, int status, int events) {
  struct notify_sock *ns = handle->data;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(ns->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) break;
    napi_handle_scope scope;
    if (napi_open_handle_scope(ns->env, &scope) != napi_ok) break;
    napi_value cb, recv_this, arg, ignored;
    napi_get_reference_value(ns->env, ns->callback, &cb);
    napi_get_global(ns->env, &recv_this);
    napi_create_string_utf8(ns->env, buf, (size_t)n, &arg);
    napi_make_callback(ns->env, ns->context, recv_this, cb, 1, &arg, &ignored);
    napi_close_handle_scope(ns->env, scope);
    if (ns->closed) break;
  }
}

static napi_value NotifyClose(napi_env env, napi_callback_info info) {
  struct notify_sock *ns;
  size_t argc = 0;
  CHECK(napi_get_cb_info(env, info, &argc, NULL, NULL, (void **)&ns));
  if (ns->closed) return NULL;
  ns->closed = true;
  uv_poll_stop(&ns->poll);
  close(ns->fd);
  unlink(ns->path);
  napi_delete_reference(env, ns->callback);
  napi_async_destroy(env, ns->context);
  uv_close((uv_handle_t *)&ns->poll, notify_free);
  return NULL;
}

static napi_value NotifySocket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  char *path = get_string(env, args[0]);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (!path || strlen(path) >= sizeof addr.sun_path) {
    free(path);
    napi_throw_range_error(env, NULL, "notifySocket: path too long for a unix socket");
    return NULL;
  }
  strcpy(addr.sun_path, path);
  free(path);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, errno, "socket");
  unlink(addr.sun_path);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, e, "bind");
  }
  struct notify_sock *ns = calloc(1, sizeof *ns);
  ns->fd = fd;
  ns->env = env;
  strcpy(ns->path, addr.sun_path);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &ns->poll, fd);
  ns->poll.data = ns;
  napi_create_reference(env, args[1], 1, &ns->callback);
  napi_value name;
  napi_create_string_utf8(env, "pidone:notify", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &ns->context);
  uv_poll_start(&ns->poll, UV_READABLE, notify_readable);
  uv_unref((uv_handle_t *)&ns->poll);
  napi_value closer;
  CHECK(napi_create_function(env, "close", NAPI_AUTO_LENGTH, NotifyClose, ns, &closer));
  return closer;
}

// rlimit(resource[, soft, hard]) -> [soft, hard] (-1 = unlimited): pidone's own limit, set
// first when soft and hard are given (supervisord's minfds/minprocs).
static napi_value Rlimit(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  int32_t resource = 0;
  napi_get_value_int32(env, args[0], &resource);
  struct rlimit rl;
  if (argc >= 3) {
    double soft = 0, hard = 0;
    napi_get_value_double(env, args[1], &soft);
    napi_get_value_double(env, args[2], &hard);
    rl.rlim_cur = soft < 0 ? RLIM_INFINITY : (rlim_t)soft;
    rl.rlim_max = hard < 0 ? RLIM_INFINITY : (rlim_t)hard;
    if (setrlimit(resource, &rl) != 0) return throw_errno(env, errno, "setrlimit");
  }
  if (getrlimit(resource, &rl) != 0) return throw_errno(env, errno, "getrlimit");
  napi_value arr, a, b;
  napi_create_array_with_length(env, 2, &arr);
  napi_create_double(env, rl.rlim_cur == RLIM_INFINITY ? -1 : (double)rl.rlim_cur, &a);
  napi_create_double(env, rl.rlim_max == RLIM_INFINITY ? -1 : (double)rl.rlim_max, &b);
  napi_set_element(env, arr, 0, a);
  napi_set_element(env, arr, 1, b);
  return arr;
}

// The rlimit resource numbers differ on a few architectures: take them from the headers.
static const struct { char name[15]; unsigned char value; } rlimit_names[] = {
  { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_STACK", RLIMIT_STACK }, { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
};

static void set_int(napi_env env, napi_value obj, const char *name, int value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  napi_set_named_property(env, obj, name, v);
}

static napi_value Constants(napi_env env) {
  napi_value obj;
  napi_create_object(env, &obj);
  for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++) set_int(env, obj, rlimit_names[i].name, rlimit_names[i].value);
  set_int(env, obj, "PAGESIZE", (int)sysconf(_SC_PAGESIZE));
  set_int(env, obj, "CLK_TCK", (int)sysconf(_SC_CLK_TCK));
  set_int(env, obj, "SIGRTMIN", SIGRTMIN);
  set_int(env, obj, "SIGRTMAX", SIGRTMAX);
  return obj;
}

// The exports, defined one by one from a table (a descriptor array spelled out costs a
// kilobyte of code): functions read-only and not enumerable, `constants` enumerable.
static const struct { char name[21]; napi_callback fn; } exported[] = {
  { "spawn", Spawn }, { "reap", Reap }, { "procTable", ProcTable }, { "hasChildren", HasChildren },
  { "kill", Kill }, { "exit", Exit }, { "setChildSubreaper", SetSubreaper }, { "pipe", Pipe }, { "watchSignals", WatchSignals },
  { "watchSentFaults", WatchSentFaults }, { "setParentDeathSignal", SetParentDeathSignal },
  { "notifySocket", NotifySocket }, { "rlimit", Rlimit },
};

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor d;
  memset(&d, 0, sizeof d);
  for (size_t i = 0; i < sizeof exported / sizeof exported[0]; i++) {
    d.utf8name = exported[i].name;
    d.method = exported[i].fn;
    napi_define_properties(env, exports, 1, &d);
  }
  d.utf8name = "constants";
  d.method = NULL;
  d.value = Constants(env);
  d.attributes = napi_enumerable;
  napi_define_properties(env, exports, 1, &d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
