// Everything the supervisor core knows of the outside world. io/ implements these with real
// timers, processes and probes; tests implement them with a fake clock and a fake spawner.
// Program output never passes through the core: io/ sends it straight to the log sink.
import type { ProgramSpec } from '../model/spec.ts';

export interface Clock {
  /** Milliseconds, monotonic enough for timers and uptimes. */
  now(): number;
  /** Calls fn once after ms; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** How a process ended: exactly one of code and signal is non-null. */
export interface ExitStatus {
  readonly code: number | null;
  /** Signal name without SIG, e.g. "TERM". */
  readonly signal: string | null;
}

export interface ChildHandle {
  readonly pid: number;
  /** Sends a signal (name without SIG) to the process, or to its process group (-pid). */
  kill(signal: string, group: boolean): void;
}

export interface Spawner {
  /**
   * Starts the program. `exit` is called exactly once, when the process is reaped.
   * Throws an Error with a person-readable message when it cannot start (not found, not
   * executable, bad directory, unknown user): the core treats that as a failed start.
   */
  spawn(spec: ProgramSpec, exit: (status: ExitStatus) => void): ChildHandle;
}

export interface ProbeCallbacks {
  ready(): void;
  /** The probe failed for good (its retries are used up). */
  failed(reason: string): void;
}

export interface Prober {
  /** Starts the program's `ready` probe against a running child; returns a cancel function. */
  watch(spec: ProgramSpec, child: ChildHandle, on: ProbeCallbacks): () => void;
}
