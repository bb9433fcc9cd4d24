// The JSON API's request and response shapes (docs/control.md), shared by the server and the
// `pidone` CLI client so both sides agree at compile time.
import type { ProcessState } from '../core/state.ts';

/** One process in GET /api/programs. */
export interface ProgramView {
  readonly name: string;
  readonly group: string;
  /** `group:name` or `name`: what commands accept and status prints. */
  readonly namespec: string;
  readonly state: ProcessState;
  readonly statecode: number;
  readonly description: string;
  /** 0 when nothing runs. */
  readonly pid: number;
  /** Seconds since the current child started; null when none runs. */
  readonly uptime: number | null;
  /** Epoch seconds of the last start and stop (0 = never). */
  readonly start: number;
  readonly stop: number;
  /** Automatic restarts since pidone started. */
  readonly restarts: number;
  /** The last exit: code, or signal name without SIG; null if it never exited. */
  readonly exit: { readonly code: number | null; readonly signal: string | null } | null;
  readonly ready: boolean;
  readonly waiting: string | null;
  readonly blocked: string | null;
  readonly spawnerr: string;
  /** Is this process where it should be (running and ready, or stopped on purpose, or done)? */
  readonly healthy: boolean;
  /** Why not, when healthy is false. */
  readonly problem: string | null;
  /**
   * A scheduled program's schedule: the next due time (epoch seconds; null while the schedule
   * is off) and its overlap policy; null for other programs.
   */
  readonly schedule: { readonly next: number | null; readonly overlap: string; readonly queued: boolean } | null;
  /** Seconds the last run lasted (a scheduled run, or any exit), once it ended; null otherwise. */
  readonly runtime: number | null;
  /** What its process tree uses now, read from /proc when asked; null when nothing runs. */
  readonly usage: { readonly cpu_seconds: number; readonly rss_bytes: number; readonly open_fds: number; readonly processes: number } | null;
}

/** GET /api/programs. */
export interface ProgramsResponse {
  readonly pidone: { readonly version: string; readonly pid: number; readonly phase: string; readonly identifier: string };
  /** Every program meant to run is RUNNING and ready (what `pidone status` exits 0 on). */
  readonly ready: boolean;
  readonly programs: readonly ProgramView[];
}

/** One process's outcome of a command (supervisord's result struct, by name). */
export interface ActionResult {
  readonly name: string;
  readonly group: string;
  readonly namespec: string;
  /** 'SUCCESS' or a fault name (ALREADY_STARTED, NOT_RUNNING, SPAWN_ERROR...). */
  readonly status: string;
  readonly description: string;
}

/** POST /api/programs/<namespec>/<verb>: 200 with per-process results. */
export interface ActionResponse {
  readonly results: readonly ActionResult[];
}

/** The outcome of a config reload (POST /api/reload, SIGHUP). */
export type ReloadOutcome =
  | { readonly ok: true; readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Every error answer: a message, and supervisord's fault name when one applies. */
export interface ErrorBody {
  readonly error: string;
  readonly fault?: string;
  readonly errors?: readonly string[];
}
