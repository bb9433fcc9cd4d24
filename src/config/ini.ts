// supervisord's INI dialect into pidone's model, computing every value as Supervisor 4.2.5
// does (ServerOptions.read_config), with supervisord's own verdict kept word for word in
// `upstream` and every problem, with file:line, in `diagnostics`. Pure apart from reading the
// config files and globbing [include] patterns: environment, hostname and cwd come in as options.
import type { GroupSpec, ProgramSpec, Settings } from '../model/spec.ts';
import type { Diagnostic } from './diagnostic.ts';
import { attempt, fail, locate, saneget, warn, type Ctx, type Upstream } from './ini-context.ts';
import type { PyDict } from './ini-expand.ts';
import { readIncludes, readInto } from './ini-files.ts';
import { readSettingsExtensions } from './ini-extensions.ts';
import { readGroups } from './ini-groups.ts';
import { lint } from './ini-lint.ts';
import { handlerPrinted, runnableProcesses, toGroupSpec, toProcessGroup, toSettings, type IniProcessGroup } from './ini-model.ts';
import { getOption, newStore } from './ini-parser.ts';
import { pyRepr, PyValueError } from './ini-py.ts';
import { pyAbspath, pyDirname } from './ini-pypath.ts';
import { readServers, type IniServer } from './ini-servers.ts';
import { readRpcInterfaces, readSupervisord, type IniSupervisord } from './ini-supervisord.ts';

export type { IniProcessGroup, IniServer, IniSupervisord, Upstream };

export interface IniOptions {
  /** The environment supervisord would start with: every VAR becomes %(ENV_VAR)s. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** %(host_node_name)s (Python's platform.node()). */
  readonly hostname: string;
  /** Parse the file as a conf.d fragment: as if included from `[supervisord]` + `[include] files=<file>`. */
  readonly fragment?: boolean;
  /** Resolves a relative config path and relative [unix_http_server] file=; default "/". */
  readonly cwd?: string;
  /** For `~` in paths; default env.HOME. */
  readonly home?: string;
  /** supervisord's childlogdir default (tempfile.gettempdir()); default env.TMPDIR/TEMP/TMP or /tmp. */
  readonly tempdir?: string;
  /** Maps an absolute [include] pattern to the pattern actually globbed (tests re-root /etc/...). */
  readonly rerootInclude?: (pattern: string) => string;
}

export interface IniResult {
  /** Runnable processes ([program:x], [group:x] members, [eventlistener:x] pools), in supervisord's order. */
  readonly programs: ProgramSpec[];
  readonly groups: GroupSpec[];
  /** [eventlistener:x] pools (their processes are in `programs` too). */
  readonly eventlisteners: IniProcessGroup[];
  /** [fcgi-program:x] groups (not in a [group:x]): parsed and checked, never run by pidone. */
  readonly fcgi_programs: IniProcessGroup[];
  /** Every group of every kind, sorted by (priority, name) like supervisord. */
  readonly process_groups: IniProcessGroup[];
  readonly settings: Settings;
  /** The config file (absolute) and every included file read, in reading order. */
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
  readonly supervisord: IniSupervisord;
  readonly servers: IniServer[];
  readonly rpcinterfaces: string[];
  /** What real supervisord 4.2.5 says: its error (or null), its warnings and infos, verbatim. */
  readonly upstream: Upstream;
}

/** Parses a supervisord config file (and its includes) into pidone's model. */
export function parseIni(file: string, opts: IniOptions): IniResult {
  const cwd = opts.cwd ?? '/';
  const absFile = pyAbspath(file, cwd);
  const store = newStore();
  const env: PyDict = new Map();
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env.set(`ENV_${k}`, v);
  const ctx: Ctx = {
    store, env, here: pyDirname(absFile), configfile: opts.fragment ? absFile : file, hostname: opts.hostname,
    home: opts.home ?? opts.env.HOME, cwd, diagnostics: [], upstream: { error: null, warnings: [], infos: [] },
  };
  const files: string[] = [];
  let readable = true;
  if (opts.fragment) {
    // Debian's /etc/supervisor/supervisord.conf: an empty [supervisord] that includes conf.d.
    store.sections.set('supervisord', { name: 'supervisord', file: absFile, line: 0, options: new Map() });
    const files0 = { value: absFile, file: absFile, line: 0 };
    store.sections.set('include', { name: 'include', file: absFile, line: 0, options: new Map([['files', files0]]) });
  } else if (readInto(ctx, file, absFile, true)) files.push(absFile);
  else readable = false;

  const included = readIncludes(ctx, absFile, opts.rerootInclude);
  files.push(...included);
  // A file that did not parse may have lost its [supervisord] header to the parse error.
  if (readable && ctx.upstream.error === null && !store.sections.has('supervisord')) {
    fail(ctx, { section: '' }, new PyValueError('.ini file does not include supervisord section'),
      'add a [supervisord] section (it may be empty), or load the file as a conf.d fragment');
  }
  const tempdir = opts.tempdir ?? opts.env.TMPDIR ?? opts.env.TEMP ?? opts.env.TMP ?? '/tmp';
  const supervisord = readSupervisord(ctx, tempdir);
  const rpcinterfaces = readRpcInterfaces(ctx);
  const groups = readGroups(ctx).map((g) => {
    for (const p of g.processes) p.environment = { ...supervisord.environment, ...p.environment };
    return g;
  });
  const servers = readServers(ctx);
  const settingsExt = readSettingsExtensions({
    get: (key) => (getOption(store, 'supervisord', key)
      ? attempt(ctx, { section: 'supervisord', key, pidone: true }, () => saneget(ctx, 'supervisord', key, '', new Map([['here', ctx.here]])), undefined)
      : undefined),
    fail: (key, message) => fail(ctx, { section: 'supervisord', key, pidone: true }, new PyValueError(message)),
  });
  lint(ctx, included);
  const processGroups = groups.map(toProcessGroup);
  const printed = handlerPrinted(processGroups);
  const runnable = processGroups.filter((g) => g.kind !== 'fcgi-program').map((g) => ({ ...g, processes: runnableProcesses(g, printed) }));
  checkRunnable(ctx, processGroups, servers);
  const written = (key: string) => getOption(store, 'supervisord', key) !== undefined;
  const settings = toSettings(supervisord, servers, settingsExt, { umask: written('umask'), logfile: written('logfile'), pidfile: written('pidfile') });
  return {
    programs: runnable.flatMap((g) => uniqueByName(g.processes)),
    groups: runnable.map((g) => toGroupSpec({ ...g, processes: uniqueByName(g.processes) })),
    eventlisteners: processGroups.filter((g) => g.kind === 'eventlistener'),
    fcgi_programs: processGroups.filter((g) => g.kind === 'fcgi-program'),
    process_groups: processGroups,
    settings,
    files,
    diagnostics: tidy(ctx.diagnostics, [opts.fragment ? absFile : file, ...included]),
    supervisord,
    servers,
    rpcinterfaces,
    upstream: ctx.upstream,
  };
}

// pidone addresses a process by its name alone, so names must be unique across groups; and
// what it cannot run (FastCGI) is said up front.
function checkRunnable(ctx: Ctx, groups: readonly IniProcessGroup[], servers: readonly IniServer[]): void {
  const owner = new Map<string, string>();
  for (const g of groups) {
    if (g.kind === 'fcgi-program') {
      warn(ctx, g.source, `[fcgi-program:${g.name}] pidone does not run FastCGI programs; it is checked but will not be started`);
      continue;
    }
    const inGroup = new Set<string>();
    for (const p of g.processes) {
      if (inGroup.has(p.name)) {
        warn(ctx, p.source, `[group:${g.name}] process ${pyRepr(p.name)} is listed twice; supervisord runs it once`);
        continue;
      }
      inGroup.add(p.name);
      const other = owner.get(p.name);
      if (other !== undefined) {
        fail(ctx, { section: sectionOf(ctx, p.source) ?? g.name, pidone: true }, new PyValueError(
          `process name ${pyRepr(p.name)} is used in group ${pyRepr(other)} and in group ${pyRepr(g.name)}; pidone needs unique process names (set process_name=)`,
        ));
      } else owner.set(p.name, g.name);
    }
  }
  const inet = servers.find((s) => s.family === 'inet');
  if (inet && inet.username === null) {
    warn(ctx, locate(ctx, inet.section), `[${inet.section}] has no username/password; pidone requires authentication for TCP control, so set both`);
  }
}

function sectionOf(ctx: Ctx, at: { file: string; line: number }): string | undefined {
  return [...ctx.store.sections.values()].find((s) => s.file === at.file && s.line === at.line)?.name;
}

// supervisord keeps one process per name inside a group (a dict): the first position, the last config.
function uniqueByName(list: readonly ProgramSpec[]): ProgramSpec[] {
  const byName = new Map<string, ProgramSpec>();
  for (const p of list) byName.set(p.name, p);
  return [...byName.values()];
}

// One line per problem, in file order then line order.
function tidy(diags: Diagnostic[], files: readonly string[]): Diagnostic[] {
  const seen = new Set<string>();
  const out = diags.filter((d) => {
    const k = `${d.file}\0${d.line}\0${d.severity}\0${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const rank = (f: string) => {
    const i = files.indexOf(f);
    return i < 0 ? files.length : i;
  };
  return out.sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line);
}
