// The JSON view of the processes (GET /api/programs), with each one's health as health.ts
// judges it; /readyz and the web page read the same view.
import type { ProcessInfo } from '../core/snapshot.ts';
import type { ProgramSpec } from '../model/spec.ts';
import type { ControlContext } from './context.ts';
import { problemOf } from './health.ts';
import type { ProgramView, ProgramsResponse } from './protocol.ts';

/** Seconds since the running child started; null when none runs. */
export function uptimeSeconds(p: ProcessInfo): number | null {
  return p.pid !== 0 && p.start !== 0 ? Math.max(0, Math.floor((p.now - p.start) / 1000)) : null;
}

/** One process as the JSON API shows it. */
export function programView(p: ProcessInfo, spec: ProgramSpec | undefined): ProgramView {
  const problem = problemOf(p, spec);
  return {
    name: p.name, group: p.group, namespec: p.namespec, state: p.statename, statecode: p.state,
    description: p.description, pid: p.pid,
    uptime: uptimeSeconds(p),
    start: Math.floor(p.start / 1000), stop: Math.floor(p.stop / 1000), restarts: p.restarts,
    exit: p.lastExit, ready: p.ready, waiting: p.waiting, blocked: p.blocked, spawnerr: p.spawnerr,
    healthy: problem === null, problem,
  };
}

/** Every process in display order (group, then name), as supervisorctl sorts them. */
export function programsResponse(ctx: ControlContext): ProgramsResponse {
  const specs = new Map(ctx.config.current().programs.map((s) => [s.name, s]));
  const programs = ctx.supervisor.snapshot()
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => programView(p, specs.get(p.name)));
  return {
    pidone: { version: PIDONE_VERSION, pid: ctx.pid, phase: ctx.supervisor.phase, identifier: ctx.config.current().settings.identifier },
    ready: ctx.supervisor.phase === 'running' && programs.every((p) => p.healthy),
    programs,
  };
}
