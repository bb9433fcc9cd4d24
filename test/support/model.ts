// Model-based testing of the supervisor core: a small config and a sequence of operations (a
// crash with any code or signal at any moment, helpers left in a process group, spawn errors,
// probe verdicts, start/stop/restart/signal of names, groups and `all`, reloads, shutdown, time
// passing, the wall clock jumping forward and back) run against the real Supervisor on the fake
// clock. Some programs run on a schedule (cron with seconds, or every), with each overlap
// policy. After every operation, and at every event, the invariants below are checked; a
// violation throws with the case as data, so fast-check can shrink it and print it as a test
// ready to paste (see lifecycle-model.test.ts).
//
// The fake kernel: a child dies of its stop signal after a short delay (or ignores it, as its
// config says), always dies of SIGKILL within KILL_DELAY_MS, and so do the helpers of its group.
// A scheduled program's child does its work and exits 0 after its runMs.
import type { SupervisorEvent } from '../../src/core/events.ts';
import type { ProcessInfo } from '../../src/core/snapshot.ts';
import type { DependencyCondition, Model, ProgramSpec } from '../../src/model/spec.ts';
import { KILL_GRACE_MS, Supervisor } from '../../src/core/supervisor.ts';
import { MIN_RESPAWN_INTERVAL, exponentialDelay } from '../../src/core/policy.ts';
import { destinations } from '../../src/core/lifecycle.ts';
import { calendar } from '../../src/io/calendar.ts';
import { BIG_JUMP_BACK_MS } from '../../src/core/schedule.ts';
import type { Overlap } from '../../src/model/schedule.ts';
import { FakeClock, FakeProber, FakeSpawner, type FakeChild } from './fakes.ts';
import { PROBE, ini, model, yaml } from './world.ts';

/** The (state, event) cells of the lifecycle table that the runs so far went through. */
export const COVERAGE = new Set<string>();

/** The most a child (or helper) takes to die of SIGKILL in the fake kernel. */
export const KILL_DELAY_MS = 20;

/** One program of a generated config. */
export interface ProgramCase {
  readonly name: string;
  readonly group: string;
  readonly oneshot: boolean;
  readonly autostart: boolean;
  readonly autorestart: true | false | 'unexpected';
  readonly startsecs: number;
  readonly startretries: number;
  readonly exitcodes: readonly number[];
  readonly stopsignal: 'TERM' | 'INT';
  readonly stopwaitsecs: number;
  readonly stopasgroup: boolean;
  readonly killasgroup: boolean;
  readonly probe: boolean;
  readonly liveness: boolean;
  readonly critical: boolean | 'on-failure';
  readonly exit_on_skipped: boolean;
  /** stop_command: none, one that stops the program, or one that fails and leaves it running. */
  readonly stopCommand: 'none' | 'works' | 'fails';
  /** A daemon: its launcher exits 0 at once, leaving the daemon in its process group (or not). */
  readonly daemon: 'no' | 'in-group' | 'detached';
  readonly max_restarts: number | null;
  readonly depends_on: Readonly<Record<string, DependencyCondition>>;
  /** How its processes take the stop signal: die at once, die after a while, or ignore it. */
  readonly onStop: 'die' | 'slow' | 'ignore';
  /** A tag that a reload may change (a changed spec). */
  readonly version: number;
  /** Runs once per due time: `*\/N * * * * *` (cron, UTC) or every N s; null = an ordinary program. */
  readonly schedule?: { readonly kind: 'cron' | 'every'; readonly period: 1 | 2 | 5; readonly overlap: Overlap; readonly catch_up: boolean } | null;
  /** A scheduled program's child exits 0 after this long (unless stopped first). */
  readonly runMs?: number;
}

export interface ConfigCase {
  /** INI: supervisord's rules (backoff null); YAML: pidone's exponential pacing. */
  readonly format: 'ini' | 'yaml';
  readonly shutdown_timeout: number;
  readonly exitWhenIdle: boolean;
  readonly programs: readonly ProgramCase[];
}

/** One operation. Names are indexes into the current programs (modulo), so shrinking keeps cases valid. */
export type Op =
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'crash'; readonly p: number; readonly code: number | string }
  | { readonly op: 'fork'; readonly p: number }
  | { readonly op: 'helpersDie'; readonly p: number }
  | { readonly op: 'spawnFails'; readonly p: number; readonly kind: 'not_found' | 'privilege' | null }
  | { readonly op: 'probe'; readonly p: number; readonly ready: boolean }
  | { readonly op: 'unhealthy'; readonly p: number }
  | { readonly op: 'cmd'; readonly verb: 'start' | 'stop' | 'restart' | 'signal'; readonly target: number; readonly p: number; readonly signal: string }
  | { readonly op: 'killError'; readonly on: boolean }
  | { readonly op: 'reload'; readonly seed: number }
  | { readonly op: 'shutdown' }
  /** The wall clock is set forward or back by ms (timers and the monotonic clock do not move). */
  | { readonly op: 'jump'; readonly ms: number };

/** The ProgramSpec a case program becomes, under the format's rules. */
export function specOf(c: ConfigCase, p: ProgramCase): ProgramSpec {
  const o = {
    group: p.group, oneshot: p.oneshot, autostart: p.autostart, autorestart: p.autorestart, startsecs: p.startsecs,
    startretries: p.startretries, exitcodes: p.exitcodes, stopsignal: p.stopsignal, stopwaitsecs: p.stopwaitsecs,
    stopasgroup: p.stopasgroup, killasgroup: p.killasgroup, ready: p.probe ? PROBE : null, critical: p.critical,
    depends_on: p.depends_on, command: ['/bin/' + p.name, String(p.version)],
    liveness: p.liveness ? PROBE : null, exit_on_skipped: p.exit_on_skipped,
    stop_command: p.stopCommand === 'none' ? null : ['/bin/stop-' + p.name], daemon: p.daemon !== 'no',
    ...scheduleOf(p),
  };
  if (c.format === 'ini') return ini(p.name, o);
  return yaml(p.name, { ...o, max_restarts: p.max_restarts, backoff: { initial: 1, max: 4, reset_after: 10 } });
}

/** A scheduled case program: a oneshot per run, never restarted (as config/ makes it). */
function scheduleOf(p: ProgramCase): Partial<ProgramSpec> {
  const s = p.schedule;
  if (s === undefined || s === null) return {};
  return {
    oneshot: true, autorestart: false,
    schedule: { cron: s.kind === 'cron' ? `*/${s.period} * * * * *` : null, every: s.kind === 'every' ? s.period : null, timezone: s.kind === 'cron' ? 'UTC' : null, overlap: s.overlap, catch_up: s.catch_up },
  };
}

function modelOf(c: ConfigCase): Model {
  return model(c.programs.map((p) => specOf(c, p)), { shutdown_timeout: c.shutdown_timeout });
}

const RESTING = new Set(['STOPPED', 'EXITED', 'FATAL', 'BACKOFF']);
const LIVE = new Set(['RUNNING', 'STARTING', 'STOPPING']);

/** A violated invariant: the message names it; the case is attached by the caller. */
export class Violation extends Error {}

/** Runs a case; throws a Violation on the first broken invariant. Returns a short trace for debugging. */
export function runCase(input: Omit<ConfigCase, 'programs'> & { readonly programs: readonly (Partial<ProgramCase> & { readonly name: string; readonly group: string })[] }, ops: readonly Op[]): string[] {
  // Cases pasted before a field existed keep running: what they do not say is BASE_PROGRAM's.
  const config: ConfigCase = { ...input, programs: input.programs.map((p) => ({ ...BASE_PROGRAM, ...p })) };
  const run = new CaseRun(config);
  try {
    return run.run(ops);
  } catch (err) {
    // PIDONE_MODEL_TRACE=1 adds what happened (time, event, process) to the message.
    if (err instanceof Violation && process.env.PIDONE_MODEL_TRACE) err.message += `\ntrace:\n${run.trace.join('\n')}`;
    throw err;
  }
}

class CaseRun {
  readonly clock = new FakeClock(1_000_000);
  readonly spawner = new FakeSpawner(this.clock);
  readonly prober = new FakeProber();
  readonly sup: Supervisor;
  config: ConfigCase;
  /** Programs of the current config, by name. */
  programs = new Map<string, ProgramCase>();
  /** Every program any config had, as last configured (a removed one may still be stopping). */
  readonly known = new Map<string, ProgramCase>();
  readonly trace: string[] = [];
  /** Since when each name has been STOPPING without a break, and whether the bound applies. */
  readonly stoppingSince = new Map<string, number>();
  /** Names whose stops cannot be bounded (their signals failed: UNKNOWN). */
  readonly unbounded = new Set<string>();

  /** Names a person asked to start or restart, until their next spawn (explicit starts skip depends_on). */
  readonly manual = new Set<string>();
  shutdownAt: number | null = null;
  finishedAt: number | null = null;
  /** Automatic-restart bookkeeping: last spawn time and last backoff event per name. */
  readonly lastSpawn = new Map<string, number>();
  readonly lastBackoff = new Map<string, { at: number; delay: number }>();
  readonly everSpawned = new Set<string>();
  readonly restarts = new Map<string, number>();
  /** The due time of each schedule's last scheduled run (its own clock), to see that none runs twice. */
  readonly lastDue = new Map<string, number>();
  /** Monotonic time of the last wall-clock jump, and since when no operation has run (the quiet end). */
  lastJump = -Infinity;
  /** How far the wall clock was set back in all (a timer re-armed after such a jump may wait that much longer). */
  jumpedBack = 0;
  quietSince: number | null = null;

  constructor(config: ConfigCase) {
    this.config = config;
    for (const p of config.programs) this.programs.set(p.name, p);
    for (const p of config.programs) this.known.set(p.name, p);
    this.spawner.onKill = (child, signal, group) => this.kernel(child, signal, group);
    this.spawner.onSpawn = (child) => {
      // A scheduled run ends after its run time; a daemon's launcher forks the daemon and exits 0 soon after.
      const prog = this.known.get(child.name);
      if (prog?.schedule) this.clock.setTimer(prog.runMs ?? 300, () => child.alive && child.exit(0));
      const daemon = prog?.daemon ?? 'no';
      if (daemon === 'no') return;
      this.clock.setTimer(5, () => {
        if (!child.alive) return;
        if (daemon === 'in-group') child.fork();
        child.exit(0);
      });
    };
    const stopCommand = this.spawner.stopCommand.bind(this.spawner);
    this.spawner.stopCommand = (spec, ended) => {
      stopCommand(spec, ended);
      const how = this.known.get(spec.name)?.stopCommand ?? 'none';
      this.clock.setTimer(how === 'works' ? 10 : 3, () => {
        if (how === 'works') {
          const c = this.latest(spec.name);
          c?.groupDies();
          if (c?.alive) c.exit(0);
        }
        ended(how === 'works', how === 'works' ? 'exited 0' : 'exited 1');
      });
    };
    this.sup = new Supervisor(modelOf(config), {
      clock: this.clock, spawner: this.spawner, prober: this.prober, calendar,
      report: (e) => this.onEvent(e), exitWhenIdle: config.exitWhenIdle,
      trace: (name, from, event, went) => {
        // The table's promise: a cell leads only where it says.
        const allowed = destinations(from, event);
        for (const to of went) if (!allowed.includes(to)) throw new Violation(`${name}: ${event} in ${from} went to ${to}, not one of its cell's destinations (${allowed.join(', ') || 'none'})`);
        COVERAGE.add(`${from} ${event}`);
        this.afterStep(name, from, event, went);
      },
    });
  }

  run(ops: readonly Op[]): string[] {
    this.sup.start();
    this.checkAll('start');
    for (const [i, op] of ops.entries()) {
      this.apply(op);
      this.checkAll(`op ${i} ${JSON.stringify(op)}`);
    }
    // Let everything settle: every timer fires, stops complete, restarts happen. No operation
    // and no jump from here on: every schedule must run at each of its due times.
    this.quietSince = this.clock.monotonic();
    this.advance(60_000);
    this.checkAll('end');
    return this.trace;
  }

  // --- operations --------------------------------------------------------------------------

  apply(op: Op): void {
    const names = [...this.programs.keys()];
    const pick = (i: number) => names[((i % names.length) + names.length) % names.length]!;
    switch (op.op) {
      case 'advance':
        return this.advance(op.ms);
      case 'crash': {
        const c = this.latest(pick(op.p));
        if (c?.alive) c.exit(op.code);
        return;
      }
      case 'fork': {
        const c = this.latest(pick(op.p));
        if (c?.alive) c.fork();
        return;
      }
      case 'helpersDie':
        for (const c of this.spawner.of(pick(op.p))) c.groupDies();
        return;
      case 'spawnFails': {
        const name = pick(op.p);
        if (op.kind === null) this.spawner.failing.delete(name);
        else this.spawner.failing.set(name, op.kind === 'not_found' ? `can't find command '${name}'` : { kind: 'privilege', message: "couldn't setuid to 0: can't drop privilege as nonroot user" });
        return;
      }
      case 'probe': {
        const name = pick(op.p);
        if (this.prober.active(name) === undefined) return;
        if (op.ready) this.prober.ready(name);
        else this.prober.fail(name, 'refused');
        return;
      }
      case 'unhealthy': {
        const name = pick(op.p);
        const probe = [...this.prober.liveProbes].reverse().find((x) => x.name === name && !x.cancelled);
        probe?.failed('no answer');
        return;
      }
      case 'cmd': {
        const name = pick(op.p);
        const prog = this.programs.get(name)!;
        const targets = ['all', `${prog.group}:*`, prog.group, `${prog.group}:${name}`, name, 'bogus'];
        const target = targets[op.target % targets.length]!;
        if (op.verb === 'start' || op.verb === 'restart') {
          for (const p of this.programs.values()) {
            const named = target === 'all' || target === p.name || target === `${p.group}:${p.name}` || target === `${p.group}:*` || target === p.group;
            if (named) this.manual.add(p.name);
          }
        }
        const before = this.info();
        const r = op.verb === 'signal' ? this.sup.signalProcess(target, op.signal)
          : op.verb === 'start' ? this.sup.startProcess(target)
            : op.verb === 'stop' ? this.sup.stopProcess(target) : this.sup.restartProcess(target);
        if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') throw new Violation(`${op.verb} ${target} answered ${JSON.stringify(r)}`);
        // 7: supervisord checks the command before a start: one that cannot run answers NO_FILE
        // and changes nothing (also a restart of a process at rest, which starts at once).
        const whole = r.ok ? null : r.fault;
        if ((op.verb === 'start' || op.verb === 'restart') && whole !== 'BAD_NAME' && whole !== 'SHUTDOWN_STATE') {
          const answered: [string, string][] = r.ok ? r.results.map((x) => [x.name, x.status]) : [[name, r.fault]];
          const after = this.info();
          for (const [n, status] of answered) {
            const b = before.get(n);
            const due = this.commandMissing(n) && (op.verb === 'start' || (b !== undefined && ['STOPPED', 'EXITED', 'FATAL'].includes(b.statename)));
            if (due !== (status === 'NO_FILE')) throw new Violation(`${op.verb} ${target}: ${n} (${b?.life}) answered ${status}${due ? ', its command is missing: NO_FILE' : ''}`);
            if (!due) continue;
            this.manual.delete(n);
            // A pending automatic start may go ahead because the same command started what it
            // waited for: that start is the dependency's doing, not the refused one's.
            if (b?.life === 'waiting' && answered.some(([m, st]) => m !== n && st === 'SUCCESS')) continue;
            const a = after.get(n);
            if (b?.life !== a?.life || b?.spawns !== a?.spawns) throw new Violation(`${op.verb} ${target}: ${n} answered NO_FILE but went from ${b?.life} to ${a?.life}`);
          }
        }
        // 8: a bad signal is BAD_SIGNAL for a process, and one BAD_SIGNAL per process for a group or all.
        if (op.verb === 'signal' && op.signal === 'BOGUS' && whole !== 'BAD_NAME' && whole !== 'SHUTDOWN_STATE') {
          const each = r.ok ? r.scope !== 'process' && r.results.every((x) => x.status === 'BAD_SIGNAL') : r.fault === 'BAD_SIGNAL' && !target.endsWith(':*') && target !== 'all';
          if (!each) throw new Violation(`signal BOGUS ${target} answered ${JSON.stringify(r)}`);
        }
        this.trace.push(`${op.verb} ${target} -> ${r.ok ? 'ok' : r.fault}`);
        return;
      }
      case 'killError':
        this.spawner.killError = op.on ? 'EPERM' : null;
        return;
      case 'reload': {
        const next = mutate(this.config, op.seed);
        this.config = next;
        this.programs = new Map(next.programs.map((p) => [p.name, p]));
        for (const p of next.programs) this.known.set(p.name, p);
        this.sup.reload(modelOf(next));
        return;
      }
      case 'shutdown':
        this.sup.shutdown('model');
        return;
      case 'jump':
        this.clock.jump(op.ms);
        this.lastJump = this.clock.monotonic();
        if (op.ms < 0) this.jumpedBack -= op.ms;
        return;
    }
  }

  advance(ms: number): void {
    // In small steps, so that the invariants are checked between timers too.
    let left = ms;
    while (left > 0) {
      const d = Math.min(left, 250);
      this.clock.advance(d);
      left -= d;
      this.checkAll(`advance ${ms}`);
    }
  }

  /** The fake spawner says the program's command cannot be found (the check fails too). */
  commandMissing(name: string): boolean {
    const f = this.spawner.failing.get(name);
    return f !== undefined && (typeof f === 'string' || f.kind === 'not_found');
  }

  latest(name: string): FakeChild | undefined {
    const list = this.spawner.of(name);
    return list[list.length - 1];
  }

  /** The fake kernel's answer to a signal that reached a child or its group. */
  kernel(child: FakeChild, signal: string, group: boolean): void {
    const prog = this.known.get(child.name);
    const later = (ms: number, fn: () => void) => this.clock.setTimer(ms, fn);
    const dieMain = (how: string) => {
      if (child.alive) child.exit(how);
    };
    if (signal === 'KILL') {
      later(KILL_DELAY_MS, () => {
        if (group) child.groupDies();
        dieMain('KILL');
      });
      return;
    }
    const onStop = prog?.onStop ?? 'die';
    if (signal === (prog?.stopsignal ?? 'TERM') && onStop !== 'ignore') {
      later(onStop === 'die' ? 5 : 700, () => {
        if (group) child.groupDies();
        dieMain(signal);
      });
    }
  }

  // --- invariants ------------------------------------------------------------------------------

  info(): Map<string, ProcessInfo> {
    return new Map(this.sup.snapshot().map((p) => [p.name, p]));
  }

  onEvent(e: SupervisorEvent): void {
    // Every bound is on elapsed (monotonic) time: a wall-clock jump makes no stop longer.
    const now = this.clock.monotonic();
    this.trace.push(`${now - 1_000_000} ${e.type} ${'name' in e ? e.name : ''}`);
    // A livelock (events without end at one instant) is a failure too, not a hung test.
    if (this.trace.length > 20_000) throw new Violation(`more than 20,000 events: a loop? the last: ${this.trace.slice(-6).join('; ')}`);
    if (this.finishedAt !== null) throw new Violation(`an event after finished: ${JSON.stringify(e)}`);
    const infos = this.info();
    if (e.type === 'shutdown') this.shutdownAt ??= now;
    // Each stop is timed from its own start: two stops a millisecond apart are two stops.
    if (e.type === 'state' && e.from === 'STOPPING') this.stoppingSince.delete(e.name);
    if (e.type === 'state' && e.to === 'STOPPING') this.stoppingSince.set(e.name, now);
    if (e.type === 'finished') {
      this.finishedAt = now;
      this.checkShutdownBound(now);
    }
    if (e.type === 'spawned') {
      // 5: nothing starts during shutdown.
      if (this.shutdownAt !== null) throw new Violation(`${e.name} spawned during shutdown`);
      const manual = this.manual.delete(e.name);
      const info = infos.get(e.name);
      const first = info?.spawns === 1;
      const scheduled = info?.schedule !== null && info?.schedule !== undefined;
      // An automatic restart is counted in `restarts`; a person's start or restart is not.
      const automatic = !first && info !== undefined && info.restarts > (this.restarts.get(e.name) ?? 0);
      this.restarts.set(e.name, first ? 0 : (info?.restarts ?? 0));
      // 5: an automatic first start (the dependency gate's) comes only once depends_on holds;
      // for a scheduled program that is checked when its schedule starts (afterStep).
      if (first && !manual && !scheduled) this.checkDependencies(e.name, infos);
      // 4: an automatic respawn never comes sooner than MIN_RESPAWN_INTERVAL after the last spawn.
      const prev = this.lastSpawn.get(e.name);
      if (prev !== undefined && automatic && now - prev < MIN_RESPAWN_INTERVAL) {
        throw new Violation(`${e.name} respawned ${now - prev} ms after its previous spawn`);
      }
      // 4: after a BACKOFF, the retry comes exactly when the backoff said.
      const b = this.lastBackoff.get(e.name);
      if (b !== undefined && automatic && now !== b.at + b.delay) {
        throw new Violation(`${e.name} retried at +${now - b.at} ms, its backoff said ${b.delay} ms`);
      }
      this.lastBackoff.delete(e.name);
      this.lastSpawn.set(e.name, now);
      this.everSpawned.add(e.name);
    }
    if (e.type === 'backoff') this.checkBackoff(e.name, e.delay, e.attempt, now);
    // When each process went STOPPING (between the checks too: a stop may end and begin again).
    if (e.type === 'state' && e.to === 'STOPPING') this.stoppingSince.set(e.name, now);
    if (e.type === 'state' && e.from === 'STOPPING') this.stoppingSince.delete(e.name);
    // A retry that will not come (stopped, replaced, removed) is forgotten.
    if (e.type === 'state' && e.from === 'BACKOFF' && e.to !== 'STARTING') this.lastBackoff.delete(e.name);
    if (e.type === 'removed') this.lastBackoff.delete(e.name);
  }

  /** After each lifecycle step: the schedule invariants that need the step itself. */
  afterStep(name: string, from: string, event: string, went: readonly string[]): void {
    const infos = this.info();
    const info = infos.get(name);
    // 5: a schedule starts (waiting -> scheduled, or its catch-up run) only once depends_on holds.
    if (from === 'waiting' && event === 'gate' && (went.includes('scheduled') || (info?.schedule && went.includes('spawning')))) this.checkDependencies(name, infos);
    const due = info?.schedule?.lastDue ?? null;
    if (info === undefined || due === null) {
      this.lastDue.delete(name); // a fresh process (a reload made it anew): its own due times
      return;
    }
    const prev = this.lastDue.get(name);
    if (prev === due) return;
    // A removed program's stop may still take a due time: its case is still in `known`.
    const prog = this.programs.get(name) ?? this.known.get(name);
    // 7: each due time is taken once (never doubled, also when the wall clock was set back;
    // unless it went back more than three hours: then the schedule follows the new time) ...
    const newTime = prog?.schedule?.kind === 'cron' && prev !== undefined && prev - this.clock.now() > BIG_JUMP_BACK_MS;
    if (prev !== undefined && due <= prev && !newTime) throw new Violation(`${name}: a scheduled run for due time ${due} after one for ${prev}: doubled`);
    // ... and never before it comes (a cron due time is wall-clock, `every` monotonic).
    const at = prog?.schedule?.kind === 'cron' ? this.clock.now() : this.clock.monotonic();
    if (at < due) throw new Violation(`${name}: a due time was taken ${due - at} ms before it came`);
    this.lastDue.set(name, due);
  }

  checkBackoff(name: string, delay: number, attempt: number, now: number): void {
    const prog = this.programs.get(name);
    if (prog === undefined) return;
    const spec = specOf(this.config, prog);
    if (this.config.format === 'ini') {
      if (delay !== attempt * 1000) throw new Violation(`${name}: INI backoff ${attempt} waits ${delay} ms, not ${attempt * 1000}`);
      if (attempt > prog.startretries) throw new Violation(`${name}: retry ${attempt} beyond startretries ${prog.startretries}`);
    } else {
      if (delay < exponentialDelay(spec, attempt)) throw new Violation(`${name}: YAML backoff ${attempt} waits ${delay} ms, less than ${exponentialDelay(spec, attempt)}`);
      if (prog.max_restarts !== null && attempt > prog.max_restarts) throw new Violation(`${name}: restart ${attempt} beyond max_restarts ${prog.max_restarts}`);
    }
    this.lastBackoff.set(name, { at: now, delay });
  }

  checkDependencies(name: string, infos: Map<string, ProcessInfo>): void {
    const prog = this.programs.get(name);
    if (prog === undefined) return;
    for (const [dep, condition] of Object.entries(prog.depends_on)) {
      const members = [...infos.values()].filter((p) => p.name === dep || (p.group === dep && !infos.has(dep)));
      for (const d of members) {
        const ok = condition === 'started' ? this.everSpawned.has(d.name)
          : condition === 'ready' ? d.ready
            : condition === 'completed' ? d.completed : d.completed_successfully;
        if (!ok) throw new Violation(`${name} started before ${d.name} was ${condition} (it is ${d.life})`);
      }
    }
  }

  checkShutdownBound(now: number): void {
    if (this.shutdownAt === null || this.config.shutdown_timeout === 0) return;
    const bound = this.config.shutdown_timeout * 1000 + KILL_GRACE_MS;
    if (now - this.shutdownAt > bound) throw new Violation(`shutdown took ${now - this.shutdownAt} ms, bound ${bound} ms`);
  }

  checkAll(where: string): void {
    const now = this.clock.monotonic();
    const wall = this.clock.now();
    if (this.finishedAt !== null) return this.checkNothingLeft(where, now);
    const infos = this.info();
    const byName = new Map<string, FakeChild[]>();
    for (const c of this.spawner.spawns) {
      if (!c.groupAlive) continue;
      byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
    }
    const fail = (msg: string) => {
      throw new Violation(`${where}: ${msg}`);
    };
    for (const [name, live] of byName) {
      // 6: at most one live child (main process or what is left of its group) per name.
      if (live.length > 1) fail(`${name} has ${live.length} live children: ${live.map((c) => `${c.pid}${c.alive ? '' : ' (group only)'}`).join(', ')}`);
      const c = live[0]!;
      const p = infos.get(name);
      // 1: a live child is reachable: its process shows its pid (or owns its group while stopping).
      if (p === undefined) fail(`${name}'s child ${c.pid} is alive but pidone no longer has ${name}`);
      else if (c.alive && p.pid !== c.pid) fail(`${name}'s child ${c.pid} is alive but ${name} shows pid ${p.pid} (${p.life})`);
      else if (!c.alive && p.statename !== 'STOPPING' && p.statename !== 'UNKNOWN' && p.life !== 'launched' && p.life !== 'daemonizing') fail(`${name}'s group ${c.pid} is alive but ${name} is ${p.life}`);
    }
    for (const [name, p] of infos) {
      const live = byName.has(name);
      // 3: states and children agree.
      // A launched daemon may live outside its launcher's group, where pidone cannot see it.
      const daemon = p.life === 'launched' || p.life === 'daemonizing' || (p.statename === 'STOPPING' && (this.known.get(name)?.daemon ?? 'no') !== 'no');
      if (LIVE.has(p.statename) && !live && p.life !== 'spawning' && !daemon) fail(`${name} is ${p.statename} (${p.life}) with no live child`);
      if (RESTING.has(p.statename) && live) fail(`${name} is ${p.statename} (${p.life}) but a child of it is alive`);
      if (p.statename === 'UNKNOWN') this.unbounded.add(name);
      if (p.life === 'scheduled') {
        // 8: a program waiting for its schedule has a next due time (its timer is armed) ...
        const next = p.schedule?.next ?? null;
        if (next === null) fail(`${name} waits for its schedule with no due time`);
        // ... and (once every timer armed before the last jump has fired) it is never overdue: a
        // due time that came was run, at once, or handled by the overlap policy. A jump is
        // noticed when the timer fires: the longest a stale one can wait is a period (5 s) plus
        // how far the clock was set back (the timer waits out the rest of an early due time).
        const settled = this.quietSince !== null && this.clock.monotonic() - Math.max(this.quietSince, this.lastJump) > 6000 + this.jumpedBack;
        if (settled && next !== null && next < wall) fail(`${name} is ${wall - next} ms past its due time without running`);
      }
      // 2: a stop ends within stopwaitsecs plus the kill delay.
      if (p.statename === 'STOPPING') {
        const since = this.stoppingSince.get(name) ?? now;
        this.stoppingSince.set(name, since);
        const prog = this.programs.get(name);
        const bound = (prog?.stopwaitsecs ?? 10) * 1000 + KILL_DELAY_MS;
        if (prog !== undefined && !this.unbounded.has(name) && this.spawner.killError === null && now - since > bound) {
          fail(`${name} has been STOPPING for ${now - since} ms (stopwaitsecs ${prog.stopwaitsecs})`);
        }
      } else {
        this.stoppingSince.delete(name);
      }
    }
    // 2: the shutdown ends in time, and with no child left.
    if (this.shutdownAt !== null && this.finishedAt === null && this.config.shutdown_timeout > 0) {
      const bound = this.config.shutdown_timeout * 1000 + KILL_GRACE_MS;
      if (now - this.shutdownAt > bound) fail(`shutdown still running after ${now - this.shutdownAt} ms (bound ${bound} ms)`);
    }
  }

  /** After the end: no child left (pidone exits; the kernel would kill them mid-clean-up). */
  checkNothingLeft(where: string, now: number): void {
    if (this.unbounded.size > 0 || this.spawner.killError !== null || this.finishedAt === null) return;
    const left = this.spawner.spawns.filter((c) => c.groupAlive);
    if (left.length > 0 && now - this.finishedAt > KILL_DELAY_MS) throw new Violation(`${where}: finished with children alive: ${left.map((c) => `${c.name}/${c.pid}`).join(', ')}`);
  }
}

/** A reload's new config: one program changed, removed or added (deterministic in seed). */
export function mutate(c: ConfigCase, seed: number): ConfigCase {
  const programs = [...c.programs];
  const i = seed % Math.max(1, programs.length);
  const kind = Math.floor(seed / 7) % 3;
  const p = programs[i];
  if (kind === 0 && p !== undefined) {
    programs[i] = { ...p, version: p.version + 1, startsecs: (p.startsecs + 1) % 3 };
  } else if (kind === 1 && p !== undefined && programs.length > 1) {
    programs.splice(i, 1);
    // Dependencies on it go too (a config that names a missing program does not load).
    for (const [j, q] of programs.entries()) {
      const deps = Object.fromEntries(Object.entries(q.depends_on).filter(([d]) => d !== p.name && !(d === p.group && !programs.some((r) => r.group === d))));
      programs[j] = { ...q, depends_on: deps };
    }
  } else {
    const name = `n${seed % 1000}`;
    if (!programs.some((q) => q.name === name)) {
      programs.push({ ...(p ?? BASE_PROGRAM), name, group: name, depends_on: {}, critical: false, version: 0 });
    }
  }
  return { ...c, programs };
}

export const BASE_PROGRAM: ProgramCase = {
  name: 'p0', group: 'p0', oneshot: false, autostart: true, autorestart: 'unexpected', startsecs: 1, startretries: 3,
  exitcodes: [0], stopsignal: 'TERM', stopwaitsecs: 2, stopasgroup: false, killasgroup: false, probe: false,
  liveness: false, critical: false, exit_on_skipped: false, stopCommand: 'none', daemon: 'no',
  max_restarts: null, depends_on: {}, onStop: 'die', version: 0, schedule: null, runMs: 300,
};
