// Scheduled programs (model/schedule.ts): one oneshot run per due time. The schedule has a
// timer of its own, beside the state's one: it is armed from the moment the schedule starts
// until the program comes to rest (STOPPED, EXITED, FATAL), across the states of each run, so
// a due time that comes while a run is still going is seen, and the overlap policy decides.
// One timer for the next due time, never a tick: a schedule costs nothing while it waits.
//
// Two clocks. cron due times are wall-clock times (Clock.now()), which may jump; `every` due
// times are monotonic (Clock.monotonic()) and never do. The timer itself is monotonic, so a
// jump is noticed when it fires:
//  - before the due time (the wall clock was set back): it waits for the rest, so a run is
//    never started twice for one due time (unless the clock went back more than three hours:
//    then, as cron does, the new time is taken as it is, and the schedule follows it);
//  - at or after it (on time, late, or the clock jumped forward over it): one run, for that
//    due time. The due times jumped over are not run one by one (no catch-up): the next due
//    time is the first after now.
import type { Ctx } from './moves.ts';

/** A clock set back by more than this starts the schedule afresh (cron's rule for big changes). */
export const BIG_JUMP_BACK_MS = 3 * 3600_000;

/** What the schedule's due times are measured against. */
function clockOf(c: Ctx): number {
  return c.spec.schedule?.cron != null ? c.now : c.mono;
}

/** The first due time strictly after `after`, stepping from `from` for `every`; null if there is none. */
function dueAfter(c: Ctx, after: number, from: number = after): number | null {
  const s = c.spec.schedule;
  if (s === null) return null;
  if (s.cron !== null) return c.calendar.next(s.cron, s.timezone, after);
  const every = Math.max(1, (s.every ?? 1) * 1000);
  return from + every * (Math.floor(Math.max(0, after - from) / every) + 1);
}

function arm(c: Ctx, due: number): void {
  c.r.sched.due = due;
  c.out.push({ type: 'tick_arm', ms: Math.max(0, due - clockOf(c)) });
}

/** The schedule is on: its timer waits for a due time. */
export function scheduleOn(c: Ctx): boolean {
  return c.r.sched.due !== null;
}

/** Starts the schedule if it is off: its timer waits for the first due time after now. */
export function armFirst(c: Ctx): void {
  if (c.spec.schedule === null || c.r.sched.due !== null) return;
  const due = dueAfter(c, clockOf(c));
  if (due !== null) arm(c, due);
}

/** Stops the schedule (the program comes to rest): its timer and any owed run are dropped. */
export function untick(c: Ctx): void {
  const s = c.r.sched;
  if (s.due === null && !s.queued) return;
  s.due = null;
  s.queued = false;
  c.out.push({ type: 'tick_disarm' });
}

/**
 * The schedule's timer fired. `due`: a run is due now (and the timer waits for the next due
 * time); `early`: the wall clock was set back, the timer waits for the rest; `off`: no schedule.
 */
export function takeTick(c: Ctx): 'due' | 'early' | 'off' {
  const s = c.r.sched;
  if (s.due === null) return 'off';
  const now = clockOf(c);
  if (now < s.due) {
    const fresh = c.spec.schedule?.cron != null && s.due - now > BIG_JUMP_BACK_MS ? dueAfter(c, now) : s.due;
    if (fresh === null) s.due = null;
    else arm(c, fresh);
    return 'early';
  }
  s.lastDue = s.due;
  const next = dueAfter(c, now, s.due);
  if (next === null) s.due = null;
  else arm(c, next);
  return 'due';
}

/** The schedule's next due time as a wall-clock time (for status), or null when it is off. */
export function nextRunAt(spec: Ctx['spec'], due: number | null, now: number, mono: number): number | null {
  if (due === null || spec.schedule === null) return null;
  return spec.schedule.cron !== null ? due : now + (due - mono);
}
