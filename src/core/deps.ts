// depends_on gating: whether a dependency's condition holds now, may still hold later, or can
// never hold without someone's help (then the dependent is "blocked" and says why instead of
// hanging). Conditions are judged on the dependency's present state, re-examined after every
// change, as s6-rc re-examines dependents after each transition.
import type { DependencyCondition } from '../model/spec.ts';
import type { ProcessRecord } from './record.ts';
import { describeStatus } from './events.ts';

/** The verdict on one dependency, or on all of a process's dependencies. */
export type Gate =
  | { readonly kind: 'go' }
  | { readonly kind: 'wait'; readonly text: string }
  | { readonly kind: 'blocked'; readonly reason: string };

export const GO: Gate = { kind: 'go' };

const WAIT_TEXT: Readonly<Record<DependencyCondition, string>> = {
  started: 'to start',
  ready: 'to be ready',
  completed: 'to complete',
  completed_successfully: 'to complete successfully',
};

/** What gating reads of a dependency. */
export type DepView = Pick<ProcessRecord, 'spec' | 'life' | 'spawns' | 'lastExit' | 'lastExpected'>;

/** It ended on its own and will not run again by itself (EXITED for good). */
export function completed(d: Pick<DepView, 'life'>): boolean {
  return d.life.name === 'exited';
}

/** "ready" holds: RUNNING (startsecs and probe passed), or a job that completed successfully. */
export function isReady(d: Pick<DepView, 'life' | 'lastExpected'>): boolean {
  return d.life.name === 'running' || (completed(d) && d.lastExpected);
}

/** Whether one dependency satisfies its condition now, later, or never (without help). */
export function conditionGate(dep: DepView, condition: DependencyCondition): Gate {
  const name = dep.spec.name;
  const status = dep.lastExit === null ? '' : ` (${describeStatus(dep.lastExit.code, dep.lastExit.signal)})`;
  switch (condition) {
    case 'started':
      if (dep.spawns > 0) return GO;
      break;
    case 'ready':
      if (isReady(dep)) return GO;
      if (completed(dep)) return { kind: 'blocked', reason: `dependency ${name} exited${status} without becoming ready` };
      break;
    case 'completed':
      if (completed(dep)) return GO;
      break;
    case 'completed_successfully':
      if (completed(dep) && dep.lastExpected) return GO;
      if (completed(dep)) return { kind: 'blocked', reason: `dependency ${name} completed unsuccessfully${status}` };
      break;
  }
  const life = dep.life;
  switch (life.name) {
    case 'fatal':
      return { kind: 'blocked', reason: `dependency ${name} entered FATAL state: ${life.reason}` };
    case 'unknown':
      return { kind: 'blocked', reason: `dependency ${name} is in UNKNOWN state` };
    case 'waiting':
      return life.gate.kind === 'blocked'
        ? { kind: 'blocked', reason: chained(name, life.gate.reason) }
        : { kind: 'wait', text: `${name} ${WAIT_TEXT[condition]}` };
    case 'stopped':
    case 'exited':
      // Nobody will start it unless a person does (autostart=false, or stopped by hand). The
      // dependent stays waiting, and starts if the dependency is started later.
      if (dep.spawns === 0 && !dep.spec.autostart) return { kind: 'blocked', reason: `dependency ${name} is not started (autostart is false)` };
      return { kind: 'blocked', reason: `dependency ${name} is stopped` };
    default:
      return { kind: 'wait', text: `${name} ${WAIT_TEXT[condition]}` };
  }
}

// A blocked dependency's reason is quoted in its dependents', down the chain; past this length
// the chain is cut, so even a dependency cycle (which config/ rejects) settles on one text.
const MAX_REASON = 300;

function chained(name: string, reason: string): string {
  const text = `dependency ${name} is not started: ${reason}`;
  return text.length <= MAX_REASON ? text : `dependency ${name} is not started (its own dependencies are blocked)`;
}

/** The verdict over all dependencies: the first blocked one wins, then the first waited for. */
export function gateAll(deps: readonly { readonly dep: DepView; readonly condition: DependencyCondition }[]): Gate {
  let wait: Gate | null = null;
  for (const { dep, condition } of deps) {
    const g = conditionGate(dep, condition);
    if (g.kind === 'blocked') return g;
    if (g.kind === 'wait') wait ??= g;
  }
  return wait ?? GO;
}

/** Two verdicts say the same. */
export function sameGate(a: Gate, b: Gate): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'wait' && b.kind === 'wait') return a.text === b.text;
  if (a.kind === 'blocked' && b.kind === 'blocked') return a.reason === b.reason;
  return true;
}

/** What gating needs of the dependency graph. */
export interface DependencyGraph {
  dependencies(name: string): readonly { readonly name: string; readonly condition: DependencyCondition }[];
}

/**
 * The gate events the waiting processes need now: `go` for each whose dependencies all hold
 * (in supervisord's batch order: priority, then start order), and a new verdict for each whose
 * reason to wait changed. An empty list when nothing changed.
 */
export function gateChanges(records: ReadonlyMap<string, ProcessRecord>, graph: DependencyGraph): [ProcessRecord, Gate][] {
  const go: ProcessRecord[] = [];
  const changed: [ProcessRecord, Gate][] = [];
  for (const r of records.values()) {
    if (r.life.name !== 'waiting') continue;
    const deps = graph.dependencies(r.spec.name).flatMap(({ name, condition }) => {
      const dep = records.get(name);
      return dep === undefined ? [] : [{ dep, condition }];
    });
    const gate = gateAll(deps);
    if (gate.kind === 'go') go.push(r);
    else if (!sameGate(r.life.gate, gate)) changed.push([r, gate]);
  }
  go.sort((a, b) => a.spec.priority - b.spec.priority || a.order - b.order);
  return [...changed, ...go.map((r): [ProcessRecord, Gate] => [r, GO])];
}
