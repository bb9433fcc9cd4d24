// The supervisor's engine room: the slots, the one event queue, and carrying out the machine's
// effects through the ports (spawn, signal, timers, probes, reports).
//
// Re-entrancy: ports may call back synchronously (a child that dies inside kill(), a prober
// that is ready inside watch(), a report listener that calls shutdown()). Every machine event
// therefore goes through one queue, drained by whoever arrives first; after each drain the
// `settle` hook (scheduling, shutdown progress, endings) runs, until nothing more happens.
import type { Clock, ExitStatus, Prober, Spawner } from './ports.ts';
import type { SupervisorEvent } from './events.ts';
import type { Effect, MachineEvent } from './proc.ts';
import type { ProgramSpec } from '../model/spec.ts';
import { Graph } from './graph-view.ts';
import { step } from './machine.ts';
import { type Slot, newSlot } from './slot.ts';

/** The ports the runtime drives, and where events go. */
export interface RuntimePorts {
  readonly clock: Clock;
  readonly spawner: Spawner;
  readonly prober: Prober;
  readonly report: (e: SupervisorEvent) => void;
}

/** Slots, queue and effects; the Supervisor decides what to ask of them. */
export class Runtime {
  /** By process name, in insertion order; `order` gives the model's start order. */
  readonly slots = new Map<string, Slot>();
  graph: Graph;
  private readonly ports: RuntimePorts;
  private readonly queue: [Slot, MachineEvent][] = [];
  private draining = false;
  /** Runs whenever the queue is empty; may enqueue more. */
  settle: () => void = () => {};
  /** Whether automatic restarts are allowed for a slot right now. */
  allowRestart: (s: Slot) => boolean = () => true;
  /** Sees every event before it is reported. */
  observe: (e: SupervisorEvent) => void = () => {};

  constructor(specs: readonly ProgramSpec[], ports: RuntimePorts) {
    this.ports = ports;
    specs.forEach((spec, i) => this.slots.set(spec.name, newSlot(spec, i)));
    this.graph = new Graph(specs);
  }

  /** The clock's time, in milliseconds. */
  now(): number {
    return this.ports.clock.now();
  }

  /** Arms a supervisor-level timer (not a process's). */
  setTimer(ms: number, fn: () => void): () => void {
    return this.ports.clock.setTimer(ms, fn);
  }

  /** Hands an event to the observer, then to the report callback. */
  report(e: SupervisorEvent): void {
    this.observe(e);
    this.ports.report(e);
  }

  /** Slots in the model's start order. */
  ordered(): Slot[] {
    return [...this.slots.values()].sort((a, b) => a.order - b.order);
  }

  /** Rebuilds the dependency graph after slots came or went. */
  regraph(): void {
    this.graph = new Graph([...this.slots.values()].map((s) => s.spec));
  }

  /** Queues an event and processes the queue unless someone already is. */
  dispatch(s: Slot, e: MachineEvent): void {
    this.enqueue(s, e);
    this.drain();
  }

  /** Queues an event for the running (or next) drain. */
  enqueue(s: Slot, e: MachineEvent): void {
    this.queue.push([s, e]);
  }

  /** Events are waiting in the queue. */
  busy(): boolean {
    return this.queue.length > 0;
  }

  /** Processes queued events, then settles, until both are quiet. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      do {
        for (let item = this.queue.shift(); item; item = this.queue.shift()) this.stepSlot(item[0], item[1]);
        this.settle();
      } while (this.queue.length > 0);
    } finally {
      this.draining = false;
    }
  }

  /** Cancels a slot's timer (and any callback of it still in flight). */
  disarm(s: Slot): void {
    s.timerGen++;
    s.cancelTimer?.();
    s.cancelTimer = null;
  }

  private stepSlot(s: Slot, e: MachineEvent): void {
    if (this.slots.get(s.spec.name) !== s) return; // dropped or replaced by a reload meanwhile
    for (const fx of step(s.proc, s.spec, e, this.now(), this.allowRestart(s))) this.apply(s, fx);
    if (e.type === 'exit') s.child = null;
  }

  private apply(s: Slot, fx: Effect): void {
    switch (fx.type) {
      case 'spawn': {
        const gen = ++s.childGen;
        try {
          s.child = this.ports.spawner.spawn(s.spec, (status) => this.onExit(s, gen, status));
          // First in line: a child that died inside spawn() has queued its exit already.
          this.queue.unshift([s, { type: 'spawned', pid: s.child.pid }]);
        } catch (err) {
          s.child = null;
          this.queue.unshift([s, { type: 'spawn_failed', error: message(err) }]);
        }
        return;
      }
      case 'signal':
        try {
          s.child?.kill(fx.signal, fx.group);
        } catch (err) {
          this.queue.push([s, { type: 'kill_failed', error: message(err) }]);
        }
        return;
      case 'arm': {
        this.disarm(s);
        const gen = s.timerGen;
        s.cancelTimer = this.ports.clock.setTimer(fx.ms, () => {
          if (s.timerGen !== gen) return;
          s.cancelTimer = null;
          this.dispatch(s, { type: 'timer' });
        });
        return;
      }
      case 'disarm':
        this.disarm(s);
        return;
      case 'probe': {
        const child = s.child;
        if (child === null) return;
        const gen = ++s.probeGen;
        const live = () => s.probeGen === gen;
        s.cancelProbe = this.ports.prober.watch(s.spec, child, {
          ready: () => live() && this.dispatch(s, { type: 'ready' }),
          failed: (reason) => live() && this.dispatch(s, { type: 'probe_failed', reason }),
        });
        return;
      }
      case 'unprobe':
        s.probeGen++;
        s.cancelProbe?.();
        s.cancelProbe = null;
        return;
      case 'emit':
        this.report(fx.event);
        return;
    }
  }

  private onExit(s: Slot, gen: number, status: ExitStatus): void {
    if (s.childGen === gen) this.dispatch(s, { type: 'exit', status });
  }
}

/** An error's message, for spawnerr and faults. */
export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
