// Finds the file execve() should run, the way execvp does, but with the PATH the program
// will see (supervisord searches the program's own environment PATH first), so errors can
// be told apart and reported before forking: 127 not found, 126 found but not runnable.
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

export type Resolved = { ok: true; path: string } | { ok: false; code: 'ENOENT' | 'EACCES' | 'EISDIR'; message: string };

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

function check(path: string): Resolved {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return { ok: false, code: 'ENOENT', message: `${path}: not found` };
  }
  if (isDir) return { ok: false, code: 'EISDIR', message: `${path}: is a directory` };
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { ok: false, code: 'EACCES', message: `${path}: permission denied (not executable)` };
  }
  return { ok: true, path };
}

/** Resolves `file` like execvp: a name with a slash is used as is, else searched in PATH. */
export function resolveExecutable(file: string, pathVar: string | undefined): Resolved {
  if (file === '') return { ok: false, code: 'ENOENT', message: 'the command is empty' };
  if (file.includes('/')) return check(file);
  let denied: Resolved | null = null;
  for (const dir of (pathVar ?? DEFAULT_PATH).split(':')) {
    const found = check(join(dir === '' ? '.' : dir, file));
    if (found.ok) return found;
    // Like execvp: a later hit wins over an earlier EACCES, but EACCES beats "not found".
    if (found.code !== 'ENOENT') denied ??= found;
  }
  return denied ?? { ok: false, code: 'ENOENT', message: `${file}: command not found in PATH` };
}
