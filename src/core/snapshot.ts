// The read-only view of one process for the control plane: every key of supervisord's
// getProcessInfo struct (supervisord.md 4.4) plus pidone's own (restarts, ready, blocked).
import type { ProgramSpec } from '../model/spec.ts';
import type { Proc } from './proc.ts';
import { isReady } from './deps.ts';
import { displayName } from './namespec.ts';
import { statusNumber } from './policy.ts';
import { type ProcessState, STATE_CODES } from './state.ts';

/** One process as getProcessInfo shows it; times are Clock.now() milliseconds (0 = never). */
export interface ProcessInfo {
  readonly name: string;
  readonly group: string;
  /** `group:name` or `name`, as supervisorctl displays it. */
  readonly namespec: string;
  /** supervisord's numeric state code, and its name. */
  readonly state: number;
  readonly statename: ProcessState;
  readonly description: string;
  readonly start: number;
  readonly stop: number;
  readonly now: number;
  /** 0 when no child runs. */
  readonly pid: number;
  /** supervisord's exitstatus: the code, -1 for a signal death, 0 when none. */
  readonly exitstatus: number;
  readonly spawnerr: string;
  /** The last real exit (kept when supervisord clears exitstatus), null if it never exited. */
  readonly lastExit: { readonly code: number | null; readonly signal: string | null } | null;
  /** Automatic restarts since pidone started. */
  readonly restarts: number;
  /** Satisfies a `ready` dependency now (RUNNING, or a job that completed successfully). */
  readonly ready: boolean;
  /** Waiting for its dependencies before an automatic start: on what, or why it never will. */
  readonly waiting: string | null;
  readonly blocked: string | null;
  readonly completed: boolean;
  readonly completed_successfully: boolean;
}

/** What the snapshot needs of a supervised slot. */
export interface SnapshotSource {
  readonly spec: ProgramSpec;
  readonly proc: Proc;
  readonly waiting: string | null;
  readonly blocked: string | null;
}

/** Builds the ProcessInfo of one process at time `now`. */
export function processInfo(src: SnapshotSource, now: number): ProcessInfo {
  const { spec, proc: p } = src;
  const completed = p.ended && p.state === 'EXITED';
  return {
    name: spec.name,
    group: spec.group,
    namespec: displayName(spec),
    state: STATE_CODES[p.state],
    statename: p.state,
    description: describe(src, now),
    start: p.laststart,
    stop: p.laststop,
    now,
    pid: p.pid,
    exitstatus: p.exitstatus === null ? 0 : statusNumber(p.exitstatus),
    spawnerr: p.spawnerr,
    lastExit: p.lastExit,
    restarts: p.totalRestarts,
    ready: isReady(p),
    waiting: src.waiting,
    blocked: src.blocked,
    completed,
    completed_successfully: completed && p.lastExpected,
  };
}

/** supervisord's _interpretProcessInfo, plus why a process that never started is waiting. */
export function describe(src: SnapshotSource, now: number): string {
  const p = src.proc;
  switch (p.state) {
    case 'RUNNING':
      return `pid ${p.pid}, uptime ${formatUptime(Math.floor(now / 1000) - Math.floor(p.laststart / 1000))}`;
    case 'BACKOFF':
    case 'FATAL':
      return p.spawnerr || `unknown error (try "tail ${src.spec.name}")`;
    case 'STOPPED':
    case 'EXITED':
      if (p.laststart !== 0) return formatStopTime(p.laststop || p.laststart);
      if (src.blocked !== null) return `Not started: ${src.blocked}`;
      if (src.waiting !== null) return `Not started: waiting for ${src.waiting}`;
      return 'Not started';
    default:
      return '';
  }
}

/** Python's str(timedelta) for whole seconds: `0:01:02`, `1 day, 0:00:01`, `5 days, 7:18:14`. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, seconds);
  const days = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const clock = `${h}:${pad(m)}:${pad(s % 60)}`;
  return days === 0 ? clock : `${days} day${days === 1 ? '' : 's'}, ${clock}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** strftime('%b %d %I:%M %p') in local time, e.g. `Nov 24 01:32 PM`. */
export function formatStopTime(ms: number): string {
  const d = new Date(ms);
  const h12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `${MONTHS[d.getMonth()] ?? ''} ${pad(d.getDate())} ${pad(h12)}:${pad(d.getMinutes())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
