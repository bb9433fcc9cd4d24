// The runs of a scheduled program (core/schedule.ts has its timer): how the schedule starts,
// what a due time does in each kind of state, and where a run ends. A scheduled program is a
// oneshot per run: never restarted after it exits, whatever `restart` says; the next due time
// runs it again.
import { isStopping } from './life.ts';
import { type Ctx, beginStop, emit, endHere, go, spawn, stay } from './moves.ts';
import { armFirst, scheduleOn, takeTick, untick } from './schedule.ts';

/** The schedule starts on its own (boot, reload): wait for the first due time, or run now with catch_up. */
export function startSchedule(c: Ctx): void {
  armFirst(c);
  if (c.spec.schedule?.catch_up === true) return spawn(c, false);
  go(c, { name: 'scheduled' });
}

/** The schedule's timer fired between runs: run if due, else (the clock was set back) wait on. */
export function tickAtRest(c: Ctx): void {
  if (!c.mayStart) {
    untick(c);
    return stay(c);
  }
  if (takeTick(c) !== 'due') return stay(c);
  spawn(c, false);
}

/**
 * The schedule's timer fired while a run goes on (or is being stopped). The overlap policy:
 * skip lets this due time pass, queue owes one run right after this one, replace stops this
 * one (stop signal, SIGKILL after stopwaitsecs) and starts a fresh one once it is gone.
 */
export function tickDuringRun(c: Ctx): void {
  const spec = c.spec;
  if (!c.mayStart || spec.schedule === null || takeTick(c) !== 'due') return stay(c);
  const life = c.r.life;
  // A run that started at (or after) this due time is the run for it (a replacement or queued
  // run that started at the very instant the due time came).
  const started = spec.schedule.cron !== null ? c.r.laststart : c.r.startMono;
  const due = c.r.sched.lastDue ?? Infinity;
  if ((life.name === 'starting' || life.name === 'running') && due <= started) return stay(c);
  const policy = spec.schedule.overlap;
  const stopping = isStopping(life) || life.name === 'unknown';
  emit(c, { type: 'overlap', name: spec.name, policy: stopping && policy === 'replace' ? 'skip' : policy });
  if (policy === 'queue') c.r.sched.queued = true;
  if (policy === 'replace' && (life.name === 'starting' || life.name === 'running')) return beginStop(c, 'restarting', life.child);
  stay(c);
}

/** A run is over (it exited, or could not be spawned): the owed run, or wait for the next due time. */
export function endRun(c: Ctx): void {
  if (!c.mayStart) return endHere(c);
  const s = c.r.sched;
  if (s.queued) {
    s.queued = false;
    return spawn(c, false);
  }
  // A cron expression with no future due time leaves nothing to wait for.
  if (!scheduleOn(c)) return endHere(c);
  go(c, { name: 'scheduled' });
}
