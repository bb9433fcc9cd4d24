// The lifecycle's shared moves: changing state, spawning, stopping, failed starts, restart
// pacing and giving up. Two pacings exist (model/spec.ts Backoff):
//  - INI (spec.backoff === null), supervisord exactly: a failed start waits 1 s, 2 s, 3 s...
//    (the backoff counter), FATAL once the counter exceeds startretries (so startretries+1
//    spawns in all); exits after RUNNING restart at once.
//  - YAML (spec.backoff set): every automatic restart n waits min(initial*2^(n-1), max), n
//    resets once a run lasted reset_after, FATAL after max_restarts restarts in a row.
import type { ProgramSpec } from '../model/spec.ts';
import type { SupervisorEvent } from './events.ts';
import type { Effect, Life, LifeName, StopName } from './life.ts';
import type { Calendar, ChildHandle } from './ports.ts';
import type { ProcessRecord } from './record.ts';
import { childOf, isStopping, probeOf, publicState } from './life.ts';
import { MIN_RESPAWN_INTERVAL, exponentialDelay } from './policy.ts';
import { armFirst, untick } from './schedule.ts';

/** What a handler works on: the record, the time, the effects it returns, where it went. */
export interface Ctx {
  readonly r: ProcessRecord;
  readonly spec: ProgramSpec;
  readonly now: number;
  /** Clock.monotonic() at the same moment (schedules with `every`). */
  readonly mono: number;
  readonly calendar: Calendar;
  /** False once pidone shuts down: nothing starts any more, automatically or on request. */
  readonly mayStart: boolean;
  readonly out: Effect[];
  /** Every state the handler moved to, in order (the table checks them against its cell). */
  readonly went: LifeName[];
}

/** Queues an event for the report callback. */
export function emit(c: Ctx, event: SupervisorEvent): void {
  c.out.push({ type: 'emit', event });
}

/**
 * Moves to a state. The timer and the probe belong to the state that armed them, so every
 * change cancels both: no stale timer can act on a later state. A `state` event is reported
 * when what supervisord would show changes.
 */
export function go(c: Ctx, to: Life): void {
  const { r, spec } = c;
  const from = r.life;
  c.out.push({ type: 'disarm' });
  // The readiness probe belongs to STARTING, the liveness probe to RUNNING.
  const had = probeOf(from.name);
  const has = probeOf(to.name);
  if (had !== null && had !== has) c.out.push({ type: 'unprobe' });
  if (has === 'liveness' && had !== 'liveness' && spec.liveness !== null && 'child' in to) c.out.push({ type: 'probe', child: to.child, which: 'liveness' });
  r.life = to;
  c.went.push(to.name);
  // A program at rest has no schedule running: its timer goes (core/schedule.ts).
  if (to.name === 'stopped' || to.name === 'exited' || to.name === 'fatal') untick(c);
  const a = publicState(from.name);
  const b = publicState(to.name);
  if (a === b) return;
  // What supervisord's PROCESS_STATE_* events carry besides the states: the start attempts
  // for STARTING and BACKOFF, the pid (0 when none) for RUNNING, STOPPING, STOPPED and
  // EXITED, and for EXITED whether the exit was expected.
  const pid = (): number => (childOf(to) ?? childOf(from))?.pid ?? 0;
  const base = { type: 'state', name: spec.name, from: a, to: b } as const;
  switch (b) {
    case 'STARTING': case 'BACKOFF':
      return emit(c, { ...base, tries: spec.backoff === null ? r.backoff : r.restarts });
    case 'RUNNING':
      return emit(c, { ...base, startsecs: spec.startsecs, pid: pid() });
    case 'STOPPING': case 'STOPPED':
      return emit(c, { ...base, pid: pid() });
    case 'EXITED':
      return emit(c, { ...base, pid: pid(), expected: r.lastExpected });
    default:
      return emit(c, base);
  }
}

/** Stays in the same state, for the record of destinations (a deliberate "no move"). */
export function stay(c: Ctx): void {
  c.went.push(c.r.life.name);
}

/** supervisord's spawn(): reset, STARTING, then fork (the supervisor reports back). */
export function spawn(c: Ctx, manual: boolean): void {
  const { r } = c;
  // A person asking for a start wants a fresh budget of retries (supervisord keeps the old
  // backoff count after a stop from BACKOFF; that only ever surprises).
  if (manual) {
    r.backoff = 0;
    r.restarts = 0;
  }
  r.spawnerr = '';
  r.spawnError = null;
  r.exitstatus = null;
  r.laststart = c.now;
  r.startMono = c.mono;
  go(c, { name: 'spawning' });
  c.out.push({ type: 'spawn' });
  // A scheduled program started by a person (or a queued run) keeps, or starts, its schedule.
  armFirst(c);
}

/** An automatic restart (counted for the status display). */
export function restartNow(c: Ctx): void {
  c.r.totalRestarts++;
  spawn(c, false);
}

/**
 * supervisord's stop(): STOPPING, the stop_command or stopsignal (and SIGCONT, as systemd: a
 * stopped process must be able to act on it), arm stopwaitsecs. `main: false` stops a daemon
 * whose launcher is gone: through its group, if it kept one, or its stop_command.
 */
export function beginStop(c: Ctx, name: StopName, child: ChildHandle, extra: { next?: ProgramSpec; reason?: string; main?: boolean; group?: boolean } = {}): void {
  const { spec } = c;
  const main = extra.main ?? true;
  const group = extra.group ?? true;
  go(c, { name, child, sigkilled: false, ...extra, main, group });
  emit(c, { type: 'stopping', name: spec.name, pid: child.pid, signal: spec.stop_command !== null ? 'stop_command' : spec.stopsignal });
  if (spec.stop_command !== null) c.out.push({ type: 'stop_command' });
  else if (main || group) stopSignal(c, child, spec.stopasgroup || !main);
  c.out.push({ type: 'arm', ms: spec.stopwaitsecs * 1000 });
}

/** Changes what a stop in progress is for, keeping its child, signals and SIGKILL timer. */
export function retarget(c: Ctx, name: StopName, extra: { next?: ProgramSpec } = {}): void {
  const life = c.r.life;
  if (!isStopping(life)) return stay(c);
  c.r.life = { ...life, name, ...extra };
  c.went.push(name);
}

/** The stop signal to a child (or its group), followed by SIGCONT. */
export function stopSignal(c: Ctx, child: ChildHandle, group: boolean): void {
  const sig = c.spec.stopsignal;
  c.out.push({ type: 'signal', child, signal: sig, group });
  if (sig !== 'KILL' && sig !== 'CONT' && sig !== 'STOP') c.out.push({ type: 'signal', child, signal: 'CONT', group });
}

/** A start that did not make it (spawn error, too-quick exit, failed oneshot): retry or give up. */
export function failedStart(c: Ctx): void {
  const { r, spec } = c;
  if (!c.mayStart) return endHere(c);
  if (spec.backoff !== null) return scheduleRestart(c);
  // supervisord: BACKOFF first (counted as it is entered), then the count decides between a
  // retry and FATAL.
  r.backoff++;
  go(c, { name: 'backoff' });
  if (r.backoff > spec.startretries) return giveUp(c, 'too many start retries too quickly', true);
  const delay = r.backoff * 1000;
  c.out.push({ type: 'arm', ms: delay });
  emit(c, { type: 'backoff', name: spec.name, delay, attempt: r.backoff });
}

/** YAML pacing: BACKOFF for the exponential delay, or FATAL past max_restarts. */
export function scheduleRestart(c: Ctx): void {
  const { r, spec, mono } = c;
  if (!c.mayStart) return endHere(c);
  const resetAfter = (spec.backoff?.reset_after ?? 0) * 1000;
  if (r.laststart > 0 && mono - r.startMono >= resetAfter) r.restarts = 0;
  if (spec.max_restarts !== null && r.restarts >= spec.max_restarts) {
    return giveUp(c, `too many restarts (max_restarts ${spec.max_restarts})`);
  }
  r.restarts++;
  // Even with initial: 0, keep s6's one second between spawns: a crash loop must stay cheap.
  const delay = Math.max(exponentialDelay(spec, r.restarts), r.startMono + MIN_RESPAWN_INTERVAL - mono);
  go(c, { name: 'backoff' });
  c.out.push({ type: 'arm', ms: delay });
  emit(c, { type: 'backoff', name: spec.name, delay, attempt: r.restarts });
}

/** supervisord's give_up(): FATAL, counter reset. keepSpawnerr keeps supervisord's text. */
export function giveUp(c: Ctx, reason: string, keepSpawnerr = false, cause: 'failed' | 'probe' = 'failed'): void {
  const { r, spec } = c;
  r.backoff = 0;
  if (!keepSpawnerr || r.spawnerr === '') r.spawnerr = reason;
  go(c, { name: 'fatal', reason, cause });
  emit(c, { type: 'fatal', name: spec.name, reason });
}

/** The end of the road without a restart: EXITED for good (supervisord's mood < RUNNING). */
export function endHere(c: Ctx): void {
  go(c, { name: 'exited' });
}

/** supervisord's immediate restart after a RUNNING exit, no sooner than 1 s after the last spawn. */
export function respawn(c: Ctx): void {
  const { r, mono } = c;
  const wait = r.startMono + MIN_RESPAWN_INTERVAL - mono;
  if (wait <= 0) return restartNow(c);
  go(c, { name: 'respawning' });
  c.out.push({ type: 'arm', ms: wait });
}

/** STARTING → RUNNING once it outlived startsecs and, if it has one, passed its probe. */
export function promoteIfReady(c: Ctx): void {
  const { r, spec } = c;
  const life = r.life;
  if (life.name !== 'starting') return;
  if (!life.upLongEnough || (spec.ready !== null && !life.probeReady)) return stay(c);
  // supervisord resets backoff on RUNNING; a oneshot keeps counting, or a job that fails after
  // startsecs would be retried forever.
  if (!spec.oneshot) r.backoff = 0;
  go(c, { name: 'running', child: life.child });
}
