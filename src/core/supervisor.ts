// The supervisor: owns every process record and the one event queue, runs each event through
// the lifecycle table (lifecycle.ts), carries out the effects through the ports, starts
// processes in dependency waves, stops them in reverse order, applies reloads and decides when
// pidone is done and with which exit code. No I/O: only the Clock, Spawner and Prober ports.
//
// Re-entrancy: ports may call back synchronously (a child that dies inside spawn(), a prober
// that is ready inside watch(), a report listener that calls shutdown()). Every event
// therefore goes through the queue, drained by whoever arrives first; after each drain the
// supervisor settles (dependency waves, critical exits, shutdown progress, idle end).
import type { Model, ProgramSpec } from '../model/spec.ts';
import type { Calendar, Clock, Prober, Spawner } from './ports.ts';
import type { SupervisorEvent } from './events.ts';
import type { Effect, LifeEvent, LifeEventType, LifeName } from './life.ts';
import type { CommandResult } from './namespec.ts';
import type { ProcessInfo } from './snapshot.ts';
import type { ReloadDiff } from './reload.ts';
import { type Commands, forward, restartOne, runCommand, signalOne, startOne, stopOne } from './commands.ts';
import { gateChanges } from './deps.ts';
import { type Ending, criticalEnding, idleEnding, shutdownEnding } from './ending.ts';
import { Graph } from './graph-view.ts';
import { childOf, publicState } from './life.ts';
import { step } from './lifecycle.ts';
import { type ProcessRecord, newRecord } from './record.ts';
import { diffPrograms } from './reload.ts';
import { type StopView, nextToStop } from './shutdown.ts';
import { processInfo } from './snapshot.ts';
import { RUNNING_STATES, STOPPED_STATES } from './state.ts';

/** The ports and the event sink the supervisor works with. */
export interface SupervisorDeps {
  readonly clock: Clock;
  readonly spawner: Spawner;
  readonly prober: Prober;
  /** Cron arithmetic, for programs with a cron `schedule` (io/calendar.ts). */
  readonly calendar?: Calendar;
  readonly report: (e: SupervisorEvent) => void;
  /**
   * Finish (exit code 0, or 1 if anything failed) once every process has ended on its own and
   * nothing will run again. Default true; see docs/engine.md "When pidone exits by itself".
   */
  readonly exitWhenIdle?: boolean;
  /** Sees every step of every lifecycle: the state it was in, the event, the states it went through (tests, debugging). */
  readonly trace?: (name: string, from: LifeName, event: LifeEventType, went: readonly LifeName[]) => void;
}

/** running: normal; stopping: shutdown in progress; finished: the `finished` event was sent. */
export type SupervisorPhase = 'running' | 'stopping' | 'finished';

/** After the whole-shutdown deadline's SIGKILLs, how long to wait for the reaper. */
export const KILL_GRACE_MS = 5000;

const NO_CALENDAR: Calendar = {
  next: () => {
    throw new Error('a cron schedule needs a Calendar (SupervisorDeps.calendar)');
  },
};

/** Supervises the processes of a Model through the ports; see docs/engine.md. */
export class Supervisor {
  readonly #deps: SupervisorDeps;
  readonly #exitWhenIdle: boolean;
  #model: Model;
  readonly #records = new Map<string, ProcessRecord>();
  readonly #queue: [ProcessRecord, LifeEvent][] = [];
  #draining = false;
  #graph: Graph;
  #booted = false;
  #phase: SupervisorPhase = 'running';
  #stopping: { readonly reason: string; readonly code: number | null } | null = null;
  readonly #hardKilled = new Set<string>();
  #cancelDeadline: (() => void) | null = null;
  readonly #tally = new Tally();

  constructor(model: Model, deps: SupervisorDeps) {
    this.#deps = deps;
    this.#model = model;
    this.#exitWhenIdle = deps.exitWhenIdle ?? true;
    model.programs.forEach((spec, i) => this.#records.set(spec.name, newRecord(spec, i)));
    this.#graph = new Graph(model.programs);
    this.#tally.reset(this.#records.values());
  }

  /** running, stopping or finished (control/ answers SHUTDOWN_STATE unless running). */
  get phase(): SupervisorPhase {
    return this.#phase;
  }

  /** Starts every autostart process, each as soon as its depends_on conditions hold. */
  start(): void {
    if (this.#booted || this.#phase !== 'running') return;
    this.#booted = true;
    for (const r of this.#records.values()) {
      if (r.spec.autostart && r.spawns === 0 && r.life.name === 'stopped') this.#queue.push([r, { type: 'wait' }]);
    }
    this.#drain();
  }

  /** Orderly shutdown (reverse dependency order); ends with a `finished` event. */
  shutdown(reason: string): void {
    this.#beginShutdown(reason, null);
  }

  /** Starts a namespec (`name`, `group:name`, `group:*`, `all`); explicit starts skip depends_on. */
  startProcess(namespec: string): CommandResult {
    return runCommand(this.#commands(), namespec, 'start', (r) => startOne(this.#commands(), r));
  }

  /** Stops a namespec (also cancels a pending start or a waiting restart). */
  stopProcess(namespec: string): CommandResult {
    return runCommand(this.#commands(), namespec, 'stop', (r) => stopOne(this.#commands(), r));
  }

  /** Stops then starts a namespec (the start happens once the process has stopped). */
  restartProcess(namespec: string): CommandResult {
    return runCommand(this.#commands(), namespec, 'restart', (r) => restartOne(this.#commands(), r));
  }

  /** Sends a signal ("HUP", "SIGHUP", 1) to the main process of each process of a namespec. */
  signalProcess(namespec: string, signal: string | number): CommandResult {
    return runCommand(this.#commands(), namespec, 'signal', (r, sig) => signalOne(this.#commands(), r, sig ?? ''), signal);
  }

  /** Passes a signal pidone received to the process group of every process that asked for it. */
  forwardSignal(signal: string): string[] {
    if (this.#phase === 'finished') return [];
    const names = forward(this.#commands(), signal);
    this.#drain();
    return names;
  }

  /** Applies a new model: adds, removes and restarts only what changed (ignored unless running). */
  reload(next: Model): ReloadDiff {
    if (this.#phase !== 'running') return { added: [], removed: [], changed: [] };
    const diff = diffPrograms(this.#addressable().map(effectiveSpec), next.programs);
    const changed = new Set(diff.changed);
    this.#model = next;
    next.programs.forEach((spec, i) => {
      const r = this.#records.get(spec.name);
      if (r === undefined) {
        const fresh = newRecord(spec, i);
        this.#records.set(spec.name, fresh);
        if (spec.autostart && this.#booted) this.#queue.push([fresh, { type: 'wait' }]);
        return;
      }
      r.order = i;
      if (leaving(r) || changed.has(spec.name)) this.#queue.push([r, { type: 'replace', spec }]);
      else if (r.life.name !== 'replacing') r.spec = spec; // equal but for `source`
    });
    for (const name of diff.removed) {
      const r = this.#records.get(name);
      if (r === undefined) continue;
      r.order += next.programs.length; // shown after the current programs until it is gone
      this.#queue.push([r, { type: 'remove' }]);
    }
    this.#regraph();
    this.#drain();
    return diff;
  }

  /** Every process as getProcessInfo shows it, in start order (sort for supervisorctl). */
  snapshot(): ProcessInfo[] {
    const { clock } = this.#deps;
    const now = clock.now();
    const mono = clock.monotonic();
    return this.#ordered().map((r) => processInfo(r, now, mono));
  }

  // --- the queue and the effects ---------------------------------------------------------------

  #dispatch(r: ProcessRecord, e: LifeEvent): void {
    this.#queue.push([r, e]);
    this.#drain();
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      do {
        for (let item = this.#queue.shift(); item; item = this.#queue.shift()) this.#step(item[0], item[1]);
        this.#settle();
      } while (this.#queue.length > 0);
    } finally {
      this.#draining = false;
    }
  }

  #step(r: ProcessRecord, e: LifeEvent): void {
    if (this.#phase === 'finished') return; // pidone is exiting: nothing happens any more
    if (this.#records.get(r.spec.name) !== r) return; // replaced or removed meanwhile
    const from = r.life.name;
    const { clock, calendar } = this.#deps;
    const env = { now: clock.now(), mono: clock.monotonic(), mayStart: this.#phase === 'running', calendar: calendar ?? NO_CALENDAR };
    const { effects, went } = step(r, e, env);
    this.#deps.trace?.(r.spec.name, from, e.type, went);
    for (const fx of effects) this.#apply(r, fx);
    // A record replaced or dropped by its own effects was counted afresh by #regraph.
    if (this.#records.get(r.spec.name) === r) this.#tally.update(r);
  }

  #apply(r: ProcessRecord, fx: Effect): void {
    switch (fx.type) {
      case 'spawn': {
        const gen = ++r.childGen;
        const live = () => r.childGen === gen;
        const outcome = this.#deps.spawner.spawn(r.spec, {
          exit: (status, groupAlive) => live() && this.#dispatch(r, { type: 'exit', status, groupAlive }),
          groupEmpty: () => live() && this.#dispatch(r, { type: 'group_empty' }),
        });
        // First in line: the spawn's outcome must be the next event this process sees.
        this.#queue.unshift([r, outcome.ok ? { type: 'spawned', child: outcome.child } : { type: 'spawn_failed', error: outcome.error }]);
        return;
      }
      case 'signal': {
        const outcome = fx.child.kill(fx.signal, fx.group);
        if (outcome.kind === 'failed') this.#queue.push([r, { type: 'kill_failed', error: outcome.error }]);
        return;
      }
      case 'arm': {
        this.#disarm(r);
        const gen = r.timer.gen;
        r.timer.cancel = this.#deps.clock.setTimer(fx.ms, () => {
          if (r.timer.gen !== gen) return;
          r.timer.cancel = null;
          this.#dispatch(r, { type: 'timer' });
        });
        return;
      }
      case 'disarm':
        return this.#disarm(r);
      case 'tick_arm': {
        this.#untick(r);
        const gen = r.tick.gen;
        r.tick.cancel = this.#deps.clock.setTimer(fx.ms, () => {
          if (r.tick.gen !== gen) return;
          r.tick.cancel = null;
          this.#dispatch(r, { type: 'tick' });
        });
        return;
      }
      case 'tick_disarm':
        return this.#untick(r);
      case 'probe': {
        const gen = ++r.probe.gen;
        const live = () => r.probe.gen === gen;
        const failed = (reason: string) => live() && this.#dispatch(r, { type: 'probe_failed', reason });
        r.probe.cancel = fx.which === 'ready'
          ? this.#deps.prober.watch(r.spec, fx.child, { ready: () => live() && this.#dispatch(r, { type: 'ready' }), failed })
          : this.#deps.prober.live(r.spec, fx.child, failed);
        return;
      }
      case 'stop_command': {
        const gen = r.childGen;
        this.#deps.spawner.stopCommand(r.spec, (ok, why) => {
          if (r.childGen === gen) this.#dispatch(r, { type: 'stop_command_ended', ok, why });
        });
        return;
      }
      case 'unprobe':
        r.probe.gen++;
        r.probe.cancel?.();
        r.probe.cancel = null;
        return;
      case 'emit':
        if (fx.event.type === 'killed' && this.#phase === 'stopping') this.#hardKilled.add(fx.event.name);
        this.#deps.report(fx.event);
        return;
      case 'renew': {
        const fresh = newRecord(fx.spec, r.order);
        this.#records.set(fx.spec.name, fresh);
        this.#regraph();
        if (fresh.spec.autostart && this.#booted && this.#phase === 'running') this.#queue.push([fresh, { type: 'wait' }]);
        return;
      }
      case 'drop':
        this.#records.delete(r.spec.name);
        this.#regraph();
        this.#deps.report({ type: 'removed', name: r.spec.name });
        return;
    }
  }

  #disarm(r: ProcessRecord): void {
    r.timer.gen++;
    r.timer.cancel?.();
    r.timer.cancel = null;
  }

  #untick(r: ProcessRecord): void {
    r.tick.gen++;
    r.tick.cancel?.();
    r.tick.cancel = null;
  }

  // --- settling: dependency waves, critical ends, shutdown, idle end ----------------------------

  // Each check below looks at every record, so it runs only when the tally says it can find
  // something: a settle after each event would otherwise cost O(n), and a shutdown O(n^2).
  #settle(): void {
    if (this.#phase === 'running') {
      if (this.#tally.count(WAITING) > 0) {
        for (const [r, gate] of gateChanges(this.#records, this.#graph)) this.#queue.push([r, { type: 'gate', gate }]);
      }
      if (this.#queue.length > 0) return; // settle again once the wave has been applied
      this.#checkCritical();
    }
    if (this.#phase === 'running') this.#checkIdle();
    if (this.#phase === 'stopping') this.#advanceShutdown();
  }

  /** A critical program ended for good, or a process that must not be skipped was blocked: pidone ends. */
  #checkCritical(): void {
    for (const r of this.#tally.mayEnd) {
      const life = r.life;
      const ended = life.name === 'exited' || life.name === 'fatal';
      const failed = life.name === 'fatal' || (life.name === 'exited' && !r.lastExpected);
      if (ended && (r.spec.critical === true || (r.spec.critical === 'on-failure' && failed))) {
        const end = criticalEnding(r);
        return this.#beginShutdown(end.reason, end.exitCode);
      }
      if (r.spec.exit_on_skipped && life.name === 'waiting' && life.gate.kind === 'blocked') {
        return this.#beginShutdown(`${r.spec.name} was skipped: ${life.gate.reason}`, 1);
      }
    }
  }

  #checkIdle(): void {
    if (!this.#booted || !this.#exitWhenIdle || this.#queue.length > 0 || this.#tally.count(BUSY) > 0) return;
    const end = idleEnding([...this.#records.values()]);
    if (end !== null) this.#finish(end);
  }

  #beginShutdown(reason: string, code: number | null): void {
    if (this.#phase !== 'running') return;
    this.#phase = 'stopping';
    this.#stopping = { reason, code };
    this.#deps.report({ type: 'shutdown', reason });
    for (const r of this.#records.values()) {
      // Nothing runs in these: a pending start is dropped, BACKOFF goes to STOPPED, a waiting
      // restart is cancelled, a schedule stops; a restart in progress becomes a plain stop.
      const n = r.life.name;
      if (n === 'waiting' || n === 'backoff' || n === 'respawning' || n === 'restarting' || n === 'draining' || n === 'scheduled') this.#queue.push([r, { type: 'stop' }]);
    }
    const timeout = this.#model.settings.shutdown_timeout;
    if (timeout > 0) this.#cancelDeadline = this.#deps.clock.setTimer(timeout * 1000, () => this.#onDeadline());
    this.#drain();
  }

  #advanceShutdown(): void {
    // nextToStop names only processes in RUNNING_STATES: with none left, nothing to ask.
    if (this.#tally.count(STARTED) > 0) {
      for (const name of nextToStop(this.#tally.views, (n) => this.#graph.dependents(n))) {
        const r = this.#records.get(name);
        if (r !== undefined) this.#queue.push([r, { type: 'stop' }]);
      }
    }
    if (this.#queue.length > 0 || this.#stopping === null) return;
    if (this.#tally.count(RESTLESS) === 0) this.#finish(shutdownEnding(this.#stopping, [...this.#hardKilled]));
  }

  /** shutdown_timeout is up: SIGKILL to the group of everything alive, stopped or not yet. */
  #onDeadline(): void {
    this.#cancelDeadline = null;
    if (this.#phase !== 'stopping') return;
    for (const r of this.#records.values()) {
      if (atRest(r)) continue;
      if (childOf(r.life) !== null) this.#hardKilled.add(r.spec.name);
      this.#queue.push([r, { type: 'kill' }]);
    }
    // A child in uninterruptible sleep may outlive SIGKILL: do not wait for it forever.
    this.#cancelDeadline = this.#deps.clock.setTimer(KILL_GRACE_MS, () => {
      this.#cancelDeadline = null;
      if (this.#phase !== 'stopping' || this.#stopping === null) return;
      const alive = [...this.#records.values()].filter((r) => !atRest(r)).map((r) => r.spec.name);
      const end = shutdownEnding(this.#stopping, [...this.#hardKilled]);
      this.#finish({ exitCode: end.exitCode === 0 ? 1 : end.exitCode, reason: `${end.reason}; still alive after SIGKILL: ${alive.join(', ')}` });
    });
    this.#drain();
  }

  #finish(end: Ending): void {
    if (this.#phase === 'finished') return;
    this.#phase = 'finished';
    this.#cancelDeadline?.();
    this.#cancelDeadline = null;
    for (const r of this.#records.values()) this.#untick(r);
    this.#deps.report({ type: 'finished', exitCode: end.exitCode, reason: end.reason });
  }

  // --- views -----------------------------------------------------------------------------------

  #ordered(): ProcessRecord[] {
    return [...this.#records.values()].sort((a, b) => a.order - b.order);
  }

  /** Processes commands may name: all but those a reload is removing. */
  #addressable(): ProcessRecord[] {
    return this.#ordered().filter((r) => !leaving(r));
  }

  #regraph(): void {
    this.#graph = new Graph([...this.#records.values()].map((r) => r.spec));
    this.#tally.reset(this.#records.values());
  }

  #commands(): Commands {
    return {
      phase: this.#phase,
      specs: () => this.#addressable().map((r) => r.spec),
      record: (name) => this.#records.get(name),
      dispatch: (r, e) => this.#dispatch(r, e),
      check: (spec) => this.#deps.spawner.check?.(spec) ?? null,
    };
  }
}

/** A reload is removing it. */
function leaving(r: ProcessRecord): boolean {
  return r.life.name === 'removing' || (r.life.name === 'unknown' && r.life.after === 'removing');
}

/** The spec a process runs, or will run once a reload's replacement is done. */
function effectiveSpec(r: ProcessRecord): ProgramSpec {
  const life = r.life;
  return (life.name === 'replacing' || life.name === 'unknown') && life.next !== undefined ? life.next : r.spec;
}

/** Nothing of it runs and nothing is about to: the shutdown may end. */
function atRest(r: ProcessRecord): boolean {
  const s = publicState(r.life.name);
  return STOPPED_STATES.has(s) && s !== 'UNKNOWN';
}

// What settling looks for, one bit per question, per record.
const WAITING = 0; // waiting for its dependencies: gateChanges may have news
const BUSY = 1; // neither ended (EXITED, FATAL) nor blocked: pidone is not idle
const RESTLESS = 2; // not at rest: the shutdown is not over
const STARTED = 3; // in RUNNING_STATES: the shutdown may have a stop to send it

function bits(r: ProcessRecord): number {
  const life = r.life;
  const state = publicState(life.name);
  let b = 0;
  if (life.name === 'waiting') b |= 1 << WAITING;
  if (life.name !== 'exited' && life.name !== 'fatal' && !(life.name === 'waiting' && life.gate.kind === 'blocked')) b |= 1 << BUSY;
  if (!atRest(r)) b |= 1 << RESTLESS;
  if (RUNNING_STATES.has(state)) b |= 1 << STARTED;
  return b;
}

/**
 * How many records answer each of settling's questions, and the shutdown's views of them,
 * kept up to date record by record after each step (a step changes its own record only), and
 * recounted whenever the set of records changes.
 */
class Tally {
  readonly #bits = new Map<ProcessRecord, number>();
  readonly #counts = [0, 0, 0, 0];
  /** nextToStop's input, in record order. */
  readonly views = new Map<string, StopView>();
  /** The records whose end can end pidone (critical, exit_on_skipped), in record order. */
  mayEnd: ProcessRecord[] = [];

  reset(records: Iterable<ProcessRecord>): void {
    this.#bits.clear();
    this.#counts.fill(0);
    this.views.clear();
    this.mayEnd = [];
    for (const r of records) {
      this.update(r);
      if (r.spec.critical === true || r.spec.critical === 'on-failure' || r.spec.exit_on_skipped) this.mayEnd.push(r);
    }
  }

  update(r: ProcessRecord): void {
    const before = this.#bits.get(r) ?? 0;
    const now = bits(r);
    for (let i = 0; i < this.#counts.length; i++) this.#counts[i]! += ((now >> i) & 1) - ((before >> i) & 1);
    this.#bits.set(r, now);
    const state = publicState(r.life.name);
    const view = this.views.get(r.spec.name);
    if (view?.state !== state || view.priority !== r.spec.priority) this.views.set(r.spec.name, { name: r.spec.name, state, priority: r.spec.priority });
  }

  count(question: number): number {
    return this.#counts[question]!;
  }
}
