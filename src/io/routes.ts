// Where each program stream goes, besides the in-memory tail and the line subscribers (probes,
// followed logs, PROCESS_LOG events), which get every line whatever the route:
//
// - a log file that names pidone's stdout or stderr (/dev/stdout, /dev/stderr, the same file
//   by inode...): printed there, prefixed, and no file (own-output.ts);
// - else printed on pidone's stdout when the config's `print` says so (absent: yes), and
//   written raw to its log file when it names one.
//
// So supervisord's rules hold for INI, where `print` is set only for AUTO streams (the config
// layer decides): `stdout_logfile=/var/log/x.log` writes the file and prints nothing,
// `stderr_logfile=/dev/stderr` prints on pidone's stderr, NONE prints nothing; YAML prints
// everything unless `print: false` (docs/output.md).
import type { LogFileSpec } from './log-file.ts';
import { ownOutput, type OwnFds, type OwnStream } from './own-output.ts';
import type { StreamName } from './prefix.ts';
import type { ProgramLogConfig } from './programs.ts';

export interface StreamRoute {
  /** pidone's stream the lines are printed on, prefixed; null: not printed. */
  readonly print: OwnStream | null;
  /** The file the bytes are written to, raw; null: none. */
  readonly file: LogFileSpec | null;
}

/** A program the sink knows only by name: printed on stdout, no file. */
export const PRINTED: StreamRoute = { print: 'stdout', file: null };

export function routeOf(c: ProgramLogConfig, stream: StreamName, fds: OwnFds): StreamRoute {
  // With redirect_stderr the spawner gives stderr the stdout pipe: there is no stderr stream.
  const path = stream === 'stderr' && c.redirect_stderr ? null : c[`${stream}_logfile`];
  const own = path === null ? null : ownOutput(path, fds);
  if (own !== null) return { print: own, file: null };
  const file = path === null ? null : stream === 'stdout'
    ? { path, maxbytes: c.stdout_logfile_maxbytes, backups: c.stdout_logfile_backups }
    : { path, maxbytes: c.stderr_logfile_maxbytes, backups: c.stderr_logfile_backups };
  return { print: c.print?.[stream] === false ? null : 'stdout', file };
}
