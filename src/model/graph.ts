// The dependency graph over processes: which depends_on names resolve, which form cycles, and
// the start plan in waves. Pure: problems are returned as data, config/ turns them into
// positioned diagnostics (it knows where each depends_on entry was written).
import type { DependencyCondition, GroupSpec, ProgramSpec } from './spec.ts';

export interface Edge {
  /** The process waited for. */
  readonly to: ProgramSpec;
  /** The depends_on key that produced the edge (a process or a group name). */
  readonly via: string;
  readonly condition: DependencyCondition;
}

export interface GraphProblem {
  readonly severity: 'error' | 'warning';
  /** The process whose depends_on entry is at fault, and that entry's key. */
  readonly program: ProgramSpec;
  readonly dependency: string;
  readonly message: string;
  /** For an unknown name: the names that do exist, for a "did you mean". */
  readonly known?: readonly string[];
}

/** Resolves every depends_on key: a process name, else a group name (all of its processes). */
export function dependencyEdges(programs: readonly ProgramSpec[]): Map<string, Edge[]> {
  const { resolve } = index(programs);
  const edges = new Map<string, Edge[]>();
  for (const p of programs) {
    const list: Edge[] = [];
    for (const [via, condition] of Object.entries(p.depends_on)) {
      for (const to of resolve(via) ?? []) if (to !== p) list.push({ to, via, condition });
    }
    edges.set(p.name, list);
  }
  return edges;
}

/** Unknown names, self-dependencies, cycles (as `a -> b -> a`), and waits that cannot end. */
export function checkGraph(programs: readonly ProgramSpec[]): GraphProblem[] {
  const { resolve, names } = index(programs);
  const problems: GraphProblem[] = [];
  const seen = new Set<string>();
  // numprocs copies share one depends_on: report each entry once per program, not per process.
  const add = (p: ProgramSpec, dependency: string, severity: GraphProblem['severity'], message: string, known?: readonly string[]) => {
    const key = `${p.group}\0${dependency}\0${message}`;
    if (!seen.has(key)) problems.push({ severity, program: p, dependency, message, ...(known ? { known } : {}) });
    seen.add(key);
  };
  for (const p of programs) {
    for (const [dep, condition] of Object.entries(p.depends_on)) {
      const targets = resolve(dep);
      if (!targets) {
        add(p, dep, 'error', `unknown program ${JSON.stringify(dep)}`, names);
        continue;
      }
      if (targets.includes(p)) add(p, dep, 'error', `${p.name} cannot depend on itself`);
      for (const t of targets) {
        if (t === p) continue;
        // A chain of programs all started by hand is a choice, not a trap: warn only when an
        // automatic start would wait on a manual one.
        if (!t.autostart && p.autostart) {
          add(p, dep, 'warning', `${t.name} has autostart: false, so ${p.name} waits until ${t.name} is started by hand`);
        } else if (condition.startsWith('completed') && t.autorestart === true && !t.oneshot) {
          add(p, dep, 'warning', `${t.name} restarts always, so it may never complete and ${p.name} may never start`);
        }
      }
    }
  }
  for (const cycle of cycles(programs, dependencyEdges(programs))) {
    const last = cycle[cycle.length - 1] as Edge & { from: ProgramSpec };
    const path = [cycle[0]?.from.name, ...cycle.map((e) => e.to.name)].join(' -> ');
    add(last.from, last.via, 'error', `dependency cycle: ${path}`);
  }
  return problems;
}

/**
 * The start plan: wave 0 holds the processes without dependencies, every other process sits in
 * the wave after its last dependency. Each wave is in supervisord's start order: with groups,
 * by (group priority, group name, place in the group); without, by (priority, name).
 * Processes caught in a cycle (checkGraph reports those) go in a last wave.
 */
export function planWaves(programs: readonly ProgramSpec[], groups?: readonly GroupSpec[]): ProgramSpec[][] {
  const order = groups ? byGroupOrder(groups) : byPriorityThenName;
  const edges = dependencyEdges(programs);
  const waiting = new Map<string, number>();
  const dependents = new Map<string, ProgramSpec[]>();
  for (const p of programs) {
    const deps = new Set((edges.get(p.name) ?? []).map((e) => e.to));
    waiting.set(p.name, deps.size);
    for (const d of deps) append(dependents, d.name, p);
  }
  const waves: ProgramSpec[][] = [];
  let current = programs.filter((p) => waiting.get(p.name) === 0);
  let placed = 0;
  while (current.length > 0) {
    waves.push([...current].sort(order));
    placed += current.length;
    const next: ProgramSpec[] = [];
    for (const p of current) {
      for (const d of dependents.get(p.name) ?? []) {
        const left = (waiting.get(d.name) ?? 0) - 1;
        waiting.set(d.name, left);
        if (left === 0) next.push(d);
      }
    }
    current = next;
  }
  if (placed < programs.length) waves.push(programs.filter((p) => (waiting.get(p.name) ?? 0) > 0).sort(order));
  return waves;
}

/** The stop plan: the start waves reversed, each wave in reverse start order. */
export function stopOrder(programs: readonly ProgramSpec[], groups?: readonly GroupSpec[]): ProgramSpec[][] {
  return planWaves(programs, groups).reverse().map((wave) => wave.reverse());
}

// supervisord sorts groups by (priority, name) and starts a group's processes in its own order
// (a [group:x]'s programs= order, a numprocs program's process numbers): supervisord.md 1.15, 2.6.
function byGroupOrder(groups: readonly GroupSpec[]): (a: ProgramSpec, b: ProgramSpec) => number {
  const rank = new Map<string, { priority: number; group: string; index: number }>();
  for (const g of groups) g.processes.forEach((name, index) => rank.set(name, { priority: g.priority, group: g.name, index }));
  return (a, b) => {
    const x = rank.get(a.name);
    const y = rank.get(b.name);
    if (!x || !y) return byPriorityThenName(a, b);
    return x.priority - y.priority || (x.group < y.group ? -1 : x.group > y.group ? 1 : x.index - y.index);
  };
}

/** Orders by priority, then by name with numbers compared as numbers (web:2 before web:10). */
export function byPriorityThenName(a: ProgramSpec, b: ProgramSpec): number {
  return a.priority - b.priority || naturalCompare(a.name, b.name);
}

function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function index(programs: readonly ProgramSpec[]) {
  const byName = new Map<string, ProgramSpec>();
  const byGroup = new Map<string, ProgramSpec[]>();
  for (const p of programs) {
    byName.set(p.name, p);
    append(byGroup, p.group, p);
  }
  const resolve = (dep: string): ProgramSpec[] | null => {
    const one = byName.get(dep);
    return one ? [one] : (byGroup.get(dep) ?? null);
  };
  return { resolve, names: [...new Set([...byName.keys(), ...byGroup.keys()])] };
}

// One cycle per strongly connected component (Tarjan), as the edges that walk it from its
// first process in config order back to that process.
function cycles(programs: readonly ProgramSpec[], edges: Map<string, Edge[]>): (Edge & { from: ProgramSpec })[][] {
  const order = new Map(programs.map((p, i) => [p.name, i]));
  const low = new Map<string, number>();
  const idx = new Map<string, number>();
  const stack: ProgramSpec[] = [];
  const onStack = new Set<string>();
  const components: ProgramSpec[][] = [];
  let counter = 0;
  // Iterative, so a long chain of dependencies cannot overflow the call stack.
  const visit = (root: ProgramSpec): void => {
    const frames: { p: ProgramSpec; next: number }[] = [];
    const enter = (p: ProgramSpec) => {
      idx.set(p.name, counter);
      low.set(p.name, counter++);
      stack.push(p);
      onStack.add(p.name);
      frames.push({ p, next: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { p: ProgramSpec; next: number };
      const { p } = frame;
      const out = edges.get(p.name) ?? [];
      if (frame.next < out.length) {
        const to = (out[frame.next++] as Edge).to;
        if (!idx.has(to.name)) enter(to);
        else if (onStack.has(to.name)) low.set(p.name, Math.min(low.get(p.name) ?? 0, idx.get(to.name) ?? 0));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.p.name, Math.min(low.get(parent.p.name) ?? 0, low.get(p.name) ?? 0));
      if (low.get(p.name) !== idx.get(p.name)) continue;
      const component: ProgramSpec[] = [];
      for (let q = stack.pop(); q; q = stack.pop()) {
        onStack.delete(q.name);
        component.push(q);
        if (q === p) break;
      }
      if (component.length > 1) components.push(component);
    }
  };
  for (const p of programs) if (!idx.has(p.name)) visit(p);
  return components
    .map((c) => c.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0)))
    .sort((a, b) => (order.get(a[0]?.name ?? '') ?? 0) - (order.get(b[0]?.name ?? '') ?? 0))
    .map((c) => walkBack(c, edges));
}

// Breadth-first from the component's first process to the shortest way back to it.
function walkBack(component: ProgramSpec[], edges: Map<string, Edge[]>): (Edge & { from: ProgramSpec })[] {
  const start = component[0] as ProgramSpec;
  const inside = new Set(component.map((p) => p.name));
  const cameBy = new Map<string, Edge & { from: ProgramSpec }>();
  const queue: ProgramSpec[] = [start];
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i] as ProgramSpec;
    for (const e of edges.get(from.name) ?? []) {
      if (!inside.has(e.to.name)) continue;
      if (e.to === start) {
        const path = [{ ...e, from }];
        for (let at = from; at !== start; ) {
          const step = cameBy.get(at.name) as Edge & { from: ProgramSpec };
          path.unshift(step);
          at = step.from;
        }
        return path;
      }
      if (!cameBy.has(e.to.name) && e.to !== start) {
        cameBy.set(e.to.name, { ...e, from });
        queue.push(e.to);
      }
    }
  }
  return [];
}

function append<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
