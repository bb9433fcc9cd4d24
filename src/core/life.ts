// The states one process can really be in, the events that move it and the effects it asks
// for. Each state is named: what supervisord would show (the public ProcessState) is derived
// from it, never the other way round. A state that owns a child carries the child's handle, so
// the handle exists exactly as long as a state that may signal it.
import type { ProgramSpec } from '../model/spec.ts';
import type { Gate } from './deps.ts';
import type { SupervisorEvent } from './events.ts';
import type { ChildHandle, ExitStatus } from './ports.ts';
import type { SpawnError } from './spawn-error.ts';
import type { ProcessState } from './state.ts';

/** A stop in progress: the child got its stop signal; the name says what follows once it is gone. */
export type StopName =
  /** ... STOPPED (a person or the shutdown asked). */
  | 'stopping'
  /** ... started again (restart, or start while stopping). */
  | 'restarting'
  /** ... FATAL (its readiness probe failed for good). */
  | 'failing'
  /** ... the exit counts as a crash: autorestart decides (its liveness probe failed). */
  | 'recycling'
  /** ... replaced by a fresh process with the reloaded spec. */
  | 'replacing'
  /** ... forgotten (the reload removed it). */
  | 'removing'
  /** The main process exited on its own and left processes in its group: they are being stopped, then the exit takes its course. */
  | 'draining';

/**
 * A child being stopped. `main`: the main process is still alive; `group`: other processes of
 * its group may be (false once the spawner said the group is empty). The stop is over when
 * neither is.
 */
export interface Stopping {
  readonly name: StopName;
  readonly child: ChildHandle;
  main: boolean;
  group: boolean;
  /** SIGKILL was sent (stopwaitsecs ran out, or the shutdown deadline). */
  sigkilled: boolean;
  /** replacing: the spec it comes back with. */
  readonly next?: ProgramSpec;
  /** failing: why it will be FATAL. */
  readonly reason?: string;
  /** draining: the exit being taken care of, and whether the process counted as started. */
  readonly exit?: { readonly status: ExitStatus; readonly started: boolean };
}

export type Life =
  /** STOPPED: nothing runs and nothing will until a person asks (never started, or stopped). */
  | { readonly name: 'stopped' }
  /** STOPPED: an automatic start waits for depends_on; `gate` says on what, or why never. */
  | { readonly name: 'waiting'; readonly gate: Gate }
  /** STARTING: the spawn was asked for; its outcome is the very next event. */
  | { readonly name: 'spawning' }
  /** STARTING: the child runs; startsecs and its readiness probe are not both passed yet. */
  | { readonly name: 'starting'; readonly child: ChildHandle; upLongEnough: boolean; probeReady: boolean }
  /** RUNNING. */
  | { readonly name: 'running'; readonly child: ChildHandle }
  /** STARTING: a daemon's launcher exited as expected; its readiness probe has not passed yet. */
  | { readonly name: 'daemonizing'; readonly child: ChildHandle; group: boolean }
  /** RUNNING: a daemon's launcher exited as expected; the daemon runs on its own (its liveness probe watches it). */
  | { readonly name: 'launched'; readonly child: ChildHandle; group: boolean }
  /** BACKOFF: a start failed; the timer starts it again. */
  | { readonly name: 'backoff' }
  /** EXITED: it ended; the timer restarts it (no sooner than 1 s after the last spawn). */
  | { readonly name: 'respawning' }
  /** EXITED: it ended on its own, for good. */
  | { readonly name: 'exited' }
  /** STOPPED: a scheduled program between runs; its schedule's timer brings the next run (core/schedule.ts). */
  | { readonly name: 'scheduled' }
  /** FATAL: pidone gave up on it: its start kept failing, or its readiness probe failed for good. */
  | { readonly name: 'fatal'; readonly reason: string; readonly cause: 'failed' | 'probe' }
  /** STOPPING, in one of its six flavours. */
  | Stopping
  /**
   * UNKNOWN: signalling it failed; `after` remembers a stop's follow-up for when it is gone,
   * `main` whether its main process is alive (else only its group is left).
   */
  | { readonly name: 'unknown'; readonly child: ChildHandle; readonly after: StopName | null; readonly next?: ProgramSpec; main: boolean };

export type LifeName = Life['name'];

/** Every state name, in the order docs/engine.md lists them. */
export const LIFE_NAMES: readonly LifeName[] = [
  'stopped', 'waiting', 'spawning', 'starting', 'running', 'daemonizing', 'launched', 'backoff', 'respawning', 'exited', 'scheduled', 'fatal',
  'stopping', 'restarting', 'failing', 'recycling', 'replacing', 'removing', 'draining', 'unknown',
];

const PUBLIC: Readonly<Record<LifeName, ProcessState>> = {
  stopped: 'STOPPED', waiting: 'STOPPED', spawning: 'STARTING', starting: 'STARTING', running: 'RUNNING',
  daemonizing: 'STARTING', launched: 'RUNNING', backoff: 'BACKOFF', respawning: 'EXITED', exited: 'EXITED',
  scheduled: 'STOPPED', fatal: 'FATAL', stopping: 'STOPPING', restarting: 'STOPPING', failing: 'STOPPING',
  recycling: 'STOPPING', replacing: 'STOPPING', removing: 'STOPPING', draining: 'STOPPING', unknown: 'UNKNOWN',
};

/** Which probe a state owns: the readiness probe until RUNNING, the liveness probe while RUNNING. */
export function probeOf(name: LifeName): 'ready' | 'liveness' | null {
  if (name === 'starting' || name === 'daemonizing') return 'ready';
  if (name === 'running' || name === 'launched') return 'liveness';
  return null;
}

/** The state supervisord would show for a named state. */
export function publicState(name: LifeName): ProcessState {
  return PUBLIC[name];
}

const STOP_NAMES: ReadonlySet<LifeName> = new Set(['stopping', 'restarting', 'failing', 'recycling', 'replacing', 'removing', 'draining']);

export function isStopping(life: Life): life is Stopping {
  return STOP_NAMES.has(life.name);
}

/** The child a state owns (also when only its process group is left), or null. */
export function childOf(life: Life): ChildHandle | null {
  return 'child' in life ? life.child : null;
}

/** The child whose main process is alive, or null: the one `signal` and the pid column refer to. */
export function mainChild(life: Life): ChildHandle | null {
  if (life.name === 'starting' || life.name === 'running') return life.child;
  if (life.name === 'daemonizing' || life.name === 'launched') return null;
  return (isStopping(life) || life.name === 'unknown') && life.main ? life.child : null;
}

/** Inputs of the lifecycle: requests from the supervisor and facts from the ports. */
export type LifeEvent =
  /** A person asked for a start: now (counters reset, depends_on not waited for), or once stopped. */
  | { readonly type: 'start' }
  /** Start automatically once depends_on holds (boot, reload). */
  | { readonly type: 'wait' }
  /** The dependency verdict changed for a waiting process. */
  | { readonly type: 'gate'; readonly gate: Gate }
  | { readonly type: 'stop' }
  /** Stop (if anything runs), then start (supervisorctl restart). */
  | { readonly type: 'restart' }
  | { readonly type: 'spawned'; readonly child: ChildHandle }
  | { readonly type: 'spawn_failed'; readonly error: SpawnError }
  | { readonly type: 'exit'; readonly status: ExitStatus; readonly groupAlive: boolean }
  | { readonly type: 'group_empty' }
  /** The process's one timer fired; what it means depends on the state that armed it. */
  | { readonly type: 'timer' }
  /** The schedule's timer fired: a run may be due (core/schedule.ts). */
  | { readonly type: 'tick' }
  | { readonly type: 'ready' }
  /** The readiness probe (STARTING) or the liveness probe (RUNNING) failed for good. */
  | { readonly type: 'probe_failed'; readonly reason: string }
  /** The stop_command ended: ok (exit 0) or not, and why. */
  | { readonly type: 'stop_command_ended'; readonly ok: boolean; readonly why: string }
  /** The whole-shutdown deadline: SIGKILL to the process group now. */
  | { readonly type: 'kill' }
  | { readonly type: 'kill_failed'; readonly error: string }
  /** A reload changed the spec: stop if running, then come back as a fresh process. */
  | { readonly type: 'replace'; readonly spec: ProgramSpec }
  /** A reload removed it: stop if running, then forget it. */
  | { readonly type: 'remove' };

export type LifeEventType = LifeEvent['type'];

export const LIFE_EVENTS: readonly LifeEventType[] = [
  'start', 'wait', 'gate', 'stop', 'restart', 'spawned', 'spawn_failed', 'exit', 'group_empty', 'timer',
  'tick', 'ready', 'probe_failed', 'stop_command_ended', 'kill', 'kill_failed', 'replace', 'remove',
];

/** Outputs of the lifecycle, carried out by the supervisor in order. */
export type Effect =
  | { readonly type: 'spawn' }
  | { readonly type: 'signal'; readonly child: ChildHandle; readonly signal: string; readonly group: boolean }
  /** (Re)arms the process's one timer; the previous one is cancelled. */
  | { readonly type: 'arm'; readonly ms: number }
  | { readonly type: 'disarm' }
  /** (Re)arms the schedule's timer for ms from now; it lives across the states of a run. */
  | { readonly type: 'tick_arm'; readonly ms: number }
  /** Cancels the schedule's timer (the program rests: stopped, exited or fatal). */
  | { readonly type: 'tick_disarm' }
  | { readonly type: 'probe'; readonly child: ChildHandle; readonly which: 'ready' | 'liveness' }
  /** Runs the spec's stop_command (its end comes back as stop_command_ended). */
  | { readonly type: 'stop_command' }
  | { readonly type: 'unprobe' }
  | { readonly type: 'emit'; readonly event: SupervisorEvent }
  /** Replace this process by a fresh one running `spec`. */
  | { readonly type: 'renew'; readonly spec: ProgramSpec }
  /** Forget this process. */
  | { readonly type: 'drop' };
