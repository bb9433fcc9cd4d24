// Which log files the output layer opens for a program. supervisord's default for every
// program is stdout_logfile=AUTO: a file in childlogdir (/tmp) that `supervisorctl tail`
// reads. pidone writes no file the config does not name (it must run on a read-only root
// filesystem), so AUTO means no file: the in-memory tail serves `tail`, and the stream is
// printed on pidone's stdout (the INI loader sets `print` for AUTO streams, io/routes.ts).
// The model keeps "AUTO", as supervisord computes it, for `check`.
import type { ProgramSpec } from '../model/spec.ts';

const named = (file: string | null): string | null => (file !== null && file.toUpperCase() === 'AUTO' ? null : file);

/** The spec as the log sink should see it: AUTO log files dropped. */
export function logTargets(spec: ProgramSpec): ProgramSpec {
  if (named(spec.stdout_logfile) === spec.stdout_logfile && named(spec.stderr_logfile) === spec.stderr_logfile) return spec;
  return { ...spec, stdout_logfile: named(spec.stdout_logfile), stderr_logfile: named(spec.stderr_logfile) };
}
