// One `programs.<name>` entry of a YAML file → its ProgramSpecs (one per numprocs process).
// A table of key handlers: each key (and its supervisord spelling) fills one draft field.
import { isAbsolute, join, dirname } from 'node:path';
import type { GroupSpec, ProgramSpec, SourcePos } from '../model/spec.ts';
import type { Severity } from './diagnostic.ts';
import { YAML_PROGRAM_DEFAULTS } from './defaults.ts';
import { checkKeys, entries, isList, items, parsed, plain, posOf, report, scalar, source, text, type Ctx, type Field } from './yaml-nodes.ts';
import { readBackoff, readCommand, readDependsOn, readEnvFiles, readEnvironment } from './yaml-parts.ts';
import { readLiveness, readReady } from './yaml-ready.ts';
import { readLimits } from './yaml-limits.ts';
import { readSchedule, readWatch, scheduledRules } from './yaml-schedule.ts';
import { parseRange } from './values-limits.ts';
import { describe, parseBoolean, parseByteSize, parseCritical, parseDuration, parseInteger, parseOctal, parseSignal } from './values.ts';
import { processNames } from './procname.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<Omit<ProgramSpec, 'name' | 'group' | 'source'>>;

interface State {
  readonly draft: Draft;
  readonly configDir: string;
  readonly missingFile: Severity;
  numprocs: number;
  numprocs_start: number;
  process_name: string | null;
  envFile: Record<string, string>;
  env: Record<string, string>;
  restartGiven: boolean;
}

type Handler = (ctx: Ctx, f: Field, s: State) => void;

const bool = (key: 'autostart' | 'oneshot' | 'stopasgroup' | 'killasgroup' | 'redirect_stderr' | 'exit_on_skipped' | 'daemon'): Handler =>
  (ctx, f, s) => set(s, key, parsed(ctx, f, parseBoolean));
const int = (key: 'startretries' | 'stdout_logfile_backups' | 'stderr_logfile_backups', min: number): Handler =>
  (ctx, f, s) => set(s, key, parsed(ctx, f, (v) => parseInteger(v, min)));
const seconds = (key: 'startsecs' | 'stopwaitsecs'): Handler => (ctx, f, s) => set(s, key, parsed(ctx, f, parseDuration));
const bytes = (key: 'stdout_logfile_maxbytes' | 'stderr_logfile_maxbytes'): Handler => (ctx, f, s) => set(s, key, parsed(ctx, f, parseByteSize));
const logfile = (key: 'stdout_logfile' | 'stderr_logfile'): Handler => (ctx, f, s) => {
  const v = plain(ctx, f.node) === null ? null : text(ctx, f);
  if (v === undefined) return;
  if (v !== null && v.toUpperCase() === 'AUTO') report(ctx, f.at, f.path, 'AUTO log files exist only in supervisord INI files; give a file path');
  else s.draft[key] = v === null || /^(none|off)$/i.test(v) ? null : resolvePath(s.configDir, v);
};

const RESTART: Readonly<Record<string, ProgramSpec['autorestart']>> = {
  always: true, 'on-failure': 'unexpected', never: false,
  // process-compose and docker compose spellings
  on_failure: 'unexpected', 'unless-stopped': true, no: false,
};

const HANDLERS: Readonly<Record<string, Handler>> = {
  command: (ctx, f, s) => {
    const c = readCommand(ctx, f);
    if (c) Object.assign(s.draft, c);
  },
  directory: (ctx, f, s) => {
    const v = text(ctx, f);
    if (v !== undefined) s.draft.directory = resolvePath(s.configDir, v);
  },
  environment: (ctx, f, s) => void (s.env = readEnvironment(ctx, f)),
  env_file: (ctx, f, s) => void (s.envFile = readEnvFiles(ctx, f, s.missingFile)),
  depends_on: (ctx, f, s) => void (s.draft.depends_on = readDependsOn(ctx, f)),
  ready: (ctx, f, s) => set(s, 'ready', readReady(ctx, f)),
  liveness: (ctx, f, s) => set(s, 'liveness', readLiveness(ctx, f)),
  backoff: (ctx, f, s) => set(s, 'backoff', readBackoff(ctx, f, YAML_PROGRAM_DEFAULTS.backoff ?? { initial: 1, max: 30, reset_after: 60 })),
  restart: (ctx, f, s) => {
    s.restartGiven = true;
    const v = scalar(ctx, f);
    if (v === undefined) return;
    const key = String(v).toLowerCase();
    if (Object.hasOwn(RESTART, key)) s.draft.autorestart = RESTART[key] ?? false;
    else report(ctx, f.at, f.path, `expected always | on-failure | never, got ${describe(v)}`);
  },
  autorestart: (ctx, f, s) => {
    s.restartGiven = true;
    const v = scalar(ctx, f);
    if (v === undefined) return;
    if (String(v).toLowerCase() === 'unexpected') s.draft.autorestart = 'unexpected';
    else set(s, 'autorestart', parsed(ctx, f, (x) => {
      const b = parseBoolean(x);
      return b.ok ? b : { ok: false, error: `expected true | false | unexpected, got ${describe(x)}` };
    }));
  },
  max_restarts: (ctx, f, s) => set(s, 'max_restarts', parsed(ctx, f, (v) => {
    const n = parseInteger(v, 1);
    return n.ok ? n : { ok: false, error: `${n.error} (leave max_restarts out for no limit)` };
  })),
  stop_signal: (ctx, f, s) => set(s, 'stopsignal', parsed(ctx, f, parseSignal)),
  stop_timeout: seconds('stopwaitsecs'),
  critical: (ctx, f, s) => set(s, 'critical', parsed(ctx, f, parseCritical)),
  exit_on_skipped: bool('exit_on_skipped'),
  stop_command: (ctx, f, s) => {
    if (plain(ctx, f.node) === null) return void (s.draft.stop_command = null);
    const c = readCommand(ctx, f);
    if (c) s.draft.stop_command = c.command;
  },
  daemon: bool('daemon'),
  forward_signals: (ctx, f, s) => {
    const list = isList(ctx, f) ? (items(ctx, f) ?? []) : [f];
    const names: string[] = [];
    for (const item of list) {
      const sig = parsed(ctx, item, parseSignal);
      if (sig === 'KILL' || sig === 'STOP' || sig === 'CHLD') {
        report(ctx, item.at, item.path, `SIG${sig} cannot be forwarded (${sig === 'CHLD' ? 'pidone reaps with it' : 'it cannot be caught'})`);
      } else if (sig !== undefined && !names.includes(sig)) names.push(sig);
    }
    s.draft.forward_signals = names;
  },
  numprocs: (ctx, f, s) => void (s.numprocs = parsed(ctx, f, (v) => parseInteger(v, 1)) ?? s.numprocs),
  numprocs_start: (ctx, f, s) => void (s.numprocs_start = parsed(ctx, f, (v) => parseInteger(v, 0)) ?? s.numprocs_start),
  process_name: (ctx, f, s) => void (s.process_name = text(ctx, f, true) ?? s.process_name),
  user: (ctx, f, s) => set(s, 'user', plain(ctx, f.node) === null ? null : text(ctx, f)),
  oneshot: bool('oneshot'),
  autostart: bool('autostart'),
  priority: (ctx, f, s) => set(s, 'priority', parsed(ctx, f, (v) => parseInteger(v, Number.MIN_SAFE_INTEGER))),
  startsecs: seconds('startsecs'),
  startretries: int('startretries', 0),
  exitcodes: (ctx, f, s) => {
    const list = isList(ctx, f) ? (items(ctx, f) ?? []) : [f];
    const codes = list.map((item) => parsed(ctx, item, (v) => parseInteger(v, 0, 255)));
    if (codes.every((c) => c !== undefined)) s.draft.exitcodes = codes as number[];
  },
  umask: (ctx, f, s) => set(s, 'umask', parsed(ctx, f, (v) => parseOctal(v, source(ctx, f)))),
  stopasgroup: bool('stopasgroup'),
  killasgroup: bool('killasgroup'),
  redirect_stderr: bool('redirect_stderr'),
  stdin: (ctx, f, s) => {
    if (plain(ctx, f.node) === null) return void (s.draft.stdin = 'null');
    const v = text(ctx, f);
    if (v === 'pipe' || v === 'null') s.draft.stdin = v;
    else if (v !== undefined) report(ctx, f.at, f.path, `expected pipe | null, got ${describe(v)}`);
  },
  stdout_logfile: logfile('stdout_logfile'),
  stdout_logfile_maxbytes: bytes('stdout_logfile_maxbytes'),
  stdout_logfile_backups: int('stdout_logfile_backups', 0),
  stderr_logfile: logfile('stderr_logfile'),
  stderr_logfile_maxbytes: bytes('stderr_logfile_maxbytes'),
  stderr_logfile_backups: int('stderr_logfile_backups', 0),
  // false: lines are not printed (only log files and the tail); a log file naming pidone's
  // stdout or stderr still prints there (io/routes.ts).
  print: (ctx, f, s) => {
    const v = parsed(ctx, f, parseBoolean);
    if (v === false) s.draft.print = { stdout: false, stderr: false };
    else if (v === true) delete s.draft.print;
  },
  schedule: (ctx, f, s) => set(s, 'schedule', readSchedule(ctx, f)),
  watch: (ctx, f, s) => set(s, 'watch', readWatch(ctx, f, s.configDir)),
  limits: (ctx, f, s) => set(s, 'limits', readLimits(ctx, f)),
  nice: (ctx, f, s) => set(s, 'nice', parsed(ctx, f, (v) => parseRange(v, -20, 19))),
  oom_score_adj: (ctx, f, s) => set(s, 'oom_score_adj', parsed(ctx, f, (v) => parseRange(v, -1000, 1000))),
};

// supervisord spellings, accepted so that migrating users are not punished; giving both is an error.
const ALIASES: Readonly<Record<string, string>> = { stopsignal: 'stop_signal', stopwaitsecs: 'stop_timeout', autorestart: 'restart' };

// Keys of other tools, with what to write instead.
const HINTS: Readonly<Record<string, string>> = {
  availability: "process-compose's availability: write restart:, backoff: and max_restarts: directly under the program",
  readiness_probe: 'use ready: { http: URL } or { tcp: PORT } or { exec: COMMAND }',
  ready_log_line: 'use ready: { log: PATTERN }',
  healthcheck: 'use ready: { exec: COMMAND }',
  liveness_probe: 'use liveness: { http: URL } or { tcp: PORT } or { exec: COMMAND }',
  working_dir: 'use directory:',
  shutdown: 'use stop_signal:, stop_timeout: and stop_command:',
  is_daemon: 'use daemon: true',
  stop_grace_period: 'use stop_timeout:',
  replicas: 'use numprocs:',
  disabled: 'use autostart: false',
  entrypoint: 'write command: as a list for the exec form',
  args: 'write command: as a list for the exec form',
  log_location: 'use stdout_logfile:',
};

export const PROGRAM_KEYS: readonly string[] = [...Object.keys(HANDLERS).filter((k) => k !== 'autorestart'), ...Object.keys(ALIASES)];

export interface ProgramResult {
  readonly specs: ProgramSpec[];
  readonly group: GroupSpec;
}

/** Normalizes one program; global env layers (env_file, environment) go under its own. */
export function readProgram(ctx: Ctx, f: Field, globalEnv: Readonly<Record<string, string>>, missingFile: Severity): ProgramResult | null {
  const fields = entries(ctx, f);
  if (!fields) return null;
  if (!/^[^\s:/]+$/.test(f.key)) report(ctx, f.at, 'programs', `invalid program name ${JSON.stringify(f.key)}: no spaces, ":" or "/" allowed`);
  checkKeys(ctx, fields, PROGRAM_KEYS, HINTS);
  const s: State = {
    draft: { ...YAML_PROGRAM_DEFAULTS, command: '', shell: true },
    configDir: dirname(ctx.file), missingFile,
    numprocs: 1, numprocs_start: 0, process_name: null, envFile: {}, env: {}, restartGiven: false,
  };
  const byCanonical = new Map<string, Field>();
  for (const x of fields) {
    const canonical = ALIASES[x.key] ?? x.key;
    const handler = HANDLERS[x.key] ?? HANDLERS[canonical];
    if (!handler) continue;
    const other = byCanonical.get(canonical);
    if (other) report(ctx, x.at, x.path, `same setting as ${other.key}; give only one of them`);
    byCanonical.set(canonical, x);
    handler(ctx, x, s);
  }
  if (!byCanonical.has('command')) report(ctx, f.at, f.path, 'missing command');
  const d = s.draft;
  d.environment = { ...globalEnv, ...s.envFile, ...s.env };
  if (d.schedule !== null) scheduledRules(ctx, byCanonical, d);
  if (d.oneshot && !s.restartGiven) d.autorestart = false;
  const restartField = byCanonical.get('restart');
  if (d.oneshot && d.autorestart === true && restartField) {
    report(ctx, restartField.at, restartField.path, 'a oneshot program cannot restart always (use on-failure to retry it until it succeeds)');
  }
  const groupField = byCanonical.get('killasgroup');
  if (d.stopasgroup && !d.killasgroup && groupField) {
    report(ctx, groupField.at, groupField.path, 'cannot be false while stopasgroup is true');
  }
  if (d.daemon && d.stop_command === null) {
    const at = byCanonical.get('daemon') ?? f;
    report(ctx, at.at, at.path, 'a daemon leaves no process behind that pidone could signal: give stop_command to stop it', 'warning');
  }
  if (d.redirect_stderr && d.stderr_logfile !== null) {
    const at = byCanonical.get('stderr_logfile') ?? f;
    report(ctx, at.at, at.path, 'ignored because redirect_stderr is true', 'warning');
    d.stderr_logfile = null;
  }
  const names = processNames(f.key, s.numprocs, s.numprocs_start, s.process_name);
  if (typeof names === 'string') {
    const at = byCanonical.get('process_name') ?? byCanonical.get('numprocs') ?? f;
    report(ctx, at.at, at.path, names);
    return null;
  }
  // Programs with errors are still returned, so that dependency checks see every name;
  // loadConfig rejects the file as a whole anyway.
  const src: SourcePos = posOf(ctx, f.at);
  const { command, shell, ...rest } = d;
  // Key order is what `check --json` shows: identity and command first.
  const specs = names.map((name) => ({ name, group: f.key, command, shell, ...rest, source: src }));
  return { specs, group: { name: f.key, priority: d.priority, processes: names } };
}

function set<K extends keyof Draft>(s: State, key: K, value: Draft[K] | undefined): void {
  if (value !== undefined) s.draft[key] = value;
}

function resolvePath(base: string, p: string): string {
  return isAbsolute(p) || p.startsWith('/dev/') ? p : join(base, p);
}
