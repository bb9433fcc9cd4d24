// What the client commands print: supervisorctl's status lines (same columns, so scripts that
// grep RUNNING keep working) and its per-process result lines (`web: started`,
// `web: ERROR (spawn error)`).
import type { ActionResult, ProgramView } from '../control/protocol.ts';

/**
 * supervisorctl's status table: `%-Ws%-10s%s` with W = max(30, longest name) + 3, line for line
 * (scripts written for supervisorctl's output keep working). With `usage`, each program that
 * runs gets what its tree uses and its restarts in brackets after it.
 */
export function statusLines(programs: readonly ProgramView[], usage = false): string[] {
  const width = Math.max(30, ...programs.map((p) => p.namespec.length)) + 3;
  return programs.map((p) => {
    const line = `${p.namespec.padEnd(width)}${p.state.padEnd(10)}${p.description}`;
    const u = p.usage;
    return usage && u ? `${line}   [cpu ${u.cpu_seconds.toFixed(2)} s, rss ${bytes(u.rss_bytes)}, ${u.open_fds} fds, ${p.restarts} restarts]` : line;
  });
}

/** 1.5 MB, 230 KB: binary units, one decimal. */
export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

// supervisorctl's wording of each fault in result lines.
const REASONS: Readonly<Record<string, string>> = {
  BAD_NAME: 'no such process', NO_FILE: 'no such file', NOT_EXECUTABLE: 'file is not executable',
  ALREADY_STARTED: 'already started', SPAWN_ERROR: 'spawn error', ABNORMAL_TERMINATION: 'abnormal termination',
  NOT_RUNNING: 'not running', BAD_SIGNAL: 'bad signal name', SHUTDOWN_STATE: 'pidone is shutting down',
};

/** The reason text of a fault, or the server's own description. */
export function reason(fault: string, description: string): string {
  return REASONS[fault] ?? description;
}

const DONE: Readonly<Record<string, string>> = { start: 'started', stop: 'stopped', restart: 'restarted', signal: 'signalled' };

/** `<name>: started` or `<name>: ERROR (<reason>)`. */
export function resultLine(verb: string, r: ActionResult): string {
  return r.status === 'SUCCESS' ? `${r.namespec}: ${DONE[verb] ?? 'done'}` : `${r.namespec}: ERROR (${reason(r.status, r.description)})`;
}

/** Faults that do not make a command fail (supervisorctl ignores them the same way). */
export function harmless(verb: string, fault: string): boolean {
  return (verb === 'start' && fault === 'ALREADY_STARTED') || (verb === 'stop' && fault === 'NOT_RUNNING');
}

/** Does a status filter name select this program? (`name`, `group:name`, `group`, `group:*`, `all`) */
export function selects(name: string, p: ProgramView): boolean {
  if (name === 'all' || name === p.namespec || name === p.name) return true;
  return name === p.group || name === `${p.group}:*` || name === `${p.group}:`;
}
