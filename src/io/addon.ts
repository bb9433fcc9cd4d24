// Loads the native addon (native/pidone.c). pidone must still run without it, minus what only
// the addon can do (orphan reaping, real-time signals, exact spawn semantics), so loading
// never throws: it returns the addon or the reason it could not be loaded.
import { existsSync } from 'node:fs';

export interface SpawnRequest {
  file: string;
  argv: readonly string[];
  /** "KEY=value" strings; absent: pidone's own environment, as it is. */
  envp?: readonly string[];
  cwd?: string;
  umask?: number;
  uid?: number;
  gid?: number;
  groups?: readonly number[];
  /**
   * A PATH to search for `file` when it has no slash, in the child as execvp does (the first
   * entry that runs; EACCES if only unrunnable ones were found, else ENOENT). Absent: `file`
   * is the path itself.
   */
  search?: string;
  /** 0: stay in pidone's group, 1: own process group (setpgid), 2: own session (setsid). */
  pgroup: 0 | 1 | 2;
  /** Hand the terminal on fd 0 to the new group (tini's tcsetpgrp). */
  foreground?: boolean;
  /** fds to place on 0, 1, 2 in the child; -1 inherits pidone's. */
  stdio?: readonly [number, number, number];
  /** [resource, soft, hard] rlimits set in the child before exec (-1 = unlimited); a failure says error.index. */
  limits?: readonly (readonly [number, number, number])[];
  nice?: number;
  oomScoreAdj?: number;
  /** An open cgroup.procs the child writes itself into before exec. */
  cgroupFd?: number;
}

export interface Addon {
  /** fork/exec; returns the pid or throws an Error with code (ENOENT...) and syscall (the failed step). */
  spawn(req: SpawnRequest): number;
  /** Reaps exited children not listed in `owned`; returns [pid, code (-1 if signalled), signal]*. */
  reap(owned: Int32Array): Int32Array;
  /** [pid, ppid, state char code]* for every visible process. */
  procTable(): Int32Array;
  /** Whether pidone has any child, alive or not yet reaped (false: nothing is left below it). */
  hasChildren(): boolean;
  /** kill(2): 0, or the errno (ESRCH: no such process or group); never throws. 0 and -1 as targets: EINVAL. */
  kill(target: number, signal: number): number;
  /** _exit(2): ends pidone now, without Node's teardown (no 'exit' listeners, nothing flushed). */
  exit(code: number): never;
  setChildSubreaper(): boolean;
  /** [readFd, writeFd], both close-on-exec. */
  pipe(): [number, number];
  /** Installs a handler for these (real-time) signals; fn runs on the main thread. */
  watchSignals(signals: readonly number[], fn: (signal: number) => void): void;
  /**
   * For these fault signals (ILL, BUS, FPE, SEGV): one sent with kill(2)/sigqueue/tgkill goes to
   * watchSignals' fn; a real fault goes to the handler installed before, or kills pidone. Call
   * after watchSignals.
   */
  watchSentFaults(signals: readonly number[]): void;
  /** prctl(PR_SET_PDEATHSIG): pidone gets `signal` when its parent dies. */
  setParentDeathSignal(signal: number): void;
  /** Binds a unix datagram socket at path; fn gets each message (sd_notify). Returns close(). */
  notifySocket(path: string, fn: (message: string) => void): () => void;
  /** pidone's own rlimit [soft, hard] (-1 = unlimited), set first when soft and hard are given. */
  rlimit(resource: number, soft?: number, hard?: number): [number, number];
  readonly constants: { readonly SIGRTMIN: number; readonly SIGRTMAX: number; readonly [name: string]: number };
}

/** An environment as execve wants it: "KEY=value" strings, unset entries left out. */
export function envp(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out.push(`${k}=${v}`);
  return out;
}

export type AddonLoad = { addon: Addon; path: string } | { addon: null; reason: string };

/**
 * Loads the first candidate that loads. One that exists but fails (a glibc build shipped in
 * dist/ on musl or arm64) must not hide a later one built on this machine at install time.
 */
export function loadAddon(candidates: readonly string[]): AddonLoad {
  const failures: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const module = { exports: {} as Addon };
      process.dlopen(module, path);
      return { addon: module.exports, path };
    } catch (err) {
      failures.push(`${path}: ${(err as Error).message}`);
    }
  }
  if (failures.length > 0) return { addon: null, reason: failures.join('; ') };
  return { addon: null, reason: `pidone.node not found (looked in ${candidates.join(', ')})` };
}
