// The machine's shared moves: spawning, promotion, changing state, failed starts, pacing of
// automatic restarts and giving up. Two pacings exist (spec.ts Backoff):
//  - INI (spec.backoff === null), supervisord exactly: a failed start waits 1 s, 2 s, 3 s...
//    (the backoff counter), FATAL once the counter exceeds startretries (so startretries+1
//    spawns in all); exits after RUNNING restart at once.
//  - YAML (spec.backoff set): every automatic restart n waits min(initial*2^(n-1), max), n
//    resets once a run lasted reset_after, FATAL after max_restarts restarts in a row.
import type { ProgramSpec } from '../model/spec.ts';
import type { SupervisorEvent } from './events.ts';
import type { Effect, Proc } from './proc.ts';
import type { ProcessState } from './state.ts';
import { MIN_RESPAWN_INTERVAL, exponentialDelay } from './policy.ts';

/** What a handler works on: the process, its spec, the time, and the effects it returns. */
export interface Ctx {
  readonly p: Proc;
  readonly spec: ProgramSpec;
  readonly now: number;
  /** False while pidone shuts down or the process is being replaced: no automatic restarts. */
  readonly allowRestart: boolean;
  readonly out: Effect[];
}

/** Queues an event for the report callback. */
export function emit(c: Ctx, event: SupervisorEvent): void {
  c.out.push({ type: 'emit', event });
}

/**
 * Moves to a state. Timers and probes belong to the state that armed them (startsecs and the
 * probe to STARTING, retries to BACKOFF, SIGKILL to STOPPING, restarts to EXITED), so every
 * change cancels them: no stale timer can act on a later state.
 */
export function go(c: Ctx, to: ProcessState): void {
  const { p, spec } = c;
  const from = p.state;
  if (from === to) return;
  c.out.push({ type: 'disarm' });
  if (from === 'STARTING') c.out.push({ type: 'unprobe' });
  p.state = to;
  p.restartPending = false;
  emit(c, to === 'RUNNING' ? { type: 'state', name: spec.name, from, to, startsecs: spec.startsecs } : { type: 'state', name: spec.name, from, to });
}

/** A start that did not make it (spawn error, too-quick exit, failed oneshot): retry or give up. */
export function failedStart(c: Ctx): void {
  const { p, spec } = c;
  if (!c.allowRestart) return endHere(c);
  if (spec.backoff !== null) return scheduleRestart(c);
  go(c, 'BACKOFF');
  p.backoff++;
  if (p.backoff > spec.startretries) return giveUp(c, 'too many start retries too quickly', true);
  const delay = p.backoff * 1000;
  c.out.push({ type: 'arm', ms: delay });
  emit(c, { type: 'backoff', name: spec.name, delay, attempt: p.backoff });
}

/** pidone pacing: BACKOFF for the exponential delay, or FATAL past max_restarts. */
export function scheduleRestart(c: Ctx): void {
  const { p, spec, now } = c;
  if (!c.allowRestart) return endHere(c);
  const resetAfter = (spec.backoff?.reset_after ?? 0) * 1000;
  if (p.laststart > 0 && now - p.laststart >= resetAfter) p.restarts = 0;
  if (spec.max_restarts !== null && p.restarts >= spec.max_restarts) {
    return giveUp(c, `too many restarts (max_restarts ${spec.max_restarts})`);
  }
  p.restarts++;
  // Even with initial: 0, keep s6's one second between spawns: a crash loop must stay cheap.
  const delay = Math.max(exponentialDelay(spec, p.restarts), p.laststart + MIN_RESPAWN_INTERVAL - now);
  go(c, 'BACKOFF');
  c.out.push({ type: 'arm', ms: delay });
  emit(c, { type: 'backoff', name: spec.name, delay, attempt: p.restarts });
}

/** supervisord's give_up(): FATAL, counter reset. keepSpawnerr keeps supervisord's text. */
export function giveUp(c: Ctx, reason: string, keepSpawnerr = false): void {
  const { p, spec } = c;
  go(c, 'FATAL');
  p.backoff = 0;
  p.fatalReason = reason;
  if (!keepSpawnerr || p.spawnerr === '') p.spawnerr = reason;
  p.ended = true;
  emit(c, { type: 'fatal', name: spec.name, reason });
}

/** The end of the road without a restart: EXITED for good (supervisord's mood < RUNNING). */
export function endHere(c: Ctx): void {
  go(c, 'EXITED');
  c.p.restartPending = false;
  c.p.ended = true;
}

/** supervisord's spawn(): reset, STARTING, then fork (the supervisor reports back). */
export function spawn(c: Ctx, manual: boolean): void {
  const { p } = c;
  // A person asking for a start wants a fresh budget of retries (supervisord keeps the old
  // backoff count after a stop from BACKOFF; that only ever surprises).
  if (manual) {
    p.backoff = 0;
    p.restarts = 0;
  }
  p.killing = false;
  p.killedHard = false;
  p.spawnerr = '';
  p.spawnFailed = false;
  p.exitstatus = null;
  p.laststart = c.now;
  p.upLongEnough = false;
  p.probeReady = false;
  p.failing = null;
  p.fatalReason = null;
  p.ended = false;
  go(c, 'STARTING');
  c.out.push({ type: 'spawn' });
}

/** An automatic restart (counted for the status display). */
export function restartNow(c: Ctx): void {
  c.p.totalRestarts++;
  spawn(c, false);
}

/** STARTING → RUNNING once it outlived startsecs and, if it has one, passed its probe. */
export function promoteIfReady(c: Ctx): void {
  const { p, spec } = c;
  if (!p.upLongEnough || (spec.ready !== null && !p.probeReady)) return;
  // supervisord resets backoff on RUNNING; a oneshot keeps counting, or a job that fails after
  // startsecs would be retried forever.
  if (!spec.oneshot) p.backoff = 0;
  go(c, 'RUNNING');
}
