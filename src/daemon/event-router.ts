// supervisord's event system in pidone: turns what happens (the core's events, program output
// with *_events_enabled, group changes, sendRemoteCommEvent, the clock's ticks) into
// supervisord's events, numbers them (a serial from 0, counted only for events some pool
// takes, as supervisord's), hands each to the [eventlistener:x] pools that subscribe to it and
// to the JSON API's event stream. Ticks cost nothing unless a pool subscribes to them: no
// timer runs otherwise.
import type { SupervisorEvent } from '../core/events.ts';
import type { ProtocolSource, StdinPipe, StdioObserver } from '../io/child-stdin.ts';
import { ListenerPool } from '../io/event-listener.ts';
import { type PublishedEvent, type SupervisordEvent, tickPeriods } from '../io/event-types.ts';
import type { LogSink } from '../io/log-sink-api.ts';
import type { EventListenerSpec, Model, ProgramSpec } from '../model/spec.ts';
import { groupEvent, logEvent, stateEvent, supervisorStateEvent, tickEvent } from './supervisor-events.ts';

export interface EventRouterDeps {
  /** supervisord's identifier (the envelope's `server:`). */
  readonly identifier: string;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Wall clock (ms): ticks fall on its multiples of 5, 60 and 3600 seconds. */
  readonly now: () => number;
  readonly setTimer: (ms: number, fn: () => void) => () => void;
  readonly sink: Pick<LogSink, 'subscribe'>;
}

const sameListener = (a: EventListenerSpec, b: EventListenerSpec): boolean =>
  a.buffer_size === b.buffer_size && a.accepts === b.accepts && a.events.join() === b.events.join();

/** The groups of a model, in its order (supervisord's: by priority, then name). */
export function groupNames(model: Model): string[] {
  const used = new Set(model.programs.map((p) => p.group));
  const ordered = model.groups.map((g) => g.name).filter((g) => used.has(g));
  return [...new Set([...ordered, ...used])];
}

export class EventRouter implements StdioObserver {
  readonly #d: EventRouterDeps;
  readonly #pools = new Map<string, ListenerPool>();
  /** Every process pidone knows, kept until the core says it was removed (its last events name it). */
  readonly #specs = new Map<string, ProgramSpec>();
  readonly #pids = new Map<string, number>();
  readonly #logs = new Map<string, () => void>();
  readonly #subscribers = new Set<(e: PublishedEvent) => void>();
  #serial = -1;
  #tickPeriods: number[] = [];
  readonly #lastTick = new Map<number, number>();
  #cancelTick: (() => void) | null = null;

  constructor(deps: EventRouterDeps) {
    this.#d = deps;
  }

  /** Takes the programs of the running model: pools, output events, ticks. */
  configure(programs: readonly ProgramSpec[]): void {
    const pools = new Map<string, EventListenerSpec>();
    for (const p of programs) {
      this.#specs.set(p.name, p);
      if (p.eventlistener !== undefined) pools.set(p.group, p.eventlistener);
    }
    for (const [name, pool] of this.#pools) if (!pools.has(name) || !sameListener(pool.spec, pools.get(name)!)) this.#pools.delete(name);
    for (const [name, spec] of pools) {
      if (!this.#pools.has(name)) this.#pools.set(name, new ListenerPool(name, spec, this.#d.identifier, this.#d.log));
    }
    const logged = new Set(programs.filter((p) => p.stdout_events_enabled === true || p.stderr_events_enabled === true).map((p) => p.name));
    for (const [name, off] of this.#logs) if (!logged.has(name)) (off(), this.#logs.delete(name));
    for (const name of logged) if (!this.#logs.has(name)) this.#logs.set(name, this.#d.sink.subscribe(name, (stream, line) => this.#output(name, stream, line)));
    this.#ticks(tickPeriods([...this.#pools.values()].flatMap((p) => p.spec.events)));
  }

  /** Hands an event to the pools that subscribe to it and to the event stream. */
  emit(e: SupervisordEvent): void {
    const pools = [...this.#pools.values()].filter((p) => p.wants(e.name));
    const serial = pools.length > 0 ? ++this.#serial : null;
    if (serial !== null) for (const p of pools) p.accept({ event: e, serial });
    const published: PublishedEvent = { eventname: e.name, serial, payload: e.payload };
    for (const fn of [...this.#subscribers]) {
      try {
        fn(published);
      } catch {
        // A broken client stream must not break the others.
      }
    }
  }

  /** Every event from now on (the JSON API's stream); returns unsubscribe. */
  subscribe(fn: (e: PublishedEvent) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** supervisord's start: its groups are added, then it is RUNNING. */
  started(groups: readonly string[]): void {
    for (const g of groups) this.emit(groupEvent('ADDED', g));
    this.emit(supervisorStateEvent('RUNNING'));
  }

  /** A reload, update or add/remove changed the groups. */
  groupsChanged(before: readonly string[], after: readonly string[]): void {
    for (const g of before) if (!after.includes(g)) this.emit(groupEvent('REMOVED', g));
    for (const g of after) if (!before.includes(g)) this.emit(groupEvent('ADDED', g));
  }

  /** The core's events: process states, and pidone's shutdown. */
  supervisor(e: SupervisorEvent): void {
    switch (e.type) {
      case 'spawned':
        this.#pids.set(e.name, e.pid);
        return;
      case 'state': {
        const spec = this.#specs.get(e.name);
        if (spec === undefined) return;
        this.emit(stateEvent(e, spec));
        if (spec.eventlistener !== undefined) this.#pools.get(spec.group)?.running(e.name, e.to === 'RUNNING');
        return;
      }
      case 'shutdown':
        this.emit(supervisorStateEvent('STOPPING'));
        return;
      case 'removed':
        this.#specs.delete(e.name);
        this.#pids.delete(e.name);
        return;
      case 'finished':
        this.close();
        return;
      default:
        return;
    }
  }

  opened(spec: ProgramSpec, pid: number, stdin: StdinPipe, protocol: ProtocolSource | null): void {
    if (spec.eventlistener === undefined) return;
    const pool = this.#pools.get(spec.group);
    if (pool !== undefined) pool.opened(spec.name, pid, stdin, protocol);
    // No pool (its config changed under it): read and drop, so the listener never blocks.
    else protocol?.on('data', () => {});
  }

  closed(spec: ProgramSpec, pid: number): void {
    if (spec.eventlistener !== undefined) this.#pools.get(spec.group)?.closed(spec.name, pid);
  }

  /** Stops the tick timer (pidone is exiting). */
  close(): void {
    this.#cancelTick?.();
    this.#cancelTick = null;
    this.#tickPeriods = [];
  }

  #output(name: string, stream: 'stdout' | 'stderr', line: string): void {
    const spec = this.#specs.get(name);
    if (spec === undefined || !(stream === 'stdout' ? spec.stdout_events_enabled : spec.stderr_events_enabled)) return;
    this.emit(logEvent(spec, this.#pids.get(name) ?? 0, stream, `${line}\n`));
  }

  // supervisord's tick(): a TICK_<p> when the wall clock enters a new period of p seconds; the
  // first look only notes the current period.
  #ticks(periods: number[]): void {
    if (periods.join() === this.#tickPeriods.join()) return;
    this.close();
    this.#tickPeriods = periods;
    if (periods.length === 0) return;
    const now = this.#d.now() / 1000;
    for (const p of periods) this.#lastTick.set(p, Math.floor(now / p) * p);
    this.#armTick();
  }

  #armTick(): void {
    const step = Math.min(...this.#tickPeriods) * 1000;
    const now = this.#d.now();
    this.#cancelTick = this.#d.setTimer(Math.floor(now / step) * step + step - now, () => {
      this.#cancelTick = null;
      const t = this.#d.now() / 1000;
      for (const p of this.#tickPeriods) {
        const slice = Math.floor(t / p) * p;
        if (slice === this.#lastTick.get(p)) continue;
        this.#lastTick.set(p, slice);
        this.emit(tickEvent(p, slice));
      }
      if (this.#tickPeriods.length > 0) this.#armTick();
    });
  }
}
