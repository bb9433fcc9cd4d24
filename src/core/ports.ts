// Everything the supervisor core knows of the outside world. io/ implements these with real
// timers, processes and probes; tests implement them with a fake clock and a fake spawner, under
// the same contracts. Program output never passes through the core: io/ sends it straight to the
// log sink.
import type { ProgramSpec } from '../model/spec.ts';
import type { SpawnError } from './spawn-error.ts';

export interface Clock {
  /** Wall-clock milliseconds since the epoch (shown as dates; cron schedules follow it). It may jump. */
  now(): number;
  /** Milliseconds on a clock that never jumps (intervals: `every`, and noticing wall-clock jumps). */
  monotonic(): number;
  /** Calls fn once after ms of monotonic time; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** Cron arithmetic for schedules (io/calendar.ts wraps a cron library). */
export interface Calendar {
  /** The first time (epoch ms) strictly after `after` that the cron expression names in `timezone` (null: local), or null if none. */
  next(cron: string, timezone: string | null, after: number): number | null;
}

/** How a process ended: exactly one of code and signal is non-null. */
export interface ExitStatus {
  readonly code: number | null;
  /** Signal name without SIG, e.g. "TERM". */
  readonly signal: string | null;
}

/**
 * What a signal did. `gone`: there is no such process any more (ESRCH, or the handle knows its
 * process was reaped); its exit is reported or about to be. `failed`: anything else (EPERM...),
 * reported once: the core cannot trust what it knows of that child any more.
 */
export type KillOutcome = { readonly kind: 'sent' } | { readonly kind: 'gone' } | { readonly kind: 'failed'; readonly error: string };

export interface ChildHandle {
  /** The main process, also the id of its process group (every program leads its own group). */
  readonly pid: number;
  /**
   * Sends a signal (name without SIG) to the main process, or to its whole process group. Never
   * throws. After the main process was reaped a signal to it is `gone` (its pid may be reused);
   * after the group was reported empty, so is a signal to the group.
   */
  kill(signal: string, group: boolean): KillOutcome;
}

/** What the spawner tells the core about a child, each at most once, exit before groupEmpty. */
export interface ChildEvents {
  /**
   * The main process was reaped. `groupAlive`: other processes of its process group are still
   * alive (a helper it started, a shell's child); then `groupEmpty` follows once they are gone.
   */
  exit(status: ExitStatus, groupAlive: boolean): void;
  groupEmpty(): void;
}

export type SpawnOutcome = { readonly ok: true; readonly child: ChildHandle } | { readonly ok: false; readonly error: SpawnError };

export interface Spawner {
  /**
   * Starts the program in its own process group. Never throws: a program that cannot start is a
   * typed SpawnError. The events may come while spawn() is still running (a child that dies at
   * once); the core queues them.
   */
  spawn(spec: ProgramSpec, events: ChildEvents): SpawnOutcome;
  /**
   * Runs the program's stop_command (its environment, directory and user; output under its
   * name), killed if it outlives stopwaitsecs. `ended` is called once: ok when it exited 0,
   * else why not (it could not start, failed, or was killed).
   */
  stopCommand(spec: ProgramSpec, ended: (ok: boolean, why: string) => void): void;
  /**
   * What spawn() would fail with for the command alone (not_found, not_executable,
   * bad_command), checked without spawning: supervisord refuses a person's start with NO_FILE
   * or NOT_EXECUTABLE before anything changes. Absent: nothing is checked ahead.
   */
  check?(spec: ProgramSpec): SpawnError | null;
}

export interface ProbeCallbacks {
  ready(): void;
  /** The probe failed for good (its retries are used up). */
  failed(reason: string): void;
}

export interface Prober {
  /** Starts the program's `ready` probe against a running child; returns a cancel function. */
  watch(spec: ProgramSpec, child: ChildHandle, on: ProbeCallbacks): () => void;
  /**
   * Starts the program's `liveness` probe against a RUNNING child: checks every interval;
   * `failed` once `retries` checks failed in a row (a pass resets the count). Returns a cancel function.
   */
  live(spec: ProgramSpec, child: ChildHandle, failed: (reason: string) => void): () => void;
}
