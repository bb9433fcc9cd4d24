// What the control plane needs of the rest of pidone, as narrow ports: the daemon wiring
// (src/daemon/run.ts) provides them, tests provide a supervisor in a fake world.
import type { ReloadDiff } from '../core/reload.ts';
import type { Supervisor } from '../core/supervisor.ts';
import type { StdinWrite } from '../io/child-stdin.ts';
import type { PublishedEvent } from '../io/event-types.ts';
import type { LogSink } from '../io/log-sink-api.ts';
import type { Model } from '../model/spec.ts';
import type { Usage } from '../io/usage.ts';
import type { EventBus } from './event-bus.ts';
import type { ReloadOutcome } from './protocol.ts';

/** The supervisor's public commands and views. */
export type SupervisorPort = Pick<Supervisor, 'phase' | 'startProcess' | 'stopProcess' | 'restartProcess' | 'signalProcess' | 'snapshot' | 'shutdown'>;

/** A config file read without applying it. */
export type ConfigRead = { readonly ok: true; readonly model: Model } | { readonly ok: false; readonly errors: readonly string[] };

/** The config file and the model the supervisor runs. */
export interface ConfigPort {
  /** The model running now (after every reload and group add/remove). */
  current(): Model;
  /** Reads and validates the config file again; changes nothing. */
  read(): ConfigRead;
  /** Makes a model the running one (supervisor.reload: only what changed restarts). */
  apply(model: Model): ReloadDiff;
  /** read() + apply() + log lines: what SIGHUP does. */
  reload(): ReloadOutcome;
}

/** supervisord's events (daemon/event-router.ts): what the control plane feeds them and reads. */
export interface EventsPort {
  /** supervisor.sendRemoteCommEvent: a REMOTE_COMMUNICATION event. */
  remote(type: string, data: string): void;
  /** supervisor.restart began (SUPERVISOR_STATE_CHANGE_STOPPING), or started everything afresh (its groups added, RUNNING). */
  restart(phase: 'stopping' | 'running'): void;
  /** Every event from now on (the JSON API's stream); returns unsubscribe. */
  subscribe(fn: (e: PublishedEvent) => void): () => void;
}

/** The stdin pipes of running programs (sendProcessStdin, `supervisorctl fg`). */
export interface StdinPort {
  /** `none`: the process has no stdin pipe (stdin: null, or nothing runs). */
  write(name: string, data: string): StdinWrite | 'none';
}

/** Everything the control server works with. */
export interface ControlContext {
  readonly supervisor: SupervisorPort;
  readonly sink: Pick<LogSink, 'tail' | 'written' | 'clear' | 'subscribe' | 'event'>;
  readonly config: ConfigPort;
  readonly bus: EventBus;
  /** pidone's pid (getPID) and identifier (getIdentification). */
  readonly pid: number;
  /** Wall-clock ms when pidone started (pidone_start_time_seconds). */
  readonly startedAt: number;
  /** Wall clock in ms (Date.now in production). */
  readonly now: () => number;
  /** Absent: no event listeners, no stdin pipes (tests of other parts). */
  readonly events?: EventsPort;
  readonly stdin?: StdinPort;
  /** What each running program's tree uses (name -> main pid), read when asked; absent: not shown. */
  readonly usage?: (mains: ReadonlyMap<string, number>) => ReadonlyMap<string, Usage>;
}
