// The per-process state machine, table-driven as s6-supervise is: every (state, event) cell is
// written down, so "what happens if X arrives in state Y" is answered by reading one line.
// Semantics follow supervisord 4.2.5's Subprocess (supervisord.md 2.3-2.5) for INI-style specs
// (spec.backoff === null); pidone's restart pacing for YAML-style specs is in moves.ts, exits in exits.ts.
import type { ProgramSpec } from '../model/spec.ts';
import type { ProcessState } from './state.ts';
import type { Effect, MachineEvent, Proc } from './proc.ts';
import { type Ctx, emit, endHere, failedStart, giveUp, go, promoteIfReady, restartNow, spawn } from './moves.ts';
import { exitRunning, exitStarting, exitStopping, exitUnknown } from './exits.ts';

type Handler<E> = (c: Ctx, e: E) => void;
type Row = { readonly [K in MachineEvent['type']]: Handler<Extract<MachineEvent, { type: K }>> };

/** Applies one event to a process; returns what the supervisor must do, in order. */
export function step(p: Proc, spec: ProgramSpec, e: MachineEvent, now: number, allowRestart = true): Effect[] {
  const c: Ctx = { p, spec, now, allowRestart, out: [] };
  const handler = TABLE[p.state][e.type] as Handler<MachineEvent>;
  handler(c, e);
  return c.out;
}

// --- handlers -------------------------------------------------------------------------------

/** The cell is decided: this event means nothing in this state (stale timer, late callback). */
const ignore = (): void => {};

const onStart: Handler<{ manual: boolean }> = (c, e) => spawn(c, e.manual);

const onSpawned: Handler<{ pid: number }> = (c, e) => {
  const { p, spec } = c;
  p.pid = e.pid;
  p.spawns++;
  emit(c, { type: 'spawned', name: spec.name, pid: e.pid });
  if (spec.ready !== null) c.out.push({ type: 'probe' });
  // startsecs=0: RUNNING at once (supervisord's startProcess transitions immediately).
  // Otherwise "stayed up > startsecs" is strict, hence the extra millisecond.
  if (spec.startsecs <= 0) p.upLongEnough = true;
  else c.out.push({ type: 'arm', ms: spec.startsecs * 1000 + 1 });
  promoteIfReady(c);
};

const onSpawnFailed: Handler<{ error: string }> = (c, e) => {
  const { p, spec } = c;
  p.spawnerr = e.error;
  p.spawnFailed = true;
  emit(c, { type: 'spawn_failed', name: spec.name, error: e.error });
  // pidone pacing with restart: never: nothing ran, nothing will retry: give up now.
  if (spec.backoff !== null && spec.autorestart === false) giveUp(c, e.error);
  else failedStart(c);
};

const startsecsTimer: Handler<{ type: 'timer' }> = (c) => {
  const { p, spec, now } = c;
  const elapsed = now - p.laststart;
  if (elapsed > spec.startsecs * 1000) {
    p.upLongEnough = true;
    promoteIfReady(c);
  } else {
    c.out.push({ type: 'arm', ms: spec.startsecs * 1000 - elapsed + 1 });
  }
};

const onReady: Handler<{ type: 'ready' }> = (c) => {
  const { p, spec } = c;
  if (spec.ready === null || p.probeReady) return;
  p.probeReady = true;
  emit(c, { type: 'ready', name: spec.name });
  c.out.push({ type: 'unprobe' });
  promoteIfReady(c);
};

const onProbeFailed: Handler<{ reason: string }> = (c, e) => {
  // The child is alive but will never be ready: stop it the normal way (stopsignal, then
  // SIGKILL after stopwaitsecs) and go FATAL once it is gone, so nothing is left behind.
  c.p.failing = `readiness probe failed: ${e.reason}`;
  beginStop(c);
};

const retry: Handler<{ type: 'timer' }> = (c) => {
  if (c.allowRestart) restartNow(c);
  else go(c, 'STOPPED');
};

const delayedRestart: Handler<{ type: 'timer' }> = (c) => {
  if (!c.p.restartPending) return;
  if (c.allowRestart) restartNow(c);
  else endHere(c);
};

/** supervisord's stop()/kill(stopsignal): STOPPING, signal, arm stopwaitsecs. */
function beginStop(c: Ctx): void {
  const { p, spec } = c;
  p.killing = true;
  go(c, 'STOPPING');
  emit(c, { type: 'stopping', name: spec.name, pid: p.pid, signal: spec.stopsignal });
  c.out.push({ type: 'signal', signal: spec.stopsignal, group: spec.stopasgroup });
  c.out.push({ type: 'arm', ms: spec.stopwaitsecs * 1000 });
}

const onStop: Handler<{ type: 'stop' }> = (c) => beginStop(c);

const stopBackoff: Handler<{ type: 'stop' }> = (c) => {
  // supervisord's kill() on BACKOFF: no child, no signal, just STOPPED.
  c.p.ended = false;
  go(c, 'STOPPED');
};

const stopExited: Handler<{ type: 'stop' }> = (c) => {
  // Cancels a restart that was waiting; the person's stop wins over autorestart.
  c.p.restartPending = false;
  c.p.ended = false;
  c.out.push({ type: 'disarm' });
};

/** stopwaitsecs ran out: SIGKILL, to the group if killasgroup (once: no repeats). */
const escalate: Handler<{ type: 'timer' }> = (c) => {
  const { p, spec } = c;
  p.killedHard = true;
  emit(c, { type: 'killed', name: spec.name, pid: p.pid });
  c.out.push({ type: 'signal', signal: 'KILL', group: spec.killasgroup });
};

/** The whole-shutdown deadline: SIGKILL to the process group, whatever the spec says. */
const hardKill: Handler<{ type: 'kill' }> = (c) => {
  const { p, spec } = c;
  p.killing = true;
  p.killedHard = true;
  go(c, 'STOPPING');
  c.out.push({ type: 'disarm' });
  emit(c, { type: 'killed', name: spec.name, pid: p.pid });
  c.out.push({ type: 'signal', signal: 'KILL', group: true });
};

const toUnknown: Handler<{ error: string }> = (c, e) => {
  c.p.spawnerr = e.error;
  go(c, 'UNKNOWN');
};

// --- the table ------------------------------------------------------------------------------

const TABLE: Readonly<Record<ProcessState, Row>> = {
  STOPPED: {
    start: onStart, spawned: ignore, spawn_failed: ignore, exit: ignore, timer: ignore,
    ready: ignore, probe_failed: ignore, stop: ignore, kill: ignore, kill_failed: ignore,
  },
  STARTING: {
    start: ignore, spawned: onSpawned, spawn_failed: onSpawnFailed, exit: exitStarting, timer: startsecsTimer,
    ready: onReady, probe_failed: onProbeFailed, stop: onStop, kill: hardKill, kill_failed: toUnknown,
  },
  RUNNING: {
    start: ignore, spawned: ignore, spawn_failed: ignore, exit: exitRunning, timer: ignore,
    ready: ignore, probe_failed: ignore, stop: onStop, kill: hardKill, kill_failed: toUnknown,
  },
  BACKOFF: {
    start: ignore, spawned: ignore, spawn_failed: ignore, exit: ignore, timer: retry,
    ready: ignore, probe_failed: ignore, stop: stopBackoff, kill: ignore, kill_failed: ignore,
  },
  STOPPING: {
    start: ignore, spawned: ignore, spawn_failed: ignore, exit: exitStopping, timer: escalate,
    ready: ignore, probe_failed: ignore, stop: ignore, kill: hardKill, kill_failed: toUnknown,
  },
  EXITED: {
    start: onStart, spawned: ignore, spawn_failed: ignore, exit: ignore, timer: delayedRestart,
    ready: ignore, probe_failed: ignore, stop: stopExited, kill: ignore, kill_failed: ignore,
  },
  FATAL: {
    start: onStart, spawned: ignore, spawn_failed: ignore, exit: ignore, timer: ignore,
    ready: ignore, probe_failed: ignore, stop: ignore, kill: ignore, kill_failed: ignore,
  },
  UNKNOWN: {
    start: ignore, spawned: ignore, spawn_failed: ignore, exit: exitUnknown, timer: ignore,
    ready: ignore, probe_failed: ignore, stop: ignore, kill: ignore, kill_failed: ignore,
  },
};

/** The table itself, for tests that check every cell is decided. */
export const TRANSITIONS: Readonly<Record<ProcessState, Readonly<Record<MachineEvent['type'], unknown>>>> = TABLE;
