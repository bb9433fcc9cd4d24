// The control-plane commands (supervisord's start/stop/restart/signal RPCs) on the supervisor's
// records: namespec resolution, fault answers, and the per-process rules. Commands answer at
// once; waiting for RUNNING (supervisord's wait=true) is control/'s job, from the events and
// snapshot(). Every command becomes a lifecycle event, so its effect is the table's.
import type { ProgramSpec } from '../model/spec.ts';
import type { LifeEvent } from './life.ts';
import type { ProcessRecord } from './record.ts';
import type { SpawnError } from './spawn-error.ts';
import { mainChild, publicState } from './life.ts';
import { type CommandResult, type ProcessResult, displayName, fault, resolveNamespec, result } from './namespec.ts';
import { normalizeSignal } from './signals.ts';
import { RUNNING_STATES, SIGNALLABLE_STATES, STOPPED_STATES } from './state.ts';

/** The part of the supervisor commands work through. */
export interface Commands {
  readonly phase: 'running' | 'stopping' | 'finished';
  /** Addressable processes (not being removed), in start order. */
  specs(): ProgramSpec[];
  record(name: string): ProcessRecord | undefined;
  dispatch(r: ProcessRecord, e: LifeEvent): void;
  /** The command's problem, found without spawning (Spawner.check), or null. */
  check(spec: ProgramSpec): SpawnError | null;
}

type Verb = 'start' | 'stop' | 'restart' | 'signal';

const state = (r: ProcessRecord) => publicState(r.life.name);

/** Does a group/all command include this process? (supervisord filters, not faults, there.) */
const INCLUDED: Readonly<Record<Verb, (r: ProcessRecord) => boolean>> = {
  start: (r) => !RUNNING_STATES.has(state(r)),
  stop: (r) => stoppable(r),
  restart: () => true,
  signal: (r) => SIGNALLABLE_STATES.has(state(r)),
};

/** Resolves a namespec and applies `one` to each process, with supervisord's fault order. */
export function runCommand(c: Commands, namespec: string, verb: Verb, one: (r: ProcessRecord, signal?: string) => ProcessResult, signal?: string | number): CommandResult {
  if (c.phase !== 'running') return fault('SHUTDOWN_STATE');
  const target = resolveNamespec(namespec, c.specs());
  if (target === null) return fault('BAD_NAME', namespec);
  let sig: string | undefined;
  const records = target.specs.map((spec) => c.record(spec.name)).filter((r): r is ProcessRecord => r !== undefined);
  if (verb === 'signal') {
    const normal = normalizeSignal(signal ?? '');
    if (normal === null) {
      // supervisord's signalProcessGroup asks signalProcess for each process it would signal,
      // and each answers BAD_SIGNAL.
      if (target.scope === 'process') return fault('BAD_SIGNAL', String(signal));
      const results = records.filter(INCLUDED.signal).map((r) => result(r.spec, 'BAD_SIGNAL', `BAD_SIGNAL: ${String(signal)}`));
      return { ok: true, scope: target.scope, results };
    }
    sig = normal;
  }
  if (target.scope === 'process') {
    const first = records[0];
    if (first === undefined) return fault('BAD_NAME', namespec);
    const r = one(first, sig);
    return r.status === 'SUCCESS' ? { ok: true, scope: 'process', results: [r] } : { ok: false, fault: r.status, message: r.description };
  }
  const results = records.filter(INCLUDED[verb]).map((r) => one(r, sig));
  return { ok: true, scope: target.scope, results };
}

const unknownState = (r: ProcessRecord) => result(r.spec, 'FAILED', `FAILED: ${displayName(r.spec)} is in an unknown process state`);

/** Dispatches an event that may spawn at once; SPAWN_ERROR when that spawn failed. */
function spawning(c: Commands, r: ProcessRecord, e: LifeEvent): ProcessResult {
  const gen = r.childGen;
  c.dispatch(r, e);
  // A spawn that succeeded cleared spawnError; one that failed set it.
  if (r.childGen !== gen && r.spawnError !== null) return result(r.spec, 'SPAWN_ERROR');
  return result(r.spec, 'SUCCESS');
}

/**
 * supervisord's startProcess checks the command before anything else: a missing or
 * non-executable one is NO_FILE or NOT_EXECUTABLE, and the process stays as it was (a person
 * asked for something that cannot work; retrying it in BACKOFF would not help).
 */
function commandProblem(c: Commands, r: ProcessRecord): ProcessResult | null {
  const err = c.check(r.spec);
  if (err === null) return null;
  const name = err.kind === 'not_found' ? 'NO_FILE' : 'NOT_EXECUTABLE';
  return result(r.spec, name, `${name}: ${err.message}`);
}

/** supervisord's startProcess rules; a stopping process starts again once it has stopped. */
export function startOne(c: Commands, r: ProcessRecord): ProcessResult {
  const problem = commandProblem(c, r);
  if (problem !== null) return problem;
  const s = state(r);
  if (RUNNING_STATES.has(s)) return result(r.spec, 'ALREADY_STARTED');
  if (s === 'UNKNOWN') return unknownState(r);
  // An explicit start is the person's decision: it does not wait for depends_on.
  return spawning(c, r, { type: 'start' });
}

/** Something to stop: a child, a retry or restart waiting, a pending start, a schedule, or a stop for another purpose. */
function stoppable(r: ProcessRecord): boolean {
  switch (r.life.name) {
    case 'waiting': case 'spawning': case 'starting': case 'running': case 'backoff': case 'respawning':
    case 'restarting': case 'failing': case 'draining': case 'scheduled':
      return true;
    default:
      return false;
  }
}

/** supervisord's stopProcess rules, plus cancelling pending starts and waiting restarts. */
export function stopOne(c: Commands, r: ProcessRecord): ProcessResult {
  if (!stoppable(r)) return result(r.spec, 'NOT_RUNNING');
  c.dispatch(r, { type: 'stop' });
  return result(r.spec, 'SUCCESS');
}

/** supervisorctl's restart: stop (if anything runs), then start once stopped. */
export function restartOne(c: Commands, r: ProcessRecord): ProcessResult {
  if (state(r) === 'UNKNOWN') return unknownState(r);
  // Nothing to stop first: the start is now, so it is checked as a start is.
  if (STOPPED_STATES.has(state(r))) {
    const problem = commandProblem(c, r);
    if (problem !== null) return problem;
  }
  return spawning(c, r, { type: 'restart' });
}

/** supervisord's signalProcess: to the main process only (never the group), in SIGNALLABLE_STATES. */
export function signalOne(c: Commands, r: ProcessRecord, signal: string): ProcessResult {
  const child = mainChild(r.life);
  if (!SIGNALLABLE_STATES.has(state(r)) || child === null) return result(r.spec, 'NOT_RUNNING');
  const outcome = child.kill(signal, false);
  if (outcome.kind === 'gone') return result(r.spec, 'NOT_RUNNING');
  if (outcome.kind === 'failed') {
    c.dispatch(r, { type: 'kill_failed', error: outcome.error });
    return result(r.spec, 'FAILED', `FAILED: ${outcome.error}`);
  }
  return result(r.spec, 'SUCCESS');
}

/** Sends a received signal to the process group of each process listing it in forward_signals. */
export function forward(c: Commands, signal: string): string[] {
  const sig = normalizeSignal(signal);
  if (sig === null) return [];
  const sent: string[] = [];
  for (const spec of c.specs()) {
    const r = c.record(spec.name);
    const child = r === undefined ? null : mainChild(r.life);
    if (r === undefined || child === null || !SIGNALLABLE_STATES.has(state(r))) continue;
    if (!spec.forward_signals.some((f) => normalizeSignal(f) === sig)) continue;
    const outcome = child.kill(sig, true);
    if (outcome.kind === 'sent') sent.push(spec.name);
    else if (outcome.kind === 'failed') c.dispatch(r, { type: 'kill_failed', error: outcome.error });
  }
  return sent;
}
