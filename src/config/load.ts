// Finding and loading a config: discovery (spec section 1), the format by extension, the parser,
// then the checks that need the whole model (dependencies, duplicate names, host facts), and
// finally the programs in start order. Every problem of every stage is reported at once.
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { GroupSpec, Model, ProgramSpec, Settings, SourcePos } from '../model/spec.ts';
import { checkGraph, planWaves } from '../model/graph.ts';
import { ConfigError, type Diagnostic, type Severity } from './diagnostic.ts';
import { checkHost, systemHost, type HostFacts } from './host.ts';
import { readText } from './files.ts';
import { didYouMean } from './suggest.ts';
import { parseYaml } from './yaml.ts';
import { parseIni } from './ini.ts';
import { parseProcessCompose } from './pc.ts';
import { parseProcfile } from './procfile.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface DiscoverOptions {
  readonly cwd: string;
  readonly env: Env;
  /** The path pidone was started as (supervisord looks beside its own binary). */
  readonly argv0: string;
  readonly exists: (path: string) => boolean;
}

/** The files discovery tries, in order (PIDONE_CONFIG aside). */
export function configCandidates(opts: Pick<DiscoverOptions, 'cwd' | 'argv0'>): string[] {
  // supervisord: here = dirname(dirname(argv[0])); then ../etc, .., cwd, cwd/etc, /etc, /etc/supervisor.
  const here = resolve(opts.cwd, dirname(dirname(opts.argv0 || '.')));
  const list = [
    join(opts.cwd, 'pidone.yaml'),
    join(opts.cwd, 'pidone.yml'),
    '/etc/pidone/pidone.yaml',
    // The files of the tools pidone replaces, read unchanged (spec section 1).
    join(opts.cwd, 'process-compose.yaml'),
    join(opts.cwd, 'process-compose.yml'),
    join(opts.cwd, 'Procfile'),
    join(here, 'etc', 'supervisord.conf'),
    join(here, 'supervisord.conf'),
    join(opts.cwd, 'supervisord.conf'),
    join(opts.cwd, 'etc', 'supervisord.conf'),
    '/etc/supervisord.conf',
    '/etc/supervisor/supervisord.conf',
  ];
  return [...new Set(list)];
}

/** The config file to use when -c is absent: PIDONE_CONFIG, else the first candidate that exists. */
export function discoverConfig(opts: DiscoverOptions): string | null {
  const forced = opts.env.PIDONE_CONFIG;
  // An explicit choice is returned even when missing, so a typo is reported, not skipped.
  if (forced) return resolve(opts.cwd, forced);
  return configCandidates(opts).find((f) => opts.exists(f)) ?? null;
}

export interface LoadOptions {
  readonly env: Env;
  readonly hostname: string;
  readonly cwd: string;
  /** Facts of the host (users, directories, env files): 'warning' for `check`, else 'error'. */
  readonly hostSeverity?: Severity;
  readonly host?: HostFacts;
  /** A Procfile formation (`-m web=2,worker=1`); default: PIDONE_FORMATION, then all=1. */
  readonly formation?: string | null;
}

export interface Loaded {
  readonly model: Model;
  readonly warnings: Diagnostic[];
}

/** pidone YAML, a process-compose file, a Procfile, supervisord INI. */
export type Format = 'yaml' | 'process-compose' | 'procfile' | 'ini';

interface Parsed {
  readonly programs: readonly ProgramSpec[];
  readonly groups: readonly GroupSpec[];
  readonly settings: Settings;
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  /** Position of a program's key, when the format knows it. */
  readonly where: (group: string, key: string) => SourcePos | undefined;
  /** How problems name a program's key: `programs.web.user` (YAML), `[program:web] user` (INI). */
  readonly label: (p: ProgramSpec, key: string) => string;
  /** Severity of a missing log directory when pidone runs (process-compose creates it). */
  readonly logDirSeverity?: Severity;
}

/** Loads and validates a config file; throws ConfigError carrying every diagnostic. */
export function loadConfig(file: string, opts: LoadOptions): Loaded {
  const abs = resolve(opts.cwd, file);
  const text = readText(abs);
  if (typeof text !== 'string') {
    throw new ConfigError([{ file: abs, line: 0, severity: 'error', message: `cannot read the config file: ${text.error}` }]);
  }
  const format = formatOf(abs, text);
  if (format === null) {
    throw new ConfigError([{
      file: abs, line: 0, severity: 'error',
      message: 'cannot tell the format: name the file .yaml or .yml (pidone YAML or process-compose), Procfile, or .conf or .ini (supervisord INI)',
    }]);
  }
  const parsed = format === 'yaml' ? yamlSource(text, abs, opts)
    : format === 'process-compose' ? pcSource(text, abs, opts)
      : format === 'procfile' ? procfileSource(text, abs, opts)
        : iniSource(abs, opts);
  if (format !== 'procfile' && opts.formation) {
    const note: Diagnostic = { file: abs, line: 0, severity: 'warning', message: `-m ${opts.formation} is ignored: a formation is for a Procfile (set numprocs or replicas in this file instead)` };
    return finish({ ...parsed, diagnostics: [...parsed.diagnostics, note] }, opts);
  }
  return finish(parsed, opts);
}

// Model keys that a process-compose file spells differently, for messages about them.
const PC_KEYS: Readonly<Record<string, string>> = { stdout_logfile: 'log_location', stderr_logfile: 'log_location', directory: 'working_dir' };

function pcSource(text: string, file: string, opts: LoadOptions): Parsed {
  const y = parseProcessCompose(text, file, { env: opts.env, hostSeverity: opts.hostSeverity ?? 'error' });
  const key = (k: string) => PC_KEYS[k] ?? k;
  return {
    ...y,
    files: [file],
    where: (group, k) => y.positionOf(`processes.${group}.${key(k)}`),
    label: (p, k) => `processes.${p.group}${k ? `.${key(k)}` : ''}`,
    logDirSeverity: 'warning',
  };
}

function procfileSource(text: string, file: string, opts: LoadOptions): Parsed {
  const r = parseProcfile(text, file, { env: opts.env, formation: opts.formation ?? null });
  return { ...r, files: [file], where: () => undefined, label: (p, key) => `${p.group}${key ? ` ${key}` : ''}` };
}

/** Loads YAML text as if read from file (absolute); for tests and fuzzing. */
export function loadYamlText(text: string, file: string, opts: LoadOptions): Loaded {
  return finish(yamlSource(text, file, opts), opts);
}

function yamlSource(text: string, file: string, opts: LoadOptions): Parsed {
  const y = parseYaml(text, file, { env: opts.env, hostSeverity: opts.hostSeverity ?? 'error' });
  return {
    ...y,
    files: [file],
    where: (group, key) => y.positionOf(`programs.${group}.${key}`),
    label: (p, key) => `programs.${p.group}${key ? `.${key}` : ''}`,
  };
}

function iniSource(file: string, opts: LoadOptions): Parsed {
  const r = parseIni(file, { env: opts.env, hostname: opts.hostname, cwd: opts.cwd });
  // Name programs as the INI parser's own messages do: `[program:x] key`.
  const section = new Map<string, string>();
  for (const g of r.process_groups) {
    for (const p of g.processes) section.set(p.name, g.kind === 'program' ? `[program:${g.name}]` : `[${g.kind}:${g.name}] ${p.name}`);
  }
  return {
    programs: r.programs, groups: r.groups, settings: r.settings, files: r.files, diagnostics: r.diagnostics,
    where: () => undefined,
    label: (p, key) => `${section.get(p.name) ?? p.name}${key ? ` ${key}` : ''}`,
  };
}

// Signals a forward_signals list may name but pidone keeps for itself (spec section 4).
const SHUTDOWN = 'it is pidone\'s shutdown signal; during shutdown each program gets its own stop signal (stop_signal / stopsignal)';
const NOT_FORWARDED: Readonly<Record<string, string>> = {
  TERM: SHUTDOWN,
  INT: SHUTDOWN,
  QUIT: SHUTDOWN,
  CHLD: 'pidone reaps on SIGCHLD',
  KILL: 'no process can catch it',
  STOP: 'no process can catch it',
};

function finish(parsed: Parsed, opts: LoadOptions): Loaded {
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  // key names the setting in the message; place (default: key) finds where it was written.
  const at = (p: ProgramSpec, key: string, severity: Severity, message: string, place = key): Diagnostic => {
    const pos = parsed.where(p.group, place) ?? p.source;
    return { file: pos.file, line: pos.line, ...(pos.col ? { col: pos.col } : {}), severity, message: `${parsed.label(p, key)}: ${message}` };
  };
  const byName = new Map<string, ProgramSpec>();
  for (const p of parsed.programs) {
    const first = byName.get(p.name);
    if (first) {
      const where = first.source.file === p.source.file ? `line ${first.source.line}` : `${first.source.file}:${first.source.line}`;
      diagnostics.push(at(p, '', 'error', `process name ${JSON.stringify(p.name)} is already taken by ${parsed.label(first, '')} (${where})`));
    } else byName.set(p.name, p);
  }
  for (const g of checkGraph(parsed.programs)) {
    const others = g.known?.filter((n) => n !== g.program.name && n !== g.program.group);
    const hint = others ? didYouMean(g.dependency, others) : '';
    diagnostics.push(at(g.program, 'depends_on', g.severity, g.message + hint, `depends_on.${g.dependency}`));
  }
  for (const p of parsed.programs) {
    for (const sig of p.forward_signals) {
      const why = NOT_FORWARDED[sig];
      if (why) diagnostics.push(at(p, 'forward_signals', 'warning', `SIG${sig} is never forwarded: ${why}`));
    }
  }
  const host = opts.host ?? systemHost();
  const hostSeverity = opts.hostSeverity ?? 'error';
  diagnostics.push(...checkHost(parsed.programs, host, hostSeverity, at, hostSeverity === 'warning' ? 'warning' : parsed.logDirSeverity));
  const sorted = sortDiagnostics(diagnostics);
  if (sorted.some((d) => d.severity === 'error')) throw new ConfigError(sorted);
  const groups = [...parsed.groups].sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const model: Model = { programs: planWaves(parsed.programs, groups).flat(), groups, settings: parsed.settings, files: parsed.files };
  return { model, warnings: sorted };
}

// Files in the order they first appear; within a file, by position.
function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const fileOrder = new Map<string, number>();
  for (const d of list) if (!fileOrder.has(d.file)) fileOrder.set(d.file, fileOrder.size);
  return [...list].sort((a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line || (a.col ?? 0) - (b.col ?? 0));
}

/**
 * The format of a config file: a Procfile by its name (Procfile, Procfile.dev...), YAML and INI
 * by extension; a YAML file is process-compose's when it is named process-compose*, or has
 * `processes:` and no `programs:` at the top;
 * any other name is sniffed from its first line.
 */
export function formatOf(file: string, text: string): Format | null {
  if (/^procfile(\..*)?$/i.test(basename(file))) return 'procfile';
  const ext = extname(file).toLowerCase();
  const yaml = (): Format => (/^process-compose\b/i.test(basename(file)) || (/^processes\s*:/m.test(text) && !/^programs\s*:/m.test(text)) ? 'process-compose' : 'yaml');
  if (ext === '.yaml' || ext === '.yml') return yaml();
  if (ext === '.conf' || ext === '.ini') return 'ini';
  const first = text.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  if (first === undefined) return null;
  if (/^\[[^\]]+\]$/.test(first)) return 'ini';
  if (first === '---' || /^[\w.-]+\s*:(\s|$)/.test(first)) return yaml();
  return null;
}
