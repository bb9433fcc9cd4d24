// Facts of the host a config relies on: users, directories, log file parents. `check` usually runs
// outside the image the config is for, so there they are warnings; when pidone runs, errors.
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProgramSpec } from '../model/spec.ts';
import type { Diagnostic, Severity } from './diagnostic.ts';

export interface HostFacts {
  userExists(name: string): boolean;
  isDirectory(path: string): boolean;
}

/** The real host: /etc/passwd and the file system. */
export function systemHost(passwd = '/etc/passwd'): HostFacts {
  let users: Set<string> | null = null;
  return {
    userExists(name) {
      if (users === null) {
        try {
          users = new Set(readFileSync(passwd, 'utf8').split('\n').map((l) => l.split(':')[0] ?? ''));
        } catch {
          users = new Set();
        }
      }
      return users.has(name);
    },
    isDirectory(path) {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
  };
}

/** Makes a diagnostic about a program's key, positioned where the format knows it. */
export type KeyDiagnostic = (p: ProgramSpec, key: string, severity: Severity, message: string) => Diagnostic;

/** Checks every program's user, directory and log file directories against the host. */
export function checkHost(programs: readonly ProgramSpec[], host: HostFacts, severity: Severity, at: KeyDiagnostic, logDirSeverity: Severity = severity): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // numprocs copies share their settings: one report per program key.
  const add = (p: ProgramSpec, key: string, message: string, level = severity) => {
    const id = `${p.group}\0${key}\0${message}`;
    if (!seen.has(id)) out.push(at(p, key, level, message));
    seen.add(id);
  };
  for (const p of programs) {
    // Numeric uids need no passwd entry: the kernel takes any number.
    if (p.user !== null && !/^\d+$/.test(p.user) && !host.userExists(p.user)) {
      add(p, 'user', `no user ${JSON.stringify(p.user)} on this host`);
    }
    if (p.directory !== null && !host.isDirectory(p.directory)) {
      add(p, 'directory', `directory ${p.directory} does not exist`);
    }
    for (const key of ['stdout_logfile', 'stderr_logfile'] as const) {
      const file = p[key];
      if (key === 'stderr_logfile' && file === p.stdout_logfile) continue;
      if (file !== null && !file.startsWith('/dev/') && !host.isDirectory(dirname(file))) {
        add(p, key, `directory ${dirname(file)} does not exist`, logDirSeverity);
      }
    }
  }
  return out;
}
