// /metrics in the Prometheus text exposition format 0.0.4: pidone itself, and per program its
// state (one series per state, 1 for the current one), readiness, restarts, uptime and its
// exits by status, counted from the supervisor's events since pidone started; what its process
// tree uses (read from /proc at scrape time); a scheduled program's next run and last run.
import type { SupervisorEvent } from '../core/events.ts';
import type { ProcessInfo } from '../core/snapshot.ts';
import type { Usage } from '../io/usage.ts';
import { shellCode } from '../core/policy.ts';
import { ALL_STATES } from '../core/state.ts';
import { uptimeSeconds } from './views.ts';

/** Counts exits per program and status ("0", "1", "SIGKILL"). */
export class ExitCounter {
  readonly #counts = new Map<string, Map<string, number>>();

  /** Feed every supervisor event (only `exited` counts). */
  observe(e: SupervisorEvent): void {
    if (e.type !== 'exited') return;
    const status = e.signal !== null ? `SIG${e.signal}` : String(e.code ?? 0);
    let per = this.#counts.get(e.name);
    if (per === undefined) this.#counts.set(e.name, (per = new Map()));
    per.set(status, (per.get(status) ?? 0) + 1);
  }

  /** [status, count] pairs of one program. */
  of(name: string): [string, number][] {
    return [...(this.#counts.get(name) ?? [])];
  }
}

/** Quotes a label value: backslash, double quote and newline escaped. */
function label(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The whole /metrics body; `startedAt` is wall-clock ms; `usage` by process name (running ones). */
export function renderMetrics(infos: readonly ProcessInfo[], exits: ExitCounter, startedAt: number, usage: ReadonlyMap<string, Usage> = new Map()): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  family('pidone_up', 'gauge', '1 while pidone runs.');
  out.push('pidone_up 1');
  family('pidone_start_time_seconds', 'gauge', 'When pidone started, in seconds since the epoch.');
  out.push(`pidone_start_time_seconds ${Math.floor(startedAt / 1000)}`);
  const ids = infos.map((p) => `program=${label(p.namespec)},group=${label(p.group)}`);
  family('pidone_program_state', 'gauge', 'Process state: 1 for the current state, 0 for the others.');
  infos.forEach((p, i) => {
    for (const s of ALL_STATES) out.push(`pidone_program_state{${ids[i]},state="${s}"} ${p.statename === s ? 1 : 0}`);
  });
  family('pidone_program_ready', 'gauge', '1 when the process satisfies a `ready` dependency (RUNNING, or completed successfully).');
  infos.forEach((p, i) => out.push(`pidone_program_ready{${ids[i]}} ${p.ready ? 1 : 0}`));
  family('pidone_program_restarts_total', 'counter', 'Automatic restarts since pidone started.');
  infos.forEach((p, i) => out.push(`pidone_program_restarts_total{${ids[i]}} ${p.restarts}`));
  family('pidone_program_uptime_seconds', 'gauge', 'Seconds since the running child started; 0 when none runs.');
  infos.forEach((p, i) => out.push(`pidone_program_uptime_seconds{${ids[i]}} ${uptimeSeconds(p) ?? 0}`));
  family('pidone_program_exits_total', 'counter', 'Exits since pidone started, by exit code or signal.');
  infos.forEach((p, i) => {
    for (const [code, n] of exits.of(p.name)) out.push(`pidone_program_exits_total{${ids[i]},code=${label(code)}} ${n}`);
  });
  // Usage: only for programs that run now (a series that disappears is "not running").
  const using = infos.map((p, i) => [ids[i], usage.get(p.name)] as const).filter((x): x is readonly [string, Usage] => x[1] !== undefined);
  family('pidone_program_cpu_seconds_total', 'counter', 'CPU time (user + system) of the program\'s process tree, its reaped children included; starts again with each run.');
  for (const [id, u] of using) out.push(`pidone_program_cpu_seconds_total{${id}} ${u.cpu_seconds}`);
  family('pidone_program_resident_memory_bytes', 'gauge', 'Resident memory of the program\'s process tree.');
  for (const [id, u] of using) out.push(`pidone_program_resident_memory_bytes{${id}} ${u.rss_bytes}`);
  family('pidone_program_open_fds', 'gauge', 'Open file descriptors of the program\'s process tree.');
  for (const [id, u] of using) out.push(`pidone_program_open_fds{${id}} ${u.open_fds}`);
  family('pidone_program_processes', 'gauge', 'Processes in the program\'s tree.');
  for (const [id, u] of using) out.push(`pidone_program_processes{${id}} ${u.processes}`);
  const scheduled = infos.map((p, i) => [ids[i]!, p] as const).filter(([, p]) => p.schedule !== null);
  family('pidone_program_next_run_timestamp_seconds', 'gauge', 'A scheduled program\'s next due time, in seconds since the epoch (absent while its schedule is off).');
  for (const [id, p] of scheduled) if (p.schedule?.next != null) out.push(`pidone_program_next_run_timestamp_seconds{${id}} ${Math.floor(p.schedule.next / 1000)}`);
  family('pidone_program_last_run_duration_seconds', 'gauge', 'How long the last run of a scheduled program lasted.');
  for (const [id, p] of scheduled) if (p.runtime !== null) out.push(`pidone_program_last_run_duration_seconds{${id}} ${p.runtime / 1000}`);
  family('pidone_program_last_run_exit_code', 'gauge', 'The exit code of the last run of a scheduled program (128 + n for signal n).');
  for (const [id, p] of scheduled) if (p.lastExit !== null) out.push(`pidone_program_last_run_exit_code{${id}} ${shellCode(p.lastExit)}`);
  return `${out.join('\n')}\n`;
}
