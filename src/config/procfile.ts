// A Procfile, with foreman's rules: `name: command` lines (anything else is ignored, as foreman
// ignores it), `.env` beside the file, one process per type unless a formation says otherwise,
// PORT = base + 100 per type (its line in the file) + 1 per instance, PS = `web.1`. Like foreman,
// honcho and overmind, the first process to exit ends the whole set: every process is critical
// and never restarted, and the others get SIGTERM, then SIGKILL after 5 s.
import { dirname, join } from 'node:path';
import type { Diagnostic } from './diagnostic.ts';
import type { GroupSpec, ProgramSpec, Settings } from '../model/spec.ts';
import { YAML_PROGRAM_DEFAULTS, defaultSettings } from './defaults.ts';
import { readText } from './files.ts';

export interface ProcfileOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `-m web=2,worker=1`; falls back to PIDONE_FORMATION, then foreman's `all=1`. */
  readonly formation?: string | null;
}

export interface ProcfileConfig {
  readonly programs: ProgramSpec[];
  readonly groups: GroupSpec[];
  readonly settings: Settings;
  readonly diagnostics: Diagnostic[];
}

const ENTRY = /^([A-Za-z0-9_-]+):\s*(.+)$/;
/** foreman's -t default: seconds between SIGTERM and SIGKILL. */
const STOP_TIMEOUT = 5;
const BASE_PORT = 5000;

/** Parses a Procfile's text; `file` must be absolute. */
export function parseProcfile(text: string, file: string, opts: ProcfileOptions): ProcfileConfig {
  const diagnostics: Diagnostic[] = [];
  const settings = defaultSettings(opts.env.TMPDIR || '/tmp');
  const dir = dirname(file);
  const entries: Array<{ name: string; command: string; line: number }> = [];
  text.replace(/\r\n/g, '\n').split('\n').forEach((raw, i) => {
    const m = ENTRY.exec(raw);
    if (m) {
      const first = entries.find((e) => e.name === m[1]);
      if (first) diagnostics.push({ file, line: i + 1, severity: 'error', message: `${m[1]}: defined twice (first on line ${first.line}); process types must be unique` });
      else entries.push({ name: m[1] as string, command: (m[2] as string).trim(), line: i + 1 });
    } else if (raw.trim() !== '' && !raw.trimStart().startsWith('#')) {
      diagnostics.push({ file, line: i + 1, severity: 'warning', message: `ignored: not a "name: command" line (names are letters, digits, _ and -)` });
    }
  });
  if (entries.length === 0) diagnostics.push({ file, line: 0, severity: 'error', message: 'no processes defined (expected lines like "web: bundle exec rails server")' });

  const envFile = join(dir, '.env');
  const envText = readText(envFile);
  const dotEnv = typeof envText === 'string' ? parseForemanEnv(envText) : {};
  const portText = dotEnv.PORT ?? opts.env.PORT;
  let base = BASE_PORT;
  if (portText !== undefined && portText !== '') {
    if (/^\d+$/.test(portText.trim())) base = Number(portText);
    else diagnostics.push({ file: dotEnv.PORT !== undefined ? envFile : file, line: 0, severity: 'error', message: `PORT must be a number to number the processes' ports from, got ${JSON.stringify(portText)}` });
  }

  const formationText = opts.formation ?? opts.env.PIDONE_FORMATION ?? 'all=1';
  const formation = parseFormation(formationText);
  if (typeof formation === 'string') {
    diagnostics.push({ file, line: 0, severity: 'error', message: `formation ${JSON.stringify(formationText)}: ${formation}` });
  } else {
    for (const name of formation.named.keys()) {
      if (!entries.some((e) => e.name === name)) diagnostics.push({ file, line: 0, severity: 'warning', message: `formation names ${name}, which the Procfile does not define` });
    }
  }
  const programs: ProgramSpec[] = [];
  const groups: GroupSpec[] = [];
  entries.forEach((e, index) => {
    const count = typeof formation === 'string' ? 1 : (formation.named.get(e.name) ?? formation.all);
    const names: string[] = [];
    for (let n = 1; n <= count; n++) {
      const name = `${e.name}.${n}`;
      names.push(name);
      programs.push({
        name, group: e.name, command: e.command, shell: true,
        ...YAML_PROGRAM_DEFAULTS,
        directory: dir,
        environment: { ...dotEnv, PORT: String(base + index * 100 + n - 1), PS: name, HONCHO_PROCESS_NAME: name },
        autorestart: false,
        critical: true,
        stopwaitsecs: STOP_TIMEOUT,
        source: { file, line: e.line },
      });
    }
    if (names.length > 0) groups.push({ name: e.name, priority: 999, processes: names });
  });
  if (entries.length > 0 && programs.length === 0) {
    diagnostics.push({ file, line: 0, severity: 'error', message: `the formation ${JSON.stringify(formationText)} runs no process` });
  }
  return { programs, groups, settings, diagnostics };
}

/** foreman's formation: `all=1,web=2`; without `all`, unnamed types run 0 times. */
export function parseFormation(text: string): { all: number; named: Map<string, number> } | string {
  const named = new Map<string, number>();
  let all = 0;
  for (const pair of text.replace(/\s/g, '').split(',').filter((p) => p !== '')) {
    const m = /^([A-Za-z0-9_-]+)=(\d+)$/.exec(pair);
    if (!m) return `expected name=count pairs like web=2,worker=1 (or all=1), got ${JSON.stringify(pair)}`;
    if (m[1] === 'all') all = Number(m[2]);
    else named.set(m[1] as string, Number(m[2]));
  }
  return { all, named };
}

/**
 * foreman's .env: KEY=value lines (other lines ignored), 'single quotes' taken literally,
 * "double quotes" with \n for a newline and \x for x. No `export`, no comments after values.
 */
export function parseForemanEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const m = /^([A-Za-z_0-9]+)=(.*)$/.exec(line);
    if (!m) continue;
    const v = m[2] as string;
    const single = /^'(.*)'$/.exec(v);
    const double = /^"(.*)"$/.exec(v);
    out[m[1] as string] = single ? (single[1] as string) : double ? (double[1] as string).replace(/\\n/g, '\n').replace(/\\(.)/g, '$1') : v;
  }
  return out;
}
