// The data of one supervised process, and the inputs and outputs of its state machine.
// The machine (machine.ts) only mutates a Proc and returns Effects; the supervisor carries the
// effects out through the ports, and feeds what happened back in as MachineEvents.
import type { ExitStatus } from './ports.ts';
import type { SupervisorEvent } from './events.ts';
import type { ProcessState } from './state.ts';

/** Everything the machine remembers about one process. Times are Clock.now() milliseconds. */
export interface Proc {
  state: ProcessState;
  /** The child's pid; 0 when there is none. */
  pid: number;
  /** Last spawn attempt (0 = never), last exit (0 = never). */
  laststart: number;
  laststop: number;
  /** supervisord's exitstatus: cleared by a too-quick exit and by every spawn. */
  exitstatus: ExitStatus | null;
  /** The last exit that really happened, and whether it was expected (for dependents, codes). */
  lastExit: ExitStatus | null;
  lastExpected: boolean;
  /** supervisord's spawnerr ('' = none): why the last start failed. */
  spawnerr: string;
  /** The last start failed in Spawner.spawn itself (nothing ran). */
  spawnFailed: boolean;
  /** supervisord's backoff counter: failed starts in a row (INI pacing, 1 s, 2 s, 3 s...). */
  backoff: number;
  /** Automatic restarts in a row (pidone's exponential pacing and max_restarts). */
  restarts: number;
  /** Automatic restarts since pidone started (status display). */
  totalRestarts: number;
  /** Successful spawns since pidone started (depends_on "started"). */
  spawns: number;
  /** A stop was requested for the current child: its exit ends in STOPPED. */
  killing: boolean;
  /** SIGKILL had to be sent during the current or last stop. */
  killedHard: boolean;
  /** The current child outlived startsecs / passed its readiness probe. */
  upLongEnough: boolean;
  probeReady: boolean;
  /** Set when a readiness probe failed: the child is being stopped and then goes FATAL. */
  failing: string | null;
  /** Why the process is FATAL (for dependents and critical exits). */
  fatalReason: string | null;
  /** It ended on its own (EXITED for good, or FATAL) and nothing will restart it. */
  ended: boolean;
  /** EXITED with an automatic restart waiting on the timer. */
  restartPending: boolean;
}

/** A Proc that has never run. */
export function newProc(): Proc {
  return {
    state: 'STOPPED', pid: 0, laststart: 0, laststop: 0, exitstatus: null, lastExit: null,
    lastExpected: false, spawnerr: '', spawnFailed: false, backoff: 0, restarts: 0, totalRestarts: 0,
    spawns: 0, killing: false, killedHard: false, upLongEnough: false, probeReady: false,
    failing: null, fatalReason: null, ended: false, restartPending: false,
  };
}

/** Inputs of the machine: requests from the supervisor and facts from the ports. */
export type MachineEvent =
  /** Spawn now (user command, autostart or a dependency wave); manual resets retry counters. */
  | { readonly type: 'start'; readonly manual: boolean }
  | { readonly type: 'spawned'; readonly pid: number }
  | { readonly type: 'spawn_failed'; readonly error: string }
  | { readonly type: 'exit'; readonly status: ExitStatus }
  /** The process's single timer fired; what it means depends on the state. */
  | { readonly type: 'timer' }
  | { readonly type: 'ready' }
  | { readonly type: 'probe_failed'; readonly reason: string }
  | { readonly type: 'stop' }
  /** SIGKILL to the process group now (the whole-shutdown deadline). */
  | { readonly type: 'kill' }
  | { readonly type: 'kill_failed'; readonly error: string };

/** Outputs of the machine, carried out by the supervisor in order. */
export type Effect =
  | { readonly type: 'spawn' }
  | { readonly type: 'signal'; readonly signal: string; readonly group: boolean }
  /** (Re)arms the process's one timer; the previous one is cancelled. */
  | { readonly type: 'arm'; readonly ms: number }
  | { readonly type: 'disarm' }
  | { readonly type: 'probe' }
  | { readonly type: 'unprobe' }
  | { readonly type: 'emit'; readonly event: SupervisorEvent };
