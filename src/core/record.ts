// The one record of one supervised process: its spec, its state (which owns its child), and
// the history that policies and `status` read. The supervisor owns every record; the lifecycle
// table is the only code that changes `life`.
import type { ProgramSpec } from '../model/spec.ts';
import type { Life } from './life.ts';
import type { ExitStatus } from './ports.ts';
import type { SpawnError } from './spawn-error.ts';

/** One supervised process. Times are Clock.now() milliseconds (0 = never). */
export interface ProcessRecord {
  spec: ProgramSpec;
  /** Position in the model's start order (ties in priority keep it). */
  order: number;
  life: Life;
  /** Last spawn attempt, last exit (wall clock, for display). */
  laststart: number;
  laststop: number;
  /** The same two on the monotonic clock: every elapsed time (startsecs, pacing, run durations) is measured on it, so a wall-clock jump changes none. */
  startMono: number;
  stopMono: number;
  /** supervisord's exitstatus: cleared by a too-quick exit and by every spawn. */
  exitstatus: ExitStatus | null;
  /** The last exit that really happened, and whether it was expected (for dependents, codes). */
  lastExit: ExitStatus | null;
  lastExpected: boolean;
  /** supervisord's spawnerr ('' = none), shown by status. */
  spawnerr: string;
  /** The last start failed before the program ran: why. */
  spawnError: SpawnError | null;
  /** supervisord's backoff counter: failed starts in a row (INI pacing: 1 s, 2 s, 3 s...). */
  backoff: number;
  /** Automatic restarts in a row (YAML pacing and max_restarts). */
  restarts: number;
  /** Automatic restarts since pidone started (status display). */
  totalRestarts: number;
  /** Successful spawns since the record was made (depends_on "started"). */
  spawns: number;
  /** The process's one timer, and its probe: both belong to the state that armed them. */
  timer: Handle;
  probe: Handle;
  /** Bumped on every spawn: events of an older child are ignored. */
  childGen: number;
  /** A scheduled program's schedule and its timer (core/schedule.ts); idle for other programs. */
  sched: ScheduleState;
  tick: Handle;
}

/**
 * Where a schedule stands. Due times are on the schedule's own clock: wall-clock ms for cron
 * (Clock.now()), monotonic ms for `every` (Clock.monotonic()).
 */
export interface ScheduleState {
  /** The due time the schedule's timer waits for; null while the schedule is off. */
  due: number | null;
  /** The due time the last scheduled run was for; null before the first. */
  lastDue: number | null;
  /** overlap: queue — a run is owed as soon as the current one ends. */
  queued: boolean;
}

/** A cancellable port resource; `gen` tells a live callback from a stale one. */
export interface Handle {
  gen: number;
  cancel: (() => void) | null;
}

/** A record for a process that has never run. */
export function newRecord(spec: ProgramSpec, order: number): ProcessRecord {
  return {
    spec, order, life: { name: 'stopped' }, laststart: 0, laststop: 0, startMono: 0, stopMono: 0, exitstatus: null, lastExit: null,
    lastExpected: false, spawnerr: '', spawnError: null, backoff: 0, restarts: 0, totalRestarts: 0,
    spawns: 0, timer: { gen: 0, cancel: null }, probe: { gen: 0, cancel: null }, childGen: 0,
    sched: { due: null, lastDue: null, queued: false }, tick: { gen: 0, cancel: null },
  };
}
