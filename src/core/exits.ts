// What a child's end means (supervisord's finish(), supervisord.md 2.3), and whether and when
// it runs again. An exit that leaves processes in the program's group is taken care of only
// once they are gone (the `draining` state): two copies of a program never run side by side.
import type { ChildHandle, ExitStatus } from './ports.ts';
import type { Stopping } from './life.ts';
import { isExpected, statusNumber, wantsRestart } from './policy.ts';
import { type Ctx, emit, endHere, failedStart, giveUp, go, respawn, scheduleRestart, spawn, stay } from './moves.ts';
import { endRun } from './runs.ts';

const TOO_QUICK = 'Exited too quickly (process log may have details)';

/** Books an exit and reports it; `expected` is forced false for a failed start. */
function recordExit(c: Ctx, pid: number, status: ExitStatus, stopped: boolean, failedStart: boolean): boolean {
  const { r, spec, now } = c;
  const expected = !failedStart && isExpected(spec, status);
  emit(c, { type: 'exited', name: spec.name, pid, code: status.code, signal: status.signal, expected, stopped });
  r.laststop = now;
  r.stopMono = c.mono;
  r.exitstatus = status;
  r.lastExit = status;
  r.lastExpected = expected;
  return expected;
}

/** The exit of a child that was not being stopped (STARTING or RUNNING). */
export function exitOnItsOwn(c: Ctx, status: ExitStatus, groupAlive: boolean): void {
  const { r, spec, now } = c;
  const life = r.life;
  if (life.name !== 'starting' && life.name !== 'running') return stay(c);
  const child = life.child;
  if (spec.daemon) return launcherExit(c, status, groupAlive);
  let started = true;
  // A oneshot (and every scheduled run) has started once it ran: its exit is its completion.
  if (life.name === 'starting' && !spec.oneshot && spec.schedule === null) {
    started = c.mono - r.startMono >= spec.startsecs * 1000 && (spec.ready === null || life.probeReady);
    // supervisord's finish(): it stayed up long enough but the timer had not promoted it yet.
    if (started) go(c, { name: 'running', child });
  }
  recordExit(c, child.pid, status, false, !started);
  if (groupAlive) return drain(c, child, status, started);
  settleExit(c, status, started);
}

/**
 * The program ended but left processes in its group: stop them (stop signal, SIGKILL after
 * stopwaitsecs) before anything else happens to this process.
 */
function drain(c: Ctx, child: ChildHandle, status: ExitStatus, started: boolean): void {
  const spec = c.spec;
  go(c, { name: 'draining', child, main: false, group: true, sigkilled: false, exit: { status, started } });
  c.out.push({ type: 'signal', child, signal: spec.stopsignal, group: true });
  if (spec.stopsignal !== 'KILL') c.out.push({ type: 'signal', child, signal: 'CONT', group: true });
  c.out.push({ type: 'arm', ms: spec.stopwaitsecs * 1000 });
}

/**
 * A daemon's launcher exited: as expected, the daemon runs on (RUNNING, or STARTING until its
 * readiness probe passes); otherwise the launch failed (a failed start).
 */
function launcherExit(c: Ctx, status: ExitStatus, groupAlive: boolean): void {
  const { r, spec } = c;
  const life = r.life;
  if (life.name !== 'starting' && life.name !== 'running') return stay(c);
  const ok = isExpected(spec, status);
  recordExit(c, life.child.pid, status, false, !ok);
  if (!ok && groupAlive) return drain(c, life.child, status, false);
  if (!ok) return settleExit(c, status, false);
  const waitReady = life.name === 'starting' && spec.ready !== null && !life.probeReady;
  go(c, { name: waitReady ? 'daemonizing' : 'launched', child: life.child, group: groupAlive });
  emit(c, { type: 'launched', name: spec.name });
}

/** The outcome of an exit once nothing of the child is left: EXITED, a restart, BACKOFF or FATAL. */
export function settleExit(c: Ctx, status: ExitStatus, started: boolean): void {
  const { r, spec } = c;
  if (spec.schedule !== null) {
    // A scheduled run is never restarted: the next due time runs the program again.
    r.spawnerr = r.lastExpected ? '' : `Bad exit code ${statusNumber(status)}`;
    return endRun(c);
  }
  if (!started) {
    r.spawnerr = TOO_QUICK;
    // YAML with restart: never: the failed start is the end.
    if (spec.backoff !== null && spec.autorestart === false) return endHere(c);
    r.exitstatus = null; // supervisord resets it: BACKOFF shows no exit status
    return failedStart(c);
  }
  r.spawnerr = r.lastExpected ? '' : `Bad exit code ${statusNumber(status)}`;
  afterEnd(c);
}

/** A process that counted as started has ended (EXITED): autorestart decides what follows. */
export function afterEnd(c: Ctx): void {
  const { r, spec } = c;
  const expected = r.lastExpected;
  endHere(c);
  if (!wantsRestart(spec, expected) || !c.mayStart) {
    if (spec.oneshot) r.backoff = 0;
    return;
  }
  if (spec.backoff !== null) return scheduleRestart(c);
  // A failed oneshot is a failed start: supervisord's linear BACKOFF and startretries.
  if (spec.oneshot) return failedStart(c);
  // supervisord: a RUNNING exit resets backoff and restarts at once.
  r.backoff = 0;
  respawn(c);
}

/** The exit of a child being stopped: reported as "stopped:"; what follows waits for its group. */
export function exitWhileStopping(c: Ctx, status: ExitStatus, groupAlive: boolean): void {
  const life = c.r.life as Stopping;
  if (!life.main) return stay(c);
  recordExit(c, life.child.pid, status, true, false);
  life.main = false;
  life.group = groupAlive;
  if (!groupAlive) return finishStop(c);
  // What is left of the group gets the same treatment the main process got, unless the
  // signals already went to the whole group.
  const spec = c.spec;
  if (life.sigkilled) c.out.push({ type: 'signal', child: life.child, signal: 'KILL', group: true });
  else if (!spec.stopasgroup) {
    c.out.push({ type: 'signal', child: life.child, signal: spec.stopsignal, group: true });
    if (spec.stopsignal !== 'KILL') c.out.push({ type: 'signal', child: life.child, signal: 'CONT', group: true });
  }
  stay(c);
}

/** The stop is complete (main process and group gone): what the stop was for happens now. */
export function finishStop(c: Ctx): void {
  const life = c.r.life as Stopping;
  switch (life.name) {
    case 'stopping':
      return go(c, { name: 'stopped' });
    case 'restarting':
      if (!c.mayStart) return go(c, { name: 'stopped' });
      return spawn(c, true);
    case 'failing':
      return giveUp(c, life.reason ?? 'readiness probe failed', false, 'probe');
    case 'recycling':
      // Stopped because its liveness probe failed: a crash, whatever the exit status said.
      c.r.lastExpected = false;
      c.r.spawnerr = life.reason ?? 'liveness probe failed';
      return afterEnd(c);
    case 'replacing':
      go(c, { name: 'stopped' });
      c.out.push({ type: 'renew', spec: life.next ?? c.spec });
      return;
    case 'removing':
      go(c, { name: 'stopped' });
      c.out.push({ type: 'drop' });
      return;
    case 'draining': {
      const exit = life.exit;
      if (exit === undefined) return go(c, { name: 'exited' });
      return settleExit(c, exit.status, exit.started);
    }
  }
}

/** UNKNOWN: the main process is gone; once its group is too, nothing restarts it, but a pending reload change applies. */
export function exitUnknown(c: Ctx, status: ExitStatus, groupAlive: boolean): void {
  const life = c.r.life;
  if (life.name !== 'unknown' || !life.main) return stay(c);
  recordExit(c, life.child.pid, status, life.after !== null, false);
  life.main = false;
  if (groupAlive) return stay(c);
  endUnknown(c);
}

/** UNKNOWN, with nothing of the child left: where it rests. */
export function endUnknown(c: Ctx): void {
  const life = c.r.life;
  if (life.name !== 'unknown' || life.main) return stay(c);
  if (life.after === 'replacing') {
    go(c, { name: 'stopped' });
    c.out.push({ type: 'renew', spec: life.next ?? c.spec });
  } else if (life.after === 'removing') {
    go(c, { name: 'stopped' });
    c.out.push({ type: 'drop' });
  } else {
    go(c, { name: life.after === null ? 'exited' : 'stopped' });
  }
}
