// Which programs a new model adds, removes or changes. "Changed" compares whole specs
// structurally, except `source` (moving a program within its file changes nothing); unlike
// supervisord's update, only the changed process restarts, not its whole group (supervisord
// restarts every process of a group when one of them changed).
import type { ProgramSpec } from '../model/spec.ts';

/** The names each kind of change concerns, in the new (or, for removals, old) start order. */
export interface ReloadDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/** Compares the running specs with the new ones by process name. */
export function diffPrograms(current: readonly ProgramSpec[], next: readonly ProgramSpec[]): ReloadDiff {
  const before = new Map(current.map((s) => [s.name, s]));
  const after = new Set(next.map((s) => s.name));
  const added: string[] = [];
  const changed: string[] = [];
  for (const spec of next) {
    const old = before.get(spec.name);
    if (old === undefined) added.push(spec.name);
    else if (!sameSpec(old, spec)) changed.push(spec.name);
  }
  const removed = current.filter((s) => !after.has(s.name)).map((s) => s.name);
  return { added, removed, changed };
}

/** Two specs run the same way: equal in every field but `source`. */
export function sameSpec(a: ProgramSpec, b: ProgramSpec): boolean {
  const { source: _a, ...restA } = a;
  const { source: _b, ...restB } = b;
  return deepEqual(restA, restB);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]));
}
