// The lifecycle of one process as a table, as s6-supervise writes its own: a row per named
// state (life.ts), a cell per event, and each cell says where it may lead. "What happens if X
// arrives in Y" is one line here; docs/engine.md prints this table (scripts/engine-table.ts),
// and the model-based tests check that no handler goes anywhere its cell does not name.
// Semantics follow supervisord 4.2.5's Subprocess (supervisord.md 2.3-2.5) for INI specs
// (spec.backoff === null); YAML pacing is in moves.ts, exits in exits.ts.
import type { ProgramSpec } from '../model/spec.ts';
import type { Effect, LifeEvent, LifeEventType, LifeName, StopName } from './life.ts';
import type { ProcessRecord } from './record.ts';
import { sameGate } from './deps.ts';
import { isStopping } from './life.ts';
import { isPermanent } from './spawn-error.ts';
import { type Ctx, beginStop, emit, endHere, failedStart, giveUp, go, promoteIfReady, restartNow, retarget, spawn, stay, stopSignal } from './moves.ts';
import { endUnknown, exitOnItsOwn, exitUnknown, exitWhileStopping, finishStop } from './exits.ts';
import type { Calendar } from './ports.ts';
import { endRun, startSchedule, tickAtRest, tickDuringRun } from './runs.ts';

type Handler<E> = (c: Ctx, e: E) => void;
type Target = LifeName | 'self';

/** One cell: where the event may lead from this state, what is done, and (for no-ops) why. */
export interface Cell<E = unknown> {
  readonly to: readonly Target[];
  readonly run: Handler<E>;
  readonly note: string;
}

type Row = { readonly [K in LifeEventType]: Cell<Extract<LifeEvent, { type: K }>> };

const cell = <E>(to: readonly Target[], run: Handler<E>, note = ''): Cell<E> => ({ to, run, note });
const nop = (note: string): Cell => ({ to: [], run: () => {}, note });

/** What a step sees of the world: the clocks, whether anything may start, cron arithmetic. */
export interface StepEnv {
  readonly now: number;
  readonly mono: number;
  readonly mayStart: boolean;
  readonly calendar: Calendar;
}

/** Applies one event to a process: the effects to carry out, in order, and the states it went through. */
export function step(r: ProcessRecord, e: LifeEvent, env: StepEnv): { effects: Effect[]; went: LifeName[] } {
  const c: Ctx = { r, spec: r.spec, ...env, out: [], went: [] };
  const here = TABLE[r.life.name][e.type] as Cell<LifeEvent>;
  here.run(c, e);
  return { effects: c.out, went: c.went };
}

/** The destinations a cell allows, from a given state ('self' resolved). */
export function destinations(from: LifeName, type: LifeEventType): LifeName[] {
  return TABLE[from][type].to.map((t) => (t === 'self' ? from : t));
}

// --- cells shared by several rows ---------------------------------------------------------------

const RETRY = ['backoff', 'fatal', 'exited', 'scheduled', 'spawning'] as const;
const AFTER_EXIT = ['exited', 'respawning', 'backoff', 'spawning', 'fatal', 'draining', 'scheduled'] as const;
const AFTER_END = ['exited', 'respawning', 'backoff', 'spawning', 'fatal', 'scheduled'] as const;
const AFTER_STOP: Readonly<Record<StopName, readonly Target[]>> = {
  stopping: ['stopped'],
  restarting: ['spawning', 'stopped'],
  failing: ['fatal'],
  recycling: AFTER_END,
  replacing: ['stopped'],
  removing: ['stopped'],
  draining: AFTER_END,
};

const startNow = cell(['spawning', 'self'], (c) => (c.mayStart ? spawn(c, true) : stay(c)), 'nothing starts once pidone shuts down');
const startLater = cell(['self', 'restarting'], (c) => {
  const name = c.r.life.name;
  if (name === 'replacing' || name === 'removing' || name === 'restarting') return stay(c);
  retarget(c, 'restarting');
}, 'start or restart while stopping: starts again once stopped (a reload in progress wins)');

const renewAtRest = cell(['stopped'], (c, e: { spec: ProgramSpec }) => {
  go(c, { name: 'stopped' });
  c.out.push({ type: 'renew', spec: e.spec });
}, 'a fresh process with the new spec takes its place, started if autostart');
const dropAtRest = cell(['stopped'], (c) => {
  go(c, { name: 'stopped' });
  c.out.push({ type: 'drop' });
}, 'forgotten; its log files close');
const toStopped = (note = '') => cell(['stopped'], (c) => go(c, { name: 'stopped' }), note);

/**
 * Stops what runs (a child, or a launched daemon) for some purpose. A daemon pidone cannot
 * reach (no stop_command, no process group left) is over at once, with a warning.
 */
function stopRunning(c: Ctx, name: StopName, extra: { next?: ProgramSpec; reason?: string } = {}): void {
  const life = c.r.life;
  if (life.name === 'starting' || life.name === 'running') return beginStop(c, name, life.child, extra);
  if (life.name !== 'launched' && life.name !== 'daemonizing') return stay(c);
  beginStop(c, name, life.child, { ...extra, main: false, group: life.group });
  if (c.spec.stop_command === null && !life.group) {
    emit(c, { type: 'unreachable', name: c.spec.name });
    finishStop(c);
  }
}
const stopFor = (name: StopName) => cell([name, ...AFTER_STOP[name]], (c, e: LifeEvent) => stopRunning(c, name, e.type === 'replace' ? { next: e.spec } : {}));

/** The shutdown deadline on what runs: SIGKILL to its whole group, no waiting. */
const hardKill = cell(['stopping', 'stopped'], (c) => {
  const life = c.r.life;
  if (life.name !== 'starting' && life.name !== 'running' && life.name !== 'launched' && life.name !== 'daemonizing') return stay(c);
  const main = life.name === 'starting' || life.name === 'running';
  const group = main || life.group;
  go(c, { name: 'stopping', child: life.child, main, group, sigkilled: true });
  emit(c, { type: 'killed', name: c.spec.name, pid: life.child.pid });
  c.out.push({ type: 'signal', child: life.child, signal: 'KILL', group: true });
  if (!main && !group) finishStop(c);
});

const toUnknown = cell(['unknown'], (c, e: { error: string }) => {
  const life = c.r.life;
  if (!('child' in life)) return stay(c);
  c.r.spawnerr = e.error;
  const after = isStopping(life) ? (life.name === 'draining' || life.name === 'recycling' ? 'stopping' : life.name) : null;
  const main = isStopping(life) ? life.main : life.name === 'starting' || life.name === 'running';
  go(c, { name: 'unknown', child: life.child, after, main, ...(isStopping(life) && life.next ? { next: life.next } : {}) });
}, 'signalling failed: nothing about the child can be trusted any more');

const ignoreStale = nop('a late report about an earlier child, timer or probe');
const scheduleOff = nop('no schedule runs here (its timer went when the program came to rest)');
const duringRun = cell(['self', 'restarting'], (c) => tickDuringRun(c), 'a run is due while this one goes on: overlap skip lets it pass, queue owes one run after this one, replace stops this one and starts a fresh one');
const duringStop = cell(['self'], (c) => tickDuringRun(c), 'a run is due while this one is being stopped: skipped, or owed with overlap: queue');
const SPAWN_NEXT = 'cannot happen: the spawn\'s outcome is the very next event';
const noChild = nop('no child: nothing to do');
const noStopCommand = nop('no stop in progress');
const UNNAMED = 'cannot happen: a process a reload removes cannot be named';
const SHUTDOWN_STOPPED = 'cannot happen: the shutdown made it a plain stop when it began';

// --- rows ------------------------------------------------------------------------------------

/** The row of a state with no child that waits for a person (stopped, exited, fatal). */
const restingRow = (name: 'stopped' | 'exited' | 'fatal'): Row => ({
  start: startNow,
  wait: name === 'stopped' ? cell(['waiting'], (c) => go(c, { name: 'waiting', gate: { kind: 'wait', text: 'its dependencies' } })) : nop('only a fresh process waits for its dependencies'),
  gate: nop('not waiting'),
  stop: nop('nothing runs (NOT_RUNNING)'),
  restart: startNow,
  spawned: ignoreStale, spawn_failed: ignoreStale, exit: ignoreStale, group_empty: ignoreStale, timer: ignoreStale,
  tick: scheduleOff, ready: ignoreStale, probe_failed: ignoreStale, stop_command_ended: noStopCommand,
  kill: noChild, kill_failed: ignoreStale,
  replace: renewAtRest, remove: dropAtRest,
});

/** The row of a stop in progress; what follows the stop is the state's name (AFTER_STOP). */
const stoppingRow = (name: StopName): Row => ({
  start: name === 'removing' ? nop(UNNAMED) : startLater,
  wait: nop('a stop is in progress'),
  gate: nop('not waiting'),
  stop: name === 'replacing' || name === 'removing' || name === 'stopping'
    ? nop(name === 'stopping' ? 'already stopping' : 'the reload\'s change goes ahead')
    : cell(['stopping'], (c) => retarget(c, 'stopping'), 'the person\'s stop wins over what the stop was for'),
  restart: name === 'removing' ? nop(UNNAMED) : startLater,
  spawned: ignoreStale, spawn_failed: ignoreStale,
  exit: name === 'draining'
    ? nop('its main process already exited')
    : cell(['self', ...AFTER_STOP[name]], (c, e) => exitWhileStopping(c, e.status, e.groupAlive), 'reported as "stopped:"; what follows waits until the group is empty too'),
  group_empty: cell(['self', ...AFTER_STOP[name]], (c) => {
    const life = c.r.life;
    if (!isStopping(life)) return stay(c);
    life.group = false;
    if (!life.main) finishStop(c);
    else stay(c);
  }),
  timer: cell(['self', ...AFTER_STOP[name]], (c) => {
    const life = c.r.life;
    if (!isStopping(life) || life.sigkilled) return stay(c);
    // stopwaitsecs ran out: SIGKILL once, to the group if killasgroup or if only the group is left.
    life.sigkilled = true;
    emit(c, { type: 'killed', name: c.spec.name, pid: life.child.pid });
    if (life.main || life.group) c.out.push({ type: 'signal', child: life.child, signal: 'KILL', group: c.spec.killasgroup || !life.main });
    // A daemon stopped by its stop_command alone: nothing pidone could wait for is left.
    if (!life.main && !life.group) return finishStop(c);
    stay(c);
  }, 'stopwaitsecs ran out: SIGKILL (once)'),
  tick: duringStop,
  ready: ignoreStale, probe_failed: ignoreStale,
  stop_command_ended: cell(['self', ...AFTER_STOP[name]], (c, e) => {
    const life = c.r.life;
    if (!isStopping(life)) return stay(c);
    if (!life.main && !life.group) return finishStop(c);
    if (!e.ok && !life.sigkilled) {
      // The program still runs and its stop_command did not stop it: its stop signal instead.
      emit(c, { type: 'stop_command_failed', name: c.spec.name, reason: e.why });
      stopSignal(c, life.child, c.spec.stopasgroup || !life.main);
    }
    stay(c);
  }, 'a daemon is stopped once its stop_command ends; a stop_command that failed is followed by the stop signal'),
  kill: name === 'restarting' ? nop(SHUTDOWN_STOPPED) : cell(['self', ...AFTER_STOP[name]], (c) => {
    const life = c.r.life;
    if (!isStopping(life)) return stay(c);
    life.sigkilled = true;
    c.out.push({ type: 'disarm' });
    emit(c, { type: 'killed', name: c.spec.name, pid: life.child.pid });
    if (life.main || life.group) c.out.push({ type: 'signal', child: life.child, signal: 'KILL', group: true });
    if (!life.main && !life.group) return finishStop(c);
    stay(c);
  }, 'the shutdown deadline: SIGKILL to the group'),
  kill_failed: toUnknown,
  replace: cell(['replacing'], (c, e) => retarget(c, 'replacing', { next: e.spec }), 'comes back with the new spec once stopped'),
  remove: name === 'removing' ? nop('already being removed') : cell(['removing'], (c) => retarget(c, 'removing')),
});

/** The row of a launched daemon (its launcher exited as expected): STARTING until ready, then RUNNING. */
const daemonRow = (name: 'daemonizing' | 'launched'): Row => ({
  start: nop('already started (ALREADY_STARTED)'), wait: nop('already started'), gate: nop('not waiting'),
  stop: stopFor('stopping'),
  restart: stopFor('restarting'),
  spawned: ignoreStale, spawn_failed: ignoreStale,
  exit: nop('its launcher already exited'),
  group_empty: cell(['self'], (c) => {
    const life = c.r.life;
    // Nothing of the launcher's group is left; the daemon may run on in a session of its own.
    if (life.name === 'launched' || life.name === 'daemonizing') life.group = false;
    stay(c);
  }, 'only the liveness probe can tell whether the daemon still runs'),
  timer: ignoreStale, tick: duringRun,
  ready: name === 'daemonizing'
    ? cell(['launched'], (c) => {
      const life = c.r.life;
      if (life.name !== 'daemonizing') return stay(c);
      emit(c, { type: 'ready', name: c.spec.name });
      go(c, { name: 'launched', child: life.child, group: life.group });
    })
    : ignoreStale,
  probe_failed: name === 'daemonizing'
    ? cell(['failing', 'fatal'], (c, e) => stopRunning(c, 'failing', { reason: `readiness probe failed: ${e.reason}` }), 'never ready: stopped, then FATAL')
    : cell(['recycling', ...AFTER_END], (c, e) => {
      emit(c, { type: 'unhealthy', name: c.spec.name, reason: e.reason });
      stopRunning(c, 'recycling', { reason: `liveness probe failed: ${e.reason}` });
    }, 'the daemon is not alive: stopped, and its end counts as a crash'),
  stop_command_ended: noStopCommand,
  kill: hardKill, kill_failed: toUnknown,
  replace: stopFor('replacing'), remove: stopFor('removing'),
});

const TABLE: Readonly<Record<LifeName, Row>> = {
  stopped: restingRow('stopped'),
  waiting: {
    start: startNow,
    wait: nop('already waiting'),
    gate: cell(['spawning', 'waiting', 'scheduled'], (c, e) => {
      const life = c.r.life;
      if (life.name !== 'waiting') return stay(c);
      if (e.gate.kind === 'go') {
        if (!c.mayStart) return stay(c);
        return c.spec.schedule !== null ? startSchedule(c) : spawn(c, false);
      }
      if (sameGate(life.gate, e.gate)) return stay(c);
      go(c, { name: 'waiting', gate: e.gate });
      if (e.gate.kind === 'blocked') emit(c, { type: 'blocked', name: c.spec.name, reason: e.gate.reason });
    }, 'all dependencies hold: start (a scheduled program: its schedule starts); else say on what it waits, or why it never can'),
    stop: toStopped('the automatic start is cancelled'),
    restart: startNow,
    spawned: ignoreStale, spawn_failed: ignoreStale, exit: ignoreStale, group_empty: ignoreStale, timer: ignoreStale,
    tick: nop('the schedule starts only once the dependencies hold'), ready: ignoreStale, probe_failed: ignoreStale, stop_command_ended: noStopCommand, kill: noChild, kill_failed: ignoreStale,
    replace: renewAtRest, remove: dropAtRest,
  },
  spawning: {
    start: nop(SPAWN_NEXT), wait: nop(SPAWN_NEXT), gate: nop(SPAWN_NEXT), stop: nop(SPAWN_NEXT), restart: nop(SPAWN_NEXT),
    spawned: cell(['starting', 'running'], (c, e) => {
      const { r, spec } = c;
      r.spawns++;
      const upLongEnough = spec.startsecs <= 0; // startsecs=0: RUNNING at once (supervisord)
      go(c, { name: 'starting', child: e.child, upLongEnough, probeReady: false });
      emit(c, { type: 'spawned', name: spec.name, pid: e.child.pid });
      if (spec.ready !== null) c.out.push({ type: 'probe', child: e.child, which: 'ready' });
      // "Stayed up > startsecs" is strict, hence the extra millisecond.
      if (!upLongEnough) c.out.push({ type: 'arm', ms: spec.startsecs * 1000 + 1 });
      promoteIfReady(c);
    }),
    spawn_failed: cell(RETRY, (c, e) => {
      const { r, spec } = c;
      r.spawnerr = e.error.message;
      r.spawnError = e.error;
      emit(c, { type: 'spawn_failed', name: spec.name, error: e.error.message });
      // Nothing ran: with restart: never (YAML), or an error no retry can fix, give up now.
      if (isPermanent(e.error.kind) || (spec.backoff !== null && spec.autorestart === false && spec.schedule === null)) giveUp(c, e.error.message);
      // A scheduled run that could not start is over; the next due time tries again.
      else if (spec.schedule !== null) endRun(c);
      else failedStart(c);
    }, 'a scheduled run that could not start waits for the next due time, or makes way for the owed one (an error no retry can fix: FATAL)'),
    exit: ignoreStale, group_empty: ignoreStale, timer: ignoreStale, tick: nop(SPAWN_NEXT), ready: ignoreStale, probe_failed: ignoreStale,
    stop_command_ended: noStopCommand,
    kill: nop(SPAWN_NEXT), kill_failed: ignoreStale, replace: nop(SPAWN_NEXT), remove: nop(SPAWN_NEXT),
  },
  starting: {
    start: nop('already started (ALREADY_STARTED)'), wait: nop('already started'), gate: nop('not waiting'),
    stop: stopFor('stopping'),
    restart: stopFor('restarting'),
    spawned: ignoreStale, spawn_failed: ignoreStale,
    exit: cell(['running', 'daemonizing', 'launched', ...AFTER_EXIT], (c, e) => exitOnItsOwn(c, e.status, e.groupAlive), 'before startsecs (or the probe): a failed start; a oneshot: its completion; a daemon\'s launcher: launched; a process group left behind is stopped first (draining)'),
    group_empty: nop('the main process is alive: its exit comes first'),
    timer: cell(['starting', 'running'], (c) => {
      const life = c.r.life;
      if (life.name !== 'starting') return stay(c);
      const elapsed = c.mono - c.r.startMono;
      if (elapsed > c.spec.startsecs * 1000) {
        life.upLongEnough = true;
        return promoteIfReady(c);
      }
      c.out.push({ type: 'arm', ms: c.spec.startsecs * 1000 - elapsed + 1 });
      stay(c);
    }, 'startsecs passed: RUNNING if the probe passed too'),
    tick: duringRun,
    ready: cell(['starting', 'running'], (c) => {
      const life = c.r.life;
      if (life.name !== 'starting' || c.spec.ready === null || life.probeReady) return stay(c);
      life.probeReady = true;
      emit(c, { type: 'ready', name: c.spec.name });
      c.out.push({ type: 'unprobe' });
      promoteIfReady(c);
    }),
    probe_failed: cell(['failing'], (c, e) => {
      const life = c.r.life;
      if (life.name !== 'starting') return stay(c);
      // Alive but never ready: stop it the normal way, then FATAL; nothing is left behind.
      beginStop(c, 'failing', life.child, { reason: `readiness probe failed: ${e.reason}` });
    }),
    stop_command_ended: noStopCommand,
    kill: hardKill, kill_failed: toUnknown,
    replace: stopFor('replacing'), remove: stopFor('removing'),
  },
  running: {
    start: nop('already started (ALREADY_STARTED)'), wait: nop('already started'), gate: nop('not waiting'),
    stop: stopFor('stopping'),
    restart: stopFor('restarting'),
    spawned: ignoreStale, spawn_failed: ignoreStale,
    exit: cell(['daemonizing', 'launched', ...AFTER_EXIT], (c, e) => exitOnItsOwn(c, e.status, e.groupAlive), 'EXITED, then autorestart decides (INI at once, YAML after the backoff); a process group left behind is stopped first (draining); a daemon\'s launcher: launched'),
    group_empty: nop('the main process is alive: its exit comes first'),
    timer: ignoreStale, tick: duringRun, ready: ignoreStale,
    probe_failed: cell(['recycling'], (c, e) => {
      const life = c.r.life;
      if (life.name !== 'running') return stay(c);
      emit(c, { type: 'unhealthy', name: c.spec.name, reason: e.reason });
      beginStop(c, 'recycling', life.child, { reason: `liveness probe failed: ${e.reason}` });
    }, 'its liveness probe failed: stopped, and its end counts as a crash (autorestart decides)'),
    stop_command_ended: noStopCommand,
    kill: hardKill, kill_failed: toUnknown,
    replace: stopFor('replacing'), remove: stopFor('removing'),
  },
  daemonizing: daemonRow('daemonizing'),
  launched: daemonRow('launched'),
  backoff: {
    start: nop('a start is already under way (ALREADY_STARTED)'), wait: nop('a start is under way'), gate: nop('not waiting'),
    stop: toStopped('supervisord: BACKOFF to STOPPED, no signal'),
    restart: startNow,
    spawned: ignoreStale, spawn_failed: ignoreStale, exit: ignoreStale, group_empty: ignoreStale,
    timer: cell(['spawning', 'stopped'], (c) => (c.mayStart ? restartNow(c) : go(c, { name: 'stopped' })), 'the retry'),
    tick: nop('a scheduled program is never retried: its runs end in `scheduled`'), ready: ignoreStale, probe_failed: ignoreStale, stop_command_ended: noStopCommand,
    kill: nop(SHUTDOWN_STOPPED), kill_failed: ignoreStale,
    replace: renewAtRest, remove: dropAtRest,
  },
  respawning: {
    start: startNow, wait: nop('a restart is under way'), gate: nop('not waiting'),
    stop: cell(['stopped', 'exited'], (c) => go(c, { name: c.mayStart ? 'stopped' : 'exited' }), 'a person\'s stop cancels the restart (STOPPED); the shutdown leaves it EXITED'),
    restart: startNow,
    spawned: ignoreStale, spawn_failed: ignoreStale, exit: ignoreStale, group_empty: ignoreStale,
    timer: cell(['spawning', 'exited'], (c) => (c.mayStart ? restartNow(c) : endHere(c)), 'the restart'),
    tick: nop('a scheduled program is never retried: its runs end in `scheduled`'), ready: ignoreStale, probe_failed: ignoreStale, stop_command_ended: noStopCommand,
    kill: nop(SHUTDOWN_STOPPED), kill_failed: ignoreStale,
    replace: renewAtRest, remove: dropAtRest,
  },
  exited: restingRow('exited'),
  scheduled: {
    start: startNow, wait: nop('its schedule has started already'), gate: nop('not waiting'),
    stop: toStopped('its schedule stops until a person starts it again'),
    restart: startNow,
    spawned: ignoreStale, spawn_failed: ignoreStale, exit: ignoreStale, group_empty: ignoreStale, timer: ignoreStale,
    tick: cell(['spawning', 'self'], (c) => tickAtRest(c), 'due: a run (the timer waits for the next due time); early, as the wall clock was set back: wait on'),
    ready: ignoreStale, probe_failed: ignoreStale, stop_command_ended: noStopCommand,
    kill: nop(SHUTDOWN_STOPPED), kill_failed: ignoreStale,
    replace: renewAtRest, remove: dropAtRest,
  },
  fatal: restingRow('fatal'),
  stopping: stoppingRow('stopping'),
  restarting: stoppingRow('restarting'),
  failing: stoppingRow('failing'),
  recycling: stoppingRow('recycling'),
  replacing: stoppingRow('replacing'),
  removing: stoppingRow('removing'),
  draining: stoppingRow('draining'),
  unknown: {
    start: nop('unknown state (FAILED)'), wait: nop('unknown state'), gate: nop('not waiting'),
    stop: nop('unknown state (FAILED)'), restart: nop('unknown state (FAILED)'),
    spawned: ignoreStale, spawn_failed: ignoreStale,
    exit: cell(['unknown', 'stopped', 'exited'], (c, e) => exitUnknown(c, e.status, e.groupAlive), 'gone at last (its group too): nothing restarts it; a reload\'s change applies'),
    group_empty: cell(['unknown', 'stopped', 'exited'], (c) => endUnknown(c), 'what was left of its group is gone'),
    timer: ignoreStale, tick: duringStop, ready: ignoreStale, probe_failed: ignoreStale, stop_command_ended: nop('unknown state'),
    kill: cell(['unknown'], (c) => {
      const life = c.r.life;
      if (life.name === 'unknown') c.out.push({ type: 'signal', child: life.child, signal: 'KILL', group: true });
      stay(c);
    }, 'the shutdown deadline: try SIGKILL to the group'),
    kill_failed: nop('already unknown'),
    replace: cell(['unknown'], (c, e) => {
      const life = c.r.life;
      if (life.name === 'unknown') c.r.life = { ...life, after: 'replacing', next: e.spec };
      stay(c);
    }, 'applied when it exits'),
    remove: cell(['unknown'], (c) => {
      const life = c.r.life;
      if (life.name === 'unknown') c.r.life = { ...life, after: 'removing' };
      stay(c);
    }, 'applied when it exits'),
  },
};

/** The table itself, for docs and for tests that check every cell. */
export const LIFECYCLE: Readonly<Record<LifeName, Readonly<Record<LifeEventType, Cell<never>>>>> = TABLE;
