// The JSON view of the processes (GET /api/programs), with each one's health as health.ts
// judges it; /readyz and the web page read the same view.
import { resolveNamespec } from '../core/namespec.ts';
import type { ProcessInfo } from '../core/snapshot.ts';
import type { ProgramSpec } from '../model/spec.ts';
import type { ControlContext } from './context.ts';
import { problemOf } from './health.ts';
import type { ProgramView, ProgramsResponse } from './protocol.ts';
import type { Usage } from '../io/usage.ts';

/** The one process a namespec names in the running model; undefined for groups, `all` and unknown names. */
export function findProcess(ctx: ControlContext, namespec: string): ProgramSpec | undefined {
  const target = resolveNamespec(namespec, ctx.config.current().programs);
  return target?.scope === 'process' ? target.specs[0] : undefined;
}

/** Compares strings by code unit, as Python's sorted() does (not by locale). */
export function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** supervisorctl's order: by group, then by process name. */
export function byGroupThenName(a: { group: string; name: string }, b: { group: string; name: string }): number {
  return compareText(a.group, b.group) || compareText(a.name, b.name);
}

/** Seconds since the running child started, counted as the description's uptime is; null when none runs. */
export function uptimeSeconds(p: ProcessInfo): number | null {
  return p.pid !== 0 && p.start !== 0 ? Math.max(0, Math.floor(p.now / 1000) - Math.floor(p.start / 1000)) : null;
}

/** What every running process's tree uses now (empty when the context cannot tell). */
export function usageOf(ctx: ControlContext, infos: readonly ProcessInfo[]): ReadonlyMap<string, Usage> {
  if (ctx.usage === undefined) return new Map();
  return ctx.usage(new Map(infos.filter((p) => p.pid > 0).map((p) => [p.name, p.pid])));
}

/** One process as the JSON API shows it. */
function programView(p: ProcessInfo, spec: ProgramSpec | undefined, usage: Usage | undefined): ProgramView {
  const problem = problemOf(p, spec);
  return {
    name: p.name, group: p.group, namespec: p.namespec, state: p.statename, statecode: p.state,
    description: p.description, pid: p.pid,
    uptime: uptimeSeconds(p),
    start: Math.floor(p.start / 1000), stop: Math.floor(p.stop / 1000), restarts: p.restarts,
    exit: p.lastExit, ready: p.ready, waiting: p.waiting, blocked: p.blocked, spawnerr: p.spawnerr,
    healthy: problem === null, problem,
    schedule: p.schedule === null ? null : {
      next: p.schedule.next === null ? null : Math.floor(p.schedule.next / 1000),
      overlap: spec?.schedule?.overlap ?? 'skip', queued: p.schedule.queued,
    },
    runtime: p.runtime === null ? null : p.runtime / 1000,
    usage: usage ?? null,
  };
}

/**
 * Every process in display order (group, then name), as supervisorctl sorts them. `usage`:
 * read what each process tree uses from /proc (all of /proc: a readiness probe or a plain
 * status does not ask for it).
 */
export function programsResponse(ctx: ControlContext, opts: { readonly usage: boolean }): ProgramsResponse {
  const specs = new Map(ctx.config.current().programs.map((s) => [s.name, s]));
  const infos = ctx.supervisor.snapshot();
  const usage = opts.usage ? usageOf(ctx, infos) : new Map<string, Usage>();
  const programs = infos
    .sort(byGroupThenName)
    .map((p) => programView(p, specs.get(p.name), usage.get(p.name)));
  return {
    pidone: { version: PIDONE_VERSION, pid: ctx.pid, phase: ctx.supervisor.phase, identifier: ctx.config.current().settings.identifier },
    ready: ctx.supervisor.phase === 'running' && programs.every((p) => p.healthy),
    programs,
  };
}
