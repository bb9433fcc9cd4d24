// The machine's exit handlers: what a child's end means in each state (supervisord's
// finish(), supervisord.md 2.3), and whether and when it runs again.
import type { ExitStatus } from './ports.ts';
import { MIN_RESPAWN_INTERVAL, isExpected, statusNumber, wantsRestart } from './policy.ts';
import { type Ctx, emit, endHere, failedStart, giveUp, go, restartNow, scheduleRestart } from './moves.ts';

type ExitHandler = (c: Ctx, e: { readonly status: ExitStatus }) => void;

const TOO_QUICK = 'Exited too quickly (process log may have details)';

/** Books an exit and reports it; `expected` is forced false for a failed start. */
function recordExit(c: Ctx, status: ExitStatus, stopped: boolean, failedStart = false): boolean {
  const { p, spec, now } = c;
  const expected = !failedStart && isExpected(spec, status);
  emit(c, { type: 'exited', name: spec.name, pid: p.pid, code: status.code, signal: status.signal, expected, stopped });
  p.pid = 0;
  p.laststop = now;
  p.exitstatus = status;
  p.lastExit = status;
  p.lastExpected = expected;
  return expected;
}

/** STARTING: a failed start if too quick (or not ready yet); a oneshot's completion. */
export const exitStarting: ExitHandler = (c, e) => {
  const { p, spec, now } = c;
  if (spec.oneshot) return exitRunning(c, e);
  const tooQuick = now - p.laststart < spec.startsecs * 1000 || (spec.ready !== null && !p.probeReady);
  if (!tooQuick) {
    // supervisord's finish(): it stayed up long enough but the timer had not promoted it yet.
    p.upLongEnough = true;
    go(c, 'RUNNING');
    return exitRunning(c, e);
  }
  recordExit(c, e.status, false, true);
  p.spawnerr = TOO_QUICK;
  // pidone pacing with restart: never: the failed start is the end.
  if (spec.backoff !== null && spec.autorestart === false) return endHere(c);
  p.exitstatus = null; // supervisord resets it: BACKOFF shows no exit status
  failedStart(c);
};

/** RUNNING: EXITED, then a restart per autorestart (INI at once, YAML after the backoff). */
export const exitRunning: ExitHandler = (c, e) => {
  const { p, spec, now } = c;
  const expected = recordExit(c, e.status, false);
  p.spawnerr = expected ? '' : `Bad exit code ${statusNumber(e.status)}`;
  go(c, 'EXITED');
  if (!wantsRestart(spec, expected) || !c.allowRestart) {
    if (spec.oneshot) p.backoff = 0;
    p.ended = true;
    return;
  }
  if (spec.backoff !== null) return scheduleRestart(c);
  // A failed oneshot is a failed start: supervisord's linear BACKOFF and startretries.
  if (spec.oneshot) return failedStart(c);
  // supervisord: a RUNNING exit resets backoff and restarts at once.
  p.backoff = 0;
  const wait = p.laststart + MIN_RESPAWN_INTERVAL - now;
  if (wait > 0) {
    p.restartPending = true;
    c.out.push({ type: 'arm', ms: wait });
  } else {
    restartNow(c);
  }
};

/** STOPPING: STOPPED whatever the status (FATAL when a failed probe asked for the stop). */
export const exitStopping: ExitHandler = (c, e) => {
  const { p } = c;
  recordExit(c, e.status, true);
  p.killing = false;
  // STOPPING ends in STOPPED whatever the status (supervisord), unless a failed probe asked
  // for the stop: then the process is FATAL.
  if (p.failing !== null) giveUp(c, p.failing);
  else go(c, 'STOPPED');
};

/** UNKNOWN: the child is gone at last; nothing is restarted. */
export const exitUnknown: ExitHandler = (c, e) => {
  const { p } = c;
  const stopped = p.killing;
  recordExit(c, e.status, stopped);
  p.killing = false;
  // Signalling failed earlier, so nothing is trusted: record the end, restart nothing.
  go(c, stopped ? 'STOPPED' : 'EXITED');
};
