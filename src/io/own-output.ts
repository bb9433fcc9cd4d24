// Which configured log files are really pidone's own stdout or stderr. supervisord configs made
// for containers say stdout_logfile=/dev/stdout (with maxbytes=0, to dodge "Illegal seek") to
// get a program's output into `docker logs`, and stderr_logfile=/dev/stderr to keep it apart
// there. pidone prints lines itself, whole and prefixed, so such a file means "print it on that
// stream": the sink opens nothing and prints each line once (a second, raw copy would show every
// line twice, and two writers on one pipe could cut each other's lines). The same holds for any
// path that is the same file as pidone's stdout or stderr (same device and inode), e.g.
// /proc/1/fd/1 when pidone is PID 1.
import { fstatSync, statSync } from 'node:fs';

export type OwnStream = 'stdout' | 'stderr';

/** Paths that name pidone's own stdout or stderr, whatever they point to. */
const OWN_OUTPUT_NAMES: ReadonlyMap<string, OwnStream> = new Map([
  ['/dev/stdout', 'stdout'], ['/dev/fd/1', 'stdout'], ['/proc/self/fd/1', 'stdout'],
  ['/dev/stderr', 'stderr'], ['/dev/fd/2', 'stderr'], ['/proc/self/fd/2', 'stderr'],
]);

/** pidone's own output fds: what a log file path is compared with. */
export interface OwnFds {
  readonly stdout: number;
  readonly stderr: number;
}

/**
 * Which of pidone's own streams a configured log file is (by name, or the same device and inode
 * as fds.stdout, then fds.stderr), or null for a real file.
 */
export function ownOutput(path: string, fds: OwnFds, pid: number = process.pid): OwnStream | null {
  const named = OWN_OUTPUT_NAMES.get(path);
  if (named !== undefined) return named;
  if (path === `/proc/${pid}/fd/1`) return 'stdout';
  if (path === `/proc/${pid}/fd/2`) return 'stderr';
  let target;
  try {
    target = statSync(path);
  } catch {
    return null;
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    if (sameFile(fds[stream], target)) return stream;
  }
  return null;
}

/** Whether a configured log file is one of pidone's own output fds (see ownOutput). */
export function isOwnOutput(path: string, fds: readonly number[], pid: number = process.pid): boolean {
  return fds.some((fd) => ownOutput(path, { stdout: fd, stderr: fd }, pid) !== null);
}

/** Whether fds a and b are the same file (a terminal, or `2>&1`), so one writer must serve both. */
export function sameFd(a: number, b: number): boolean {
  if (a === b) return true;
  try {
    return sameFile(a, fstatSync(b));
  } catch {
    return false;
  }
}

function sameFile(fd: number, target: { dev: number; ino: number }): boolean {
  try {
    const own = fstatSync(fd);
    return own.dev === target.dev && own.ino === target.ino;
  } catch {
    return false; // fd closed: it cannot be the target.
  }
}
