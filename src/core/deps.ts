// depends_on gating: whether a dependency's condition holds now, may still hold later, or can
// never hold without someone's help (then the dependent is "blocked" and says why instead of
// hanging). Conditions are judged on the dependency's present facts, re-examined on every
// change, as s6-rc re-examines dependents after each transition.
import type { DependencyCondition, ProgramSpec } from '../model/spec.ts';
import type { Proc } from './proc.ts';
import { describeStatus } from './events.ts';
import { STOPPED_STATES } from './state.ts';

/** What gating needs to know of a dependency. */
export interface DepView {
  readonly spec: ProgramSpec;
  readonly proc: Proc;
  /** Waiting for its own dependencies before an automatic start. */
  readonly pending: boolean;
  /** Why it cannot start, when it is pending and blocked. */
  readonly blocked: string | null;
}

/** The verdict on one dependency, or on all of a process's dependencies. */
export type Gate =
  | { readonly kind: 'go' }
  | { readonly kind: 'wait'; readonly text: string }
  | { readonly kind: 'blocked'; readonly reason: string };

const GO: Gate = { kind: 'go' };

const WAIT_TEXT: Readonly<Record<DependencyCondition, string>> = {
  started: 'to start',
  ready: 'to be ready',
  completed: 'to complete',
  completed_successfully: 'to complete successfully',
};

/** It ended on its own and will not run again by itself (EXITED for good). */
export function completed(p: Proc): boolean {
  return p.ended && p.state === 'EXITED';
}

/** "ready" holds: RUNNING (startsecs and probe passed), or a job that completed successfully. */
export function isReady(p: Proc): boolean {
  return p.state === 'RUNNING' || (completed(p) && p.lastExpected);
}

/** Whether one dependency satisfies its condition now, later, or never (without help). */
export function conditionGate(dep: DepView, condition: DependencyCondition): Gate {
  const p = dep.proc;
  const name = dep.spec.name;
  const status = p.lastExit === null ? '' : ` (${describeStatus(p.lastExit.code, p.lastExit.signal)})`;
  switch (condition) {
    case 'started':
      if (p.spawns > 0) return GO;
      break;
    case 'ready':
      if (isReady(p)) return GO;
      if (completed(p)) return { kind: 'blocked', reason: `dependency ${name} exited${status} without becoming ready` };
      break;
    case 'completed':
      if (completed(p)) return GO;
      break;
    case 'completed_successfully':
      if (completed(p) && p.lastExpected) return GO;
      if (completed(p)) return { kind: 'blocked', reason: `dependency ${name} completed unsuccessfully${status}` };
      break;
  }
  if (p.state === 'FATAL') return { kind: 'blocked', reason: `dependency ${name} entered FATAL state: ${p.fatalReason ?? p.spawnerr}` };
  if (p.state === 'UNKNOWN') return { kind: 'blocked', reason: `dependency ${name} is in UNKNOWN state` };
  if (dep.pending) {
    return dep.blocked === null ? { kind: 'wait', text: `${name} ${WAIT_TEXT[condition]}` } : { kind: 'blocked', reason: `dependency ${name} is not started: ${dep.blocked}` };
  }
  if (STOPPED_STATES.has(p.state) && !p.restartPending) {
    // Nobody will start it unless a person does (autostart=false, or stopped by hand). The
    // dependent stays pending, and starts if the dependency is started later.
    if (p.spawns === 0 && !dep.spec.autostart) return { kind: 'blocked', reason: `dependency ${name} is not started (autostart is false)` };
    return { kind: 'blocked', reason: `dependency ${name} is stopped` };
  }
  return { kind: 'wait', text: `${name} ${WAIT_TEXT[condition]}` };
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
