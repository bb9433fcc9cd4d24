// Fake ports for the supervisor core: a clock that only moves when told, a spawner whose
// children exit when the test says so, and a prober whose verdicts the test gives. They keep
// the same contracts as the real ports (core/ports.ts): kill never throws and says `gone` for
// a process that was reaped, spawn returns a typed error, a child may leave processes in its
// group that outlive it.
import type { ChildEvents, ChildHandle, Clock, KillOutcome, ProbeCallbacks, Prober, SpawnOutcome, Spawner } from '../../src/core/ports.ts';
import type { SpawnError } from '../../src/core/spawn-error.ts';
import type { ProgramSpec } from '../../src/model/spec.ts';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A Clock whose time moves only through advance(); timers fire in (time, creation) order.
 * Timers run on the monotonic time; jump() sets the wall clock (now()) forward or back without
 * moving it, as an NTP step or a person's `date -s` does.
 */
export class FakeClock implements Clock {
  private time: number;
  private wallOffset = 0;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time + this.wallOffset;
  }

  monotonic(): number {
    return this.time;
  }

  /** Sets the wall clock forward (ms > 0) or back; timers and the monotonic time do not move. */
  jump(ms: number): void {
    this.wallOffset += ms;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by ms, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = target;
  }

  /** Timers armed and not yet fired or cancelled. */
  pending(): number {
    return this.timers.length;
  }
}

/** One spawned fake process (the leader of its process group). */
export class FakeChild implements ChildHandle {
  readonly pid: number;
  readonly name: string;
  readonly spec: ProgramSpec;
  readonly spawnedAt: number;
  readonly signals: { signal: string; group: boolean; at: number }[] = [];
  /** The main process is alive. */
  alive = true;
  /** Other live processes of its group (helpers it started). */
  leftovers = 0;
  private readonly events: ChildEvents;
  private readonly owner: FakeSpawner;

  constructor(owner: FakeSpawner, pid: number, spec: ProgramSpec, at: number, events: ChildEvents) {
    this.owner = owner;
    this.pid = pid;
    this.name = spec.name;
    this.spec = spec;
    this.spawnedAt = at;
    this.events = events;
  }

  /** Something of it (main process or group) is alive. */
  get groupAlive(): boolean {
    return this.alive || this.leftovers > 0;
  }

  kill(signal: string, group: boolean): KillOutcome {
    const reachable = this.alive || (group && this.leftovers > 0);
    this.signals.push({ signal, group, at: this.owner.clock.now() });
    if (!reachable) return { kind: 'gone' };
    if (this.owner.killError !== null) return { kind: 'failed', error: this.owner.killError };
    this.owner.onKill?.(this, signal, group);
    return { kind: 'sent' };
  }

  /** The main process starts a helper that stays in its process group. */
  fork(): void {
    this.leftovers++;
  }

  /** Ends the main process: a number is an exit code, a string a signal name ("TERM"). */
  exit(how: number | string = 0): void {
    if (!this.alive) throw new Error(`${this.name} (${this.pid}) already exited`);
    this.alive = false;
    this.events.exit(typeof how === 'number' ? { code: how, signal: null } : { code: null, signal: how }, this.leftovers > 0);
  }

  /** The helpers left in the group die (all of them). */
  groupDies(): void {
    if (this.leftovers === 0) return;
    this.leftovers = 0;
    if (!this.alive) this.events.groupEmpty();
  }
}

/** A Spawner that records every spawn; spawn fails for names told to fail. */
export class FakeSpawner implements Spawner {
  readonly clock: Clock;
  readonly spawns: FakeChild[] = [];
  /** name -> why Spawner.spawn fails (a message means a missing command). */
  readonly failing = new Map<string, string | SpawnError>();
  /** When set, every kill() of a reachable child calls it (e.g. to exit at once). */
  onKill: ((child: FakeChild, signal: string, group: boolean) => void) | null = null;
  /** When set, kill() of a reachable child fails with this (supervisord's "unknown problem sending sig"). */
  killError: string | null = null;
  /** When set, called inside spawn() before it returns (e.g. a child that dies at once). */
  onSpawn: ((child: FakeChild) => void) | null = null;
  private nextPid = 100;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  spawn(spec: ProgramSpec, events: ChildEvents): SpawnOutcome {
    const failure = this.failing.get(spec.name);
    if (failure !== undefined) {
      return { ok: false, error: typeof failure === 'string' ? { kind: 'not_found', message: failure, errno: 'ENOENT' } : failure };
    }
    const child = new FakeChild(this, this.nextPid++, spec, this.clock.now(), events);
    this.spawns.push(child);
    this.onSpawn?.(child);
    return { ok: true, child };
  }

  /** stop_command runs: name and the callback the test may call. */
  readonly stopCommands: { name: string; ended: (ok: boolean, why: string) => void }[] = [];
  /** When set, a stop_command ends at once with this verdict. */
  stopCommandVerdict: boolean | null = null;

  stopCommand(spec: ProgramSpec, ended: (ok: boolean, why: string) => void): void {
    this.stopCommands.push({ name: spec.name, ended });
    if (this.stopCommandVerdict !== null) ended(this.stopCommandVerdict, this.stopCommandVerdict ? 'exited 0' : 'exited 1');
  }

  /** supervisord's check before a person's start: the command's own failures, without spawning. */
  check(spec: ProgramSpec): SpawnError | null {
    const failure = this.failing.get(spec.name);
    if (failure === undefined) return null;
    const error: SpawnError = typeof failure === 'string' ? { kind: 'not_found', message: failure, errno: 'ENOENT' } : failure;
    return error.kind === 'not_found' || error.kind === 'not_executable' || error.kind === 'bad_command' ? error : null;
  }

  /** Spawns of one program, oldest first. */
  of(name: string): FakeChild[] {
    return this.spawns.filter((c) => c.name === name);
  }

  /** The latest child of a program (throws if it never spawned). */
  last(name: string): FakeChild {
    const list = this.of(name);
    const child = list[list.length - 1];
    if (child === undefined) throw new Error(`${name} never spawned`);
    return child;
  }

  /** Names in spawn order. */
  order(): string[] {
    return this.spawns.map((c) => c.name);
  }

  /** Children whose main process is alive. */
  alive(): FakeChild[] {
    return this.spawns.filter((c) => c.alive);
  }
}

/** One probe the core started. */
export interface FakeProbe {
  readonly name: string;
  readonly pid: number;
  readonly on: ProbeCallbacks;
  cancelled: boolean;
}

/** A Prober whose verdicts come from the test: ready(name) or fail(name, reason). */
export class FakeProber implements Prober {
  readonly probes: FakeProbe[] = [];
  /** When set, every probe reports ready inside watch(), before it returns. */
  instantReady = false;

  watch(spec: ProgramSpec, child: ChildHandle, on: ProbeCallbacks): () => void {
    const probe: FakeProbe = { name: spec.name, pid: child.pid, on, cancelled: false };
    this.probes.push(probe);
    if (this.instantReady) on.ready();
    return () => {
      probe.cancelled = true;
    };
  }

  /** Liveness probes the core started. */
  readonly liveProbes: { name: string; pid: number; failed: (reason: string) => void; cancelled: boolean }[] = [];

  live(spec: ProgramSpec, child: ChildHandle, failed: (reason: string) => void): () => void {
    const probe = { name: spec.name, pid: child.pid, failed, cancelled: false };
    this.liveProbes.push(probe);
    return () => {
      probe.cancelled = true;
    };
  }

  /** The liveness probe of a program fails for good. */
  dies(name: string, reason = 'no answer'): void {
    const p = [...this.liveProbes].reverse().find((x) => x.name === name && !x.cancelled);
    if (p === undefined) throw new Error(`no active liveness probe for ${name}`);
    p.failed(reason);
  }

  /** The latest probe of a program that is still watching. */
  active(name: string): FakeProbe | undefined {
    return [...this.probes].reverse().find((p) => p.name === name && !p.cancelled);
  }

  ready(name: string): void {
    const p = this.active(name);
    if (p === undefined) throw new Error(`no active probe for ${name}`);
    p.on.ready();
  }

  fail(name: string, reason = 'connection refused'): void {
    const p = this.active(name);
    if (p === undefined) throw new Error(`no active probe for ${name}`);
    p.on.failed(reason);
  }
}
