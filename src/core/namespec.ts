// supervisorctl's names (supervisord.md 3.2) and supervisord's faults (4.3), for the command
// methods of the Supervisor: `name`, `group:name`, `group:*` (or `group:`), `all`.
import type { ProgramSpec } from '../model/spec.ts';

/** The faults a command can answer with (supervisord's names; FAULT_CODES has the numbers). */
export type FaultName = 'SHUTDOWN_STATE' | 'BAD_NAME' | 'BAD_SIGNAL' | 'NO_FILE' | 'NOT_EXECUTABLE' | 'FAILED' | 'SPAWN_ERROR' | 'ALREADY_STARTED' | 'NOT_RUNNING';

/** supervisord's xmlrpc.Faults codes, plus SUCCESS (80) used inside result structs. */
export const FAULT_CODES: Readonly<Record<FaultName | 'SUCCESS', number>> = {
  SHUTDOWN_STATE: 6, BAD_NAME: 10, BAD_SIGNAL: 11, NO_FILE: 20, NOT_EXECUTABLE: 21, FAILED: 30, SPAWN_ERROR: 50,
  ALREADY_STARTED: 60, NOT_RUNNING: 70, SUCCESS: 80,
};

/** One process's outcome (supervisord's result struct: description 'OK' or the fault text). */
export interface ProcessResult {
  readonly name: string;
  readonly group: string;
  readonly status: FaultName | 'SUCCESS';
  readonly description: string;
}

/**
 * A command's answer. A whole-command fault (unknown name, bad signal, shutting down) or, for a
 * single process, its own fault is `ok: false`, as supervisord raises them for startProcess &
 * co; group and `all` commands list per-process outcomes, like startProcessGroup's array.
 */
export type CommandResult =
  | { readonly ok: true; readonly scope: 'process' | 'group' | 'all'; readonly results: readonly ProcessResult[] }
  | { readonly ok: false; readonly fault: FaultName; readonly message: string };

/** What a namespec names. */
export interface Target {
  readonly scope: 'process' | 'group' | 'all';
  readonly specs: readonly ProgramSpec[];
}

/** supervisord's make_namespec: `group:name`, or `name` when it already says its group. */
export function displayName(spec: ProgramSpec): string {
  return spec.name === spec.group || spec.name.startsWith(`${spec.group}:`) ? spec.name : `${spec.group}:${spec.name}`;
}

/**
 * Resolves a namespec against the processes (in start order) as supervisord's
 * split_namespec does; null when nothing matches (BAD_NAME). `name` is the process `name` of
 * group `name` (a program's only process), so a bare group name and a bare name of a process
 * that belongs to another group name nothing; `group:name` is a process of a group (`web:0`
 * of a YAML numprocs program), `group:*` or `group:` the whole group, `all` everything.
 */
export function resolveNamespec(namespec: string, specs: readonly ProgramSpec[]): Target | null {
  if (namespec === 'all') return { scope: 'all', specs: byPriority(specs) };
  const colon = namespec.indexOf(':');
  const group = colon < 0 ? namespec : namespec.slice(0, colon);
  const rest = colon < 0 ? namespec : namespec.slice(colon + 1);
  const members = specs.filter((s) => s.group === group);
  if (members.length === 0) return null;
  if (colon >= 0 && (rest === '' || rest === '*')) return { scope: 'group', specs: byPriority(members) };
  const one = members.find((s) => nameInGroup(s) === rest);
  return one ? { scope: 'process', specs: [one] } : null;
}

/** A process's name inside its group: `0` for YAML's `web:0`, else the name itself. */
function nameInGroup(spec: ProgramSpec): string {
  return spec.name.startsWith(`${spec.group}:`) ? spec.name.slice(spec.group.length + 1) : spec.name;
}

/** A fault answer with supervisord's text ("BAD_NAME: foo"). */
export function fault(name: FaultName, what?: string): CommandResult {
  return { ok: false, fault: name, message: what === undefined ? name : `${name}: ${what}` };
}

/** One process's result struct. */
export function result(spec: ProgramSpec, status: FaultName | 'SUCCESS', description?: string): ProcessResult {
  return { name: spec.name, group: spec.group, status, description: description ?? (status === 'SUCCESS' ? 'OK' : `${status}: ${displayName(spec)}`) };
}

// supervisord orders start/stop of many by (priority, config order); `specs` is in start order.
function byPriority(specs: readonly ProgramSpec[]): ProgramSpec[] {
  return specs.map((s, i) => ({ s, i })).sort((a, b) => a.s.priority - b.s.priority || a.i - b.i).map((x) => x.s);
}
