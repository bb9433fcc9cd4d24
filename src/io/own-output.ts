// Which configured log files are really pidone's own output. supervisord configs made for
// containers say stdout_logfile=/dev/stdout (with maxbytes=0, to dodge "Illegal seek") to get
// a program's output into `docker logs`. pidone already prints every line there, prefixed, so
// such a file means "the multiplexed output": the sink opens nothing and prints each line once
// (a second, raw copy would show every line twice). The same holds for /dev/stderr, since a
// container runtime collects both streams, and for any path that is the same file as
// pidone's stdout or stderr (same device and inode), e.g. /proc/1/fd/1 when pidone is PID 1.
import { fstatSync, statSync } from 'node:fs';

/** Paths that name pidone's own stdout or stderr, whatever they point to. */
const OWN_OUTPUT_NAMES = new Set([
  '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2', '/proc/self/fd/1', '/proc/self/fd/2',
]);

/**
 * Whether a configured log file is pidone's own output (by name, or the same device and inode
 * as one of fds): such a "file" means "show it in the multiplexed output", which pidone does
 * anyway, so the sink writes no second, unprefixed copy of each line.
 */
export function isOwnOutput(path: string, fds: readonly number[], pid: number = process.pid): boolean {
  if (OWN_OUTPUT_NAMES.has(path)) return true;
  if (path === `/proc/${pid}/fd/1` || path === `/proc/${pid}/fd/2`) return true;
  let target;
  try {
    target = statSync(path);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const own = fstatSync(fd);
      if (own.dev === target.dev && own.ino === target.ino) return true;
    } catch {
      // fd closed: it cannot be the target.
    }
  }
  return false;
}
