// The dependency edges the supervisor needs at run time, both ways: what a process waits for
// (start gating) and who waits for it (shutdown order). Resolution (process name, else every
// process of a group) is model/graph.ts's, so `check` and the running supervisor agree.
import type { DependencyCondition, ProgramSpec } from '../model/spec.ts';
import { dependencyEdges } from '../model/graph.ts';

/** One dependency of a process, resolved to a process name. */
export interface Dependency {
  readonly name: string;
  readonly condition: DependencyCondition;
}

/** Dependencies and dependents by process name, for one set of specs. */
export class Graph {
  private readonly forward = new Map<string, Dependency[]>();
  private readonly backward = new Map<string, string[]>();

  constructor(specs: readonly ProgramSpec[]) {
    for (const [from, edges] of dependencyEdges(specs)) {
      this.forward.set(from, edges.map((e) => ({ name: e.to.name, condition: e.condition })));
      for (const e of edges) {
        const list = this.backward.get(e.to.name) ?? [];
        if (!list.includes(from)) list.push(from);
        this.backward.set(e.to.name, list);
      }
    }
  }

  /** What `name` waits for before an automatic start. */
  dependencies(name: string): readonly Dependency[] {
    return this.forward.get(name) ?? [];
  }

  /** The processes that depend on `name` (they stop before it). */
  dependents(name: string): readonly string[] {
    return this.backward.get(name) ?? [];
  }
}
