// The read-only view of one process for the control plane: every key of supervisord's
// getProcessInfo struct (supervisord.md 4.4) plus pidone's own (restarts, ready, blocked).
import type { ProcessRecord } from './record.ts';
import { completed, isReady } from './deps.ts';
import { describeStatus } from './events.ts';
import { type LifeName, mainChild, publicState } from './life.ts';
import { displayName } from './namespec.ts';
import { statusNumber } from './policy.ts';
import { nextRunAt } from './schedule.ts';
import type { SpawnError } from './spawn-error.ts';
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
  /** pidone's own name for the state (docs/engine.md), finer than statename. */
  readonly life: LifeName;
  readonly description: string;
  readonly start: number;
  readonly stop: number;
  readonly now: number;
  /** 0 when no child runs. */
  readonly pid: number;
  /** supervisord's exitstatus: the code, -1 for a signal death, 0 when none. */
  readonly exitstatus: number;
  readonly spawnerr: string;
  /** Why the last start failed before the program ran, when it did. */
  readonly spawnError: SpawnError | null;
  /** The last real exit (kept when supervisord clears exitstatus), null if it never exited. */
  readonly lastExit: { readonly code: number | null; readonly signal: string | null } | null;
  /** Automatic restarts since pidone started. */
  readonly restarts: number;
  /** Successful spawns of this process since it was last (re)created (a reload's change makes it anew). */
  readonly spawns: number;
  /** Satisfies a `ready` dependency now (RUNNING, or a job that completed successfully). */
  readonly ready: boolean;
  /** Waiting for its dependencies before an automatic start: on what, or why it never will. */
  readonly waiting: string | null;
  readonly blocked: string | null;
  readonly completed: boolean;
  readonly completed_successfully: boolean;
  /**
   * A scheduled program's schedule: the next due time (epoch ms; null while the schedule is
   * off), whether a run is owed (overlap: queue), and the due time of the last scheduled run on
   * the schedule's own clock (wall ms for cron, monotonic ms for `every`; null before the first).
   */
  readonly schedule: { readonly next: number | null; readonly queued: boolean; readonly lastDue: number | null } | null;
  /** How long the last run lasted, in ms (monotonic), once it ended; null while it runs or before one ended. */
  readonly runtime: number | null;
}

/** Builds the ProcessInfo of one process at time `now`. */
export function processInfo(r: ProcessRecord, now: number, mono: number): ProcessInfo {
  const life = r.life;
  const next = nextRunAt(r.spec, r.sched.due, now, mono);
  const statename = publicState(life.name);
  const done = completed(r);
  const gate = life.name === 'waiting' ? life.gate : null;
  return {
    name: r.spec.name,
    group: r.spec.group,
    namespec: displayName(r.spec),
    state: STATE_CODES[statename],
    statename,
    life: life.name,
    description: describe(r, now, next),
    start: r.laststart,
    stop: r.laststop,
    now,
    pid: mainChild(life)?.pid ?? 0,
    exitstatus: r.exitstatus === null ? 0 : statusNumber(r.exitstatus),
    spawnerr: r.spawnerr,
    spawnError: r.spawnError,
    lastExit: r.lastExit,
    restarts: r.totalRestarts,
    spawns: r.spawns,
    ready: isReady(r),
    waiting: gate?.kind === 'wait' ? gate.text : null,
    blocked: gate?.kind === 'blocked' ? gate.reason : null,
    completed: done,
    completed_successfully: done && r.lastExpected,
    schedule: r.spec.schedule === null ? null : { next, queued: r.sched.queued, lastDue: r.sched.lastDue },
    runtime: r.lastExit !== null && r.laststart !== 0 && r.stopMono >= r.startMono ? r.stopMono - r.startMono : null,
  };
}

/** supervisord's _interpretProcessInfo, plus why a process that never started is waiting. */
export function describe(r: ProcessRecord, now: number, next: number | null = null): string {
  const life = r.life;
  if (life.name === 'scheduled') return describeScheduled(r, next);
  switch (publicState(life.name)) {
    case 'RUNNING':
      return `pid ${mainChild(life)?.pid ?? 0}, uptime ${formatUptime(Math.floor(now / 1000) - Math.floor(r.laststart / 1000))}`;
    case 'BACKOFF':
    case 'FATAL':
      return r.spawnerr || `unknown error (try "tail ${r.spec.name}")`;
    case 'STOPPED':
    case 'EXITED':
      if (r.laststart !== 0) return formatStopTime(r.laststop || r.laststart);
      if (life.name === 'waiting' && life.gate.kind === 'blocked') return `Not started: ${life.gate.reason}`;
      if (life.name === 'waiting' && life.gate.kind === 'wait') return `Not started: waiting for ${life.gate.text}`;
      return 'Not started';
    default:
      return '';
  }
}

/** `next run Dec 06 01:05:00 PM; last run: exit status 0 after 1.2 s`. */
function describeScheduled(r: ProcessRecord, next: number | null): string {
  const parts = [next === null ? 'no run due' : `next run ${formatRunTime(next)}`];
  if (r.lastExit !== null && r.stopMono >= r.startMono && r.laststart !== 0) {
    const secs = (r.stopMono - r.startMono) / 1000;
    parts.push(`last run: ${describeStatus(r.lastExit.code, r.lastExit.signal)} after ${secs < 10 ? secs.toFixed(1) : Math.round(secs)} s`);
  } else if (r.spawnerr !== '') parts.push(`last run: ${r.spawnerr}`);
  return parts.join('; ');
}

/** strftime('%b %d %I:%M:%S %p') in local time: a run time, to the second. */
export function formatRunTime(ms: number): string {
  const d = new Date(ms);
  const h12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `${MONTHS[d.getMonth()] ?? ''} ${pad(d.getDate())} ${pad(h12)}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
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
