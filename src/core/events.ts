// What the supervisor reports to the rest of pidone (logger, control plane, main). Each event
// has one supervisord-worded line (describeEvent), because users grep their logs for
// "spawned:", "exited:", "gave up:" whether they come from supervisord or from pidone.
import type { ProcessState } from './state.ts';

/** Everything the core tells the outside world, one discriminated union. */
export type SupervisorEvent =
  | { readonly type: 'spawned'; readonly name: string; readonly pid: number }
  | { readonly type: 'spawn_failed'; readonly name: string; readonly error: string }
  | {
      readonly type: 'state';
      readonly name: string;
      readonly from: ProcessState;
      readonly to: ProcessState;
      /** Set when `to` is RUNNING, for supervisord's "stayed up for > than N seconds" line. */
      readonly startsecs?: number;
      /** supervisord's PROCESS_STATE_* details: start attempts so far (`to` STARTING, BACKOFF). */
      readonly tries?: number;
      /** The process's pid, 0 when none (`to` RUNNING, STOPPING, STOPPED, EXITED). */
      readonly pid?: number;
      /** The exit was expected (`to` EXITED). */
      readonly expected?: boolean;
    }
  | {
      readonly type: 'exited';
      readonly name: string;
      readonly pid: number;
      readonly code: number | null;
      readonly signal: string | null;
      /** The status is in exitcodes (a signal death never is). */
      readonly expected: boolean;
      /** The exit followed a stop request (STOPPING → STOPPED): worded "stopped:". */
      readonly stopped: boolean;
    }
  | { readonly type: 'ready'; readonly name: string }
  | { readonly type: 'backoff'; readonly name: string; readonly delay: number; readonly attempt: number }
  | { readonly type: 'fatal'; readonly name: string; readonly reason: string }
  | { readonly type: 'stopping'; readonly name: string; readonly pid: number; readonly signal: string }
  | { readonly type: 'killed'; readonly name: string; readonly pid: number }
  | { readonly type: 'blocked'; readonly name: string; readonly reason: string }
  /** A scheduled run came due while the previous run was still going; `policy` says what was done. */
  | { readonly type: 'overlap'; readonly name: string; readonly policy: 'skip' | 'queue' | 'replace' }
  /** A reload removed the process and it is gone: pidone forgets it (its log files close). */
  | { readonly type: 'removed'; readonly name: string }
  /** A daemon's launcher exited as expected: the daemon runs on its own. */
  | { readonly type: 'launched'; readonly name: string }
  /** The liveness probe failed for good: the program is stopped, and its end counts as a crash. */
  | { readonly type: 'unhealthy'; readonly name: string; readonly reason: string }
  /** The stop_command failed while the program still ran: the stop signal goes instead. */
  | { readonly type: 'stop_command_failed'; readonly name: string; readonly reason: string }
  /** A daemon pidone cannot reach (no stop_command, no process group left) is marked stopped. */
  | { readonly type: 'unreachable'; readonly name: string }
  | { readonly type: 'shutdown'; readonly reason: string }
  | { readonly type: 'finished'; readonly exitCode: number; readonly reason: string };

/** supervisord's log levels, lower-cased (CRIT/ERRO/WARN/INFO/DEBG). */
export type EventLevel = 'error' | 'warn' | 'info' | 'debug';

/** "exit status 1" or "terminated by SIGTERM", as supervisord's decode_wait_status words it. */
export function describeStatus(code: number | null, signal: string | null): string {
  return signal !== null ? `terminated by SIG${signal}` : `exit status ${code ?? 0}`;
}

/** The log line for an event, in supervisord's wording where supervisord has one. */
export function describeEvent(e: SupervisorEvent): string {
  switch (e.type) {
    case 'spawned':
      return `spawned: '${e.name}' with pid ${e.pid}`;
    case 'spawn_failed':
      return `spawnerr: ${e.error}`;
    case 'state':
      if (e.to === 'RUNNING' && e.from === 'STARTING') {
        return `success: ${e.name} entered RUNNING state, process has stayed up for > than ${e.startsecs ?? 0} seconds (startsecs)`;
      }
      return `${e.name}: ${e.from} -> ${e.to}`;
    case 'exited': {
      const status = describeStatus(e.code, e.signal);
      if (e.stopped) return `stopped: ${e.name} (${status})`;
      return `exited: ${e.name} (${status}; ${e.expected ? 'expected' : 'not expected'})`;
    }
    case 'ready':
      return `ready: ${e.name} passed its readiness probe`;
    case 'backoff':
      return `backoff: ${e.name} will be restarted in ${formatSeconds(e.delay)} (attempt ${e.attempt})`;
    case 'fatal':
      return `gave up: ${e.name} entered FATAL state, ${e.reason}`;
    case 'stopping':
      return `waiting for ${e.name} to stop`;
    case 'killed':
      return `killing '${e.name}' (${e.pid}) with SIGKILL`;
    case 'blocked':
      return `${e.name}: not started: ${e.reason}`;
    case 'removed':
      return `removed: ${e.name} (no longer in the config)`;
    case 'launched':
      return `launched: ${e.name} (its launcher exited as expected; the daemon runs on)`;
    case 'unhealthy':
      return `unhealthy: ${e.name} failed its liveness probe (${e.reason}): stopping it; it counts as a crash`;
    case 'stop_command_failed':
      return `${e.name}: stop_command failed (${e.reason}): sending its stop signal instead`;
    case 'unreachable':
      return `${e.name}: a daemon with no stop_command and no process group left: marked stopped, it may still run`;
    case 'overlap':
      return `${e.name}: a scheduled run is due while the previous one is still going: ${OVERLAP[e.policy]}`;
    case 'shutdown':
      return `shutting down: ${e.reason}`;
    case 'finished':
      return `exiting with code ${e.exitCode}: ${e.reason}`;
  }
}

/** The level supervisord logs the same happening at. */
export function eventLevel(e: SupervisorEvent): EventLevel {
  switch (e.type) {
    case 'exited':
      // supervisord warns on every stop (a signal death is never "expected"), so an orderly
      // shutdown reads as a page of warnings. Dying of the stop pidone asked for is the
      // expected outcome; only a SIGKILL (the stop timed out) deserves a warning.
      if (e.stopped) return e.signal === 'KILL' ? 'warn' : 'info';
      return e.expected ? 'info' : 'warn';
    case 'killed':
    case 'blocked':
    case 'backoff':
    case 'unhealthy':
    case 'stop_command_failed':
    case 'unreachable':
    case 'overlap':
      return 'warn';
    case 'fatal':
    case 'removed':
    case 'launched':
    case 'spawn_failed':
    case 'spawned':
    case 'ready':
    case 'stopping':
    case 'shutdown':
      return 'info';
    case 'state':
      return e.to === 'RUNNING' && e.from === 'STARTING' ? 'info' : 'debug';
    case 'finished':
      return e.exitCode === 0 ? 'info' : 'error';
  }
}

const OVERLAP = { skip: 'skipped (overlap: skip)', queue: 'it runs once that one ends (overlap: queue)', replace: 'stopping it to start a fresh run (overlap: replace)' } as const;

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')} s`;
}
