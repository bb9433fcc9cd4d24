// How pidone's run ends, and with which exit code (product spec section 2; docs/engine.md):
//  - requested shutdown: 0, or 1 if any process had to be SIGKILLed (stopwaitsecs or the
//    shutdown_timeout deadline), because then not every program "stopped as expected";
//  - a critical program ended on its own: its own code (128+signal if killed), or for FATAL
//    127/126 if it could not be spawned, 1 if its readiness probe failed, else its last exit
//    code (never 0);
//  - every program ended on its own and nothing will run again: 0 if all ended as expected,
//    1 otherwise.
import type { ProcessRecord } from './record.ts';
import { describeStatus } from './events.ts';
import { fatalCode, shellCode } from './policy.ts';

/** The exit code pidone should use, and the one-line why. */
export interface Ending {
  readonly exitCode: number;
  readonly reason: string;
}

/** A critical program ended on its own (EXITED for good, or FATAL). */
export function criticalEnding(r: ProcessRecord): Ending {
  const name = r.spec.name;
  if (r.life.name === 'fatal') {
    const exitCode = r.life.cause === 'probe' ? 1 : fatalCode(r.spawnError, r.lastExit);
    return { exitCode, reason: `critical program ${name} entered FATAL state: ${r.life.reason}` };
  }
  const st = r.lastExit;
  if (st === null) return { exitCode: 0, reason: `critical program ${name} ended` };
  const exitCode = shellCode(st);
  const how = st.signal !== null ? `was terminated by SIG${st.signal}` : `exited ${exitCode}`;
  return { exitCode, reason: `critical program ${name} ${how}` };
}

/** The shutdown's outcome once every process is down. */
export function shutdownEnding(stopping: { readonly reason: string; readonly code: number | null }, hardKilled: readonly string[]): Ending {
  if (stopping.code !== null) return { exitCode: stopping.code, reason: stopping.reason };
  if (hardKilled.length > 0) return { exitCode: 1, reason: `${stopping.reason}; had to SIGKILL ${hardKilled.join(', ')}` };
  return { exitCode: 0, reason: stopping.reason };
}

/**
 * Whether pidone is idle for good: every process ended on its own (EXITED for good or FATAL),
 * or waits on a dependency that never will be met. Not while anything waits for a person: a
 * program with autostart=false never started, a program stopped by a command, a pending start
 * that is not blocked (supervisord keeps running for those). null = not idle.
 */
export function idleEnding(records: readonly ProcessRecord[]): Ending | null {
  let ended = 0;
  const failures: string[] = [];
  for (const r of records) {
    const life = r.life;
    if (life.name === 'waiting') {
      if (life.gate.kind !== 'blocked') return null;
      failures.push(`${r.spec.name} never started`);
      continue;
    }
    if (life.name !== 'exited' && life.name !== 'fatal') return null;
    ended++;
    if (life.name === 'fatal') failures.push(`${r.spec.name} FATAL`);
    else if (!r.lastExpected) failures.push(`${r.spec.name} ${r.lastExit === null ? 'failed' : describeStatus(r.lastExit.code, r.lastExit.signal)}`);
  }
  if (ended === 0) return null;
  if (failures.length === 0) return { exitCode: 0, reason: 'every program has ended' };
  return { exitCode: 1, reason: `every program has ended; failed: ${failures.join(', ')}` };
}
