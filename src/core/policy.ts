// Restart and exit-code rules, apart from the state machine so each can be read (and tested)
// on its own. Times in milliseconds unless a name says otherwise.
import type { ProgramSpec } from '../model/spec.ts';
import type { ExitStatus } from './ports.ts';
import { type SpawnError, spawnErrorCode } from './spawn-error.ts';
import { signalNumber } from './signals.ts';

/**
 * s6-supervise's rule: an automatic restart never comes sooner than this after the previous
 * spawn. supervisord gets the same pacing from its 1 s tick (V: `/bin/true` with
 * autorestart=true, startsecs=0 respawned about once a second); pidone has no tick, so without
 * this a crash loop would fork as fast as the kernel allows.
 */
export const MIN_RESPAWN_INTERVAL = 1000;

/** The status counts as expected: an exit code listed in exitcodes (a signal death never is). */
export function isExpected(spec: ProgramSpec, status: ExitStatus): boolean {
  return status.signal === null && status.code !== null && spec.exitcodes.includes(status.code);
}

/** supervisord's exitstatus number: the code, or -1 for a signal death (decode_wait_status). */
export function statusNumber(status: ExitStatus): number {
  return status.signal !== null ? -1 : (status.code ?? 0);
}

/** A shell-style exit code for a status: the code, or 128 + the signal number. */
export function shellCode(status: ExitStatus): number {
  return status.signal !== null ? 128 + signalNumber(status.signal) : (status.code ?? 0);
}

/**
 * Whether an exit (after the program counted as started) is followed by an automatic restart.
 * A oneshot is never rerun after a success; with autorestart true or "unexpected" it is rerun
 * after a failure, like systemd's Restart=on-failure with Type=oneshot (config/ rejects
 * `restart: always` for a oneshot, and we read a stray `true` as on-failure).
 */
export function wantsRestart(spec: ProgramSpec, expected: boolean): boolean {
  if (spec.autorestart === false) return false;
  if (spec.oneshot || spec.autorestart === 'unexpected') return !expected;
  return true;
}

/** pidone's exponential pacing: restart n waits min(initial * 2^(n-1), max) seconds. */
export function exponentialDelay(spec: ProgramSpec, attempt: number): number {
  const b = spec.backoff;
  if (b === null) return attempt * 1000;
  return Math.min(b.initial * 2 ** Math.max(0, attempt - 1), b.max) * 1000;
}

/**
 * The exit code pidone uses when a FATAL critical program ends it: 127/126 when it could not
 * be spawned (not found / could not be run, as in single mode), else the last exit of the
 * program, never 0 (FATAL is a failure even if the too-quick exit said 0).
 */
export function fatalCode(spawnError: SpawnError | null, lastExit: ExitStatus | null): number {
  if (spawnError !== null) return spawnErrorCode(spawnError.kind);
  const code = lastExit === null ? 1 : shellCode(lastExit);
  return code === 0 ? 1 : code;
}
