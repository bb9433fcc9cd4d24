// /metrics in the Prometheus text exposition format 0.0.4: pidone itself, and per program its
// state (one series per state, 1 for the current one), readiness, restarts, uptime and its
// exits by status, counted from the supervisor's events since pidone started.
import type { SupervisorEvent } from '../core/events.ts';
import type { ProcessInfo } from '../core/snapshot.ts';
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

/** The whole /metrics body; `startedAt` is wall-clock ms. */
export function renderMetrics(infos: readonly ProcessInfo[], exits: ExitCounter, startedAt: number): string {
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
  return `${out.join('\n')}\n`;
}
