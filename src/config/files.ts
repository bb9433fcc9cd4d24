// Reading files named by a config, with failures worded for people rather than as errno codes.
import { readFileSync } from 'node:fs';

/** The file's text, or `{ error }` saying why it cannot be read ("no such file", ...). */
export function readText(file: string): string | { error: string } {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { error: 'no such file' };
    if (code === 'EACCES') return { error: 'permission denied' };
    if (code === 'EISDIR') return { error: 'it is a directory' };
    return { error: (err as Error).message };
  }
}
