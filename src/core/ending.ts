// How pidone's run ends, and with which exit code (product spec section 2; docs/engine.md):
//  - requested shutdown: 0, or 1 if any process had to be SIGKILLed (stopwaitsecs or the
//    shutdown_timeout deadline), because then not every program "stopped as expected";
//  - a critical program ended on its own: its own code (128+signal if killed), or for FATAL
//    127/126 if it could not be spawned, 1 if its readiness probe failed, else its last exit
//    code (never 0);
//  - every program ended on its own and nothing will run again: 0 if all ended as expected,
//    1 otherwise.
import type { ProgramSpec } from '../model/spec.ts';
import type { Proc } from './proc.ts';
import type { Slot } from './slot.ts';
import { describeStatus } from './events.ts';
import { fatalCode, shellCode } from './policy.ts';
import { STOPPED_STATES } from './state.ts';

/** The exit code pidone should use, and the one-line why. */
export interface Ending {
  readonly exitCode: number;
  readonly reason: string;
}

/** A critical program ended on its own (EXITED for good, or FATAL). */
export function criticalEnding(spec: ProgramSpec, p: Proc): Ending {
  if (p.state === 'FATAL') {
    const exitCode = p.failing !== null ? 1 : fatalCode(p.spawnFailed ? p.spawnerr : null, p.lastExit);
    return { exitCode, reason: `critical program ${spec.name} entered FATAL state: ${p.fatalReason ?? p.spawnerr}` };
  }
  const st = p.lastExit;
  if (st === null) return { exitCode: 0, reason: `critical program ${spec.name} ended` };
  const exitCode = shellCode(st);
  const how = st.signal !== null ? `was terminated by SIG${st.signal}` : `exited ${exitCode}`;
  return { exitCode, reason: `critical program ${spec.name} ${how}` };
}

/** The shutdown's outcome once every process is down. */
export function shutdownEnding(stopping: { readonly reason: string; readonly code: number | null }, hardKilled: readonly string[]): Ending {
  if (stopping.code !== null) return { exitCode: stopping.code, reason: stopping.reason };
  if (hardKilled.length > 0) return { exitCode: 1, reason: `${stopping.reason}; had to SIGKILL ${hardKilled.join(', ')}` };
  return { exitCode: 0, reason: stopping.reason };
}

/**
 * Whether pidone is idle for good: every process ended on its own (or waits on a dependency
 * that never will be met), none is pending, stopped by hand or never started (autostart=false
 * programs wait for a person, so pidone keeps running for them). null = not idle.
 */
export function idleEnding(slots: readonly Slot[]): Ending | null {
  let ended = 0;
  const failures: string[] = [];
  for (const s of slots) {
    if (s.removing || s.nextSpec !== null || s.restartWanted) return null;
    const p = s.proc;
    if (s.pending) {
      if (s.blocked === null) return null;
      failures.push(`${s.spec.name} never started`);
      continue;
    }
    if (!p.ended || !STOPPED_STATES.has(p.state) || p.restartPending) return null;
    ended++;
    if (p.state === 'FATAL') failures.push(`${s.spec.name} FATAL`);
    else if (!p.lastExpected) failures.push(`${s.spec.name} ${p.lastExit === null ? 'failed' : describeStatus(p.lastExit.code, p.lastExit.signal)}`);
  }
  if (ended === 0) return null;
  if (failures.length === 0) return { exitCode: 0, reason: 'every program has ended' };
  return { exitCode: 1, reason: `every program has ended; failed: ${failures.join(', ')}` };
}
