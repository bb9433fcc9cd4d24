// The control-plane commands (supervisord's start/stop/restart/signal RPCs) on top of the
// supervisor's slots: namespec resolution, fault answers, and the per-process rules.
// Commands answer at once; waiting for RUNNING (supervisord's wait=true) is control/'s job,
// from the events and snapshot().
import type { ProgramSpec } from '../model/spec.ts';
import type { MachineEvent } from './proc.ts';
import type { Slot } from './slot.ts';
import { type CommandResult, type ProcessResult, displayName, fault, resolveNamespec, result } from './namespec.ts';
import { normalizeSignal } from './signals.ts';
import { RUNNING_STATES, SIGNALLABLE_STATES } from './state.ts';

/** The part of the supervisor commands work through. */
export interface Commands {
  readonly phase: 'running' | 'stopping' | 'finished';
  /** Addressable processes (not being removed), in start order. */
  specs(): ProgramSpec[];
  slot(name: string): Slot | undefined;
  dispatch(s: Slot, e: MachineEvent): void;
  drain(): void;
}

type Verb = 'start' | 'stop' | 'restart' | 'signal';

/** Does a group/all command include this process? (supervisord filters, not faults, there.) */
const INCLUDED: Readonly<Record<Verb, (s: Slot) => boolean>> = {
  start: (s) => !RUNNING_STATES.has(s.proc.state),
  stop: (s) => stoppable(s),
  restart: () => true,
  signal: (s) => SIGNALLABLE_STATES.has(s.proc.state),
};

/** Resolves a namespec and applies `one` to each process, with supervisord's fault order. */
export function runCommand(c: Commands, namespec: string, verb: Verb, one: (s: Slot, signal?: string) => ProcessResult, signal?: string | number): CommandResult {
  if (c.phase !== 'running') return fault('SHUTDOWN_STATE');
  const target = resolveNamespec(namespec, c.specs());
  if (target === null) return fault('BAD_NAME', namespec);
  let sig: string | undefined;
  if (verb === 'signal') {
    const normal = normalizeSignal(signal ?? '');
    if (normal === null) return fault('BAD_SIGNAL', String(signal));
    sig = normal;
  }
  const slots = target.specs.map((spec) => c.slot(spec.name)).filter((s): s is Slot => s !== undefined);
  if (target.scope === 'process') {
    const first = slots[0];
    if (first === undefined) return fault('BAD_NAME', namespec);
    const r = one(first, sig);
    return r.status === 'SUCCESS' ? { ok: true, scope: 'process', results: [r] } : { ok: false, fault: r.status, message: r.description };
  }
  const results = slots.filter(INCLUDED[verb]).map((s) => one(s, sig));
  return { ok: true, scope: target.scope, results };
}

/** supervisord's startProcess rules; a STOPPING process starts again once it has stopped. */
export function startOne(c: Commands, s: Slot): ProcessResult {
  const p = s.proc;
  if (RUNNING_STATES.has(p.state)) return result(s.spec, 'ALREADY_STARTED');
  if (p.state === 'UNKNOWN') return result(s.spec, 'FAILED', `FAILED: ${displayName(s.spec)} is in an unknown process state`);
  if (p.state === 'STOPPING') {
    s.restartWanted = true;
    return result(s.spec, 'SUCCESS');
  }
  // An explicit start is the person's decision: it does not wait for depends_on.
  s.pending = false;
  s.waiting = null;
  s.blocked = null;
  const gen = s.childGen;
  c.dispatch(s, { type: 'start', manual: true });
  if (s.childGen !== gen && p.spawnFailed) return result(s.spec, 'SPAWN_ERROR');
  return result(s.spec, 'SUCCESS');
}

/** Something to stop: a child, a retry or restart waiting, or a pending automatic start. */
function stoppable(s: Slot): boolean {
  return s.pending || s.proc.restartPending || RUNNING_STATES.has(s.proc.state);
}

/** supervisord's stopProcess rules, plus cancelling pending starts and waiting restarts. */
export function stopOne(c: Commands, s: Slot): ProcessResult {
  s.restartWanted = false;
  if (!stoppable(s)) return result(s.spec, 'NOT_RUNNING');
  if (s.pending) {
    s.pending = false;
    s.waiting = null;
    s.blocked = null;
    c.drain(); // dependents re-examine: this one will not start now
  } else {
    c.dispatch(s, { type: 'stop' });
  }
  return result(s.spec, 'SUCCESS');
}

/** supervisorctl's restart: stop (if anything runs), then start once stopped. */
export function restartOne(c: Commands, s: Slot): ProcessResult {
  const p = s.proc;
  if (p.state === 'UNKNOWN') return result(s.spec, 'FAILED', `FAILED: ${displayName(s.spec)} is in an unknown process state`);
  if (p.state === 'RUNNING' || p.state === 'STARTING' || p.state === 'STOPPING') {
    s.restartWanted = true;
    if (p.state !== 'STOPPING') c.dispatch(s, { type: 'stop' });
    return result(s.spec, 'SUCCESS');
  }
  if (p.state === 'BACKOFF' || p.restartPending) c.dispatch(s, { type: 'stop' });
  return startOne(c, s);
}

/** supervisord's signalProcess: to the pid only (never the group), in SIGNALLABLE_STATES. */
export function signalOne(c: Commands, s: Slot, signal: string): ProcessResult {
  const child = s.child;
  if (!SIGNALLABLE_STATES.has(s.proc.state) || child === null) return result(s.spec, 'NOT_RUNNING');
  try {
    child.kill(signal, false);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    c.dispatch(s, { type: 'kill_failed', error: message });
    return result(s.spec, 'FAILED', `FAILED: ${message}`);
  }
  return result(s.spec, 'SUCCESS');
}

/** Sends a received signal to the process group of each process listing it in forward_signals. */
export function forward(c: Commands, signal: string): string[] {
  const sig = normalizeSignal(signal);
  if (sig === null) return [];
  const sent: string[] = [];
  for (const spec of c.specs()) {
    const s = c.slot(spec.name);
    if (s === undefined || s.child === null || !SIGNALLABLE_STATES.has(s.proc.state)) continue;
    if (!spec.forward_signals.some((f) => normalizeSignal(f) === sig)) continue;
    try {
      s.child.kill(sig, true);
      sent.push(spec.name);
    } catch (err) {
      c.dispatch(s, { type: 'kill_failed', error: err instanceof Error ? err.message : String(err) });
    }
  }
  return sent;
}
