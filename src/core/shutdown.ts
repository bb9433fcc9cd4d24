// Orderly shutdown: who may be asked to stop now. One rule for both formats:
//  - a process stops only after every process that depends on it, directly or through others,
//    has stopped (reverse dependency order, s6-rc's down direction); "through others" matters
//    when the one in between already ended: web -> migrate (a finished oneshot) -> redis
//    still stops web before redis. Independent ones stop in parallel;
//  - among those free to stop, the highest priority number goes first and lower ones wait
//    for it, which is supervisord's shutdown order for INI files (2.6) and a no-op for YAML
//    files where priorities are equal. Because priority only orders processes that are already
//    free of dependents, a priority that contradicts depends_on cannot deadlock.
import type { ProcessState } from './state.ts';
import { RUNNING_STATES, STOPPED_STATES } from './state.ts';

/** What the shutdown order needs of a process. */
export interface StopView {
  readonly name: string;
  readonly state: ProcessState;
  readonly priority: number;
}

/** The processes to send a stop now (RUNNING, STARTING or BACKOFF ones at the front). */
export function nextToStop(views: ReadonlyMap<string, StopView>, dependentsOf: (name: string) => readonly string[]): string[] {
  const down = (name: string): boolean => {
    const v = views.get(name);
    return v === undefined || STOPPED_STATES.has(v.state);
  };
  const settled = new Map<string, boolean>();
  // Every transitive dependent is down. The graph is acyclic (config rejects cycles); the
  // memo marks a name false while it is being visited, so a cycle could not loop anyway.
  const dependentsDown = (name: string): boolean => {
    const known = settled.get(name);
    if (known !== undefined) return known;
    settled.set(name, false);
    const ok = dependentsOf(name).every((d) => down(d) && dependentsDown(d));
    settled.set(name, ok);
    return ok;
  };
  const free = [...views.values()].filter((v) => !STOPPED_STATES.has(v.state) && dependentsDown(v.name));
  if (free.length === 0) return [];
  const top = Math.max(...free.map((v) => v.priority));
  return free.filter((v) => v.priority === top && RUNNING_STATES.has(v.state)).map((v) => v.name);
}
