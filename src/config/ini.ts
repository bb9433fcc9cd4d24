// supervisord's INI dialect into pidone's model, computing every value as Supervisor 4.2.5
// does (ServerOptions.read_config), with supervisord's own verdict kept word for word in
// `upstream` and every problem, with file:line, in `diagnostics`. Pure apart from reading the
// config files and globbing [include] patterns: environment, hostname and cwd come in as options.
import { readFileSync } from 'node:fs';
import type { GroupSpec, ProgramSpec, Settings } from '../model/spec.ts';
import type { Diagnostic } from './diagnostic.ts';
import { attempt, fail, locate, saneget, warn, wholeDict, type Ctx, type Upstream } from './ini-context.ts';
import { expand, mergeDicts, type PyDict } from './ini-expand.ts';
import { readSettingsExtensions } from './ini-extensions.ts';
import { pyGlob } from './ini-glob.ts';
import { readGroups } from './ini-groups.ts';
import { lint } from './ini-lint.ts';
import { toGroupSpec, toProcessGroup, toSettings, type IniProcessGroup } from './ini-model.ts';
import { expandHere, getOption, newStore, readIniText, type IniStore } from './ini-parser.ts';
import { pyCompare, pyRepr, pySplitWs, PyValueError } from './ini-py.ts';
import { pyAbspath, pyDirname, pyJoin } from './ini-pypath.ts';
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
  /** Runnable processes ([program:x] and [group:x] members), in supervisord's order. */
  readonly programs: ProgramSpec[];
  readonly groups: GroupSpec[];
  /** [eventlistener:x] pools: parsed and checked, never run by pidone. */
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

// Python's utf-8 codec keeps a byte-order mark as text (and supervisord then rejects line 1).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
  const runnable = processGroups.filter((g) => g.kind === 'program' || g.kind === 'group');
  checkRunnable(ctx, processGroups, servers);
  const settings = toSettings(supervisord, servers, settingsExt, { umask: getOption(store, 'supervisord', 'umask') !== undefined });
  return {
    programs: runnable.flatMap((g) => uniqueByName(g.processes)),
    groups: runnable.map(toGroupSpec),
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

function fileError(ctx: Ctx, at: { file: string; line: number }, upstream: string, human: string): void {
  if (ctx.upstream.error === null) ctx.upstream.error = upstream;
  ctx.diagnostics.push({ file: at.file, line: at.line, severity: 'error', message: human });
}

// Reads one file into the store. `name` is how supervisord names it in messages.
function readInto(ctx: Ctx, name: string, path: string, main: boolean): boolean {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // parser.read() skips included files it cannot open; only the main file must exist.
    if (!main) {
      warn(ctx, { file: path, line: 0 }, `included file cannot be read (${code ?? 'error'}); supervisord skips it silently`);
      return false;
    }
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    const verb = missing ? 'find' : 'read';
    fileError(ctx, { file: name, line: 0 }, `could not ${verb} config file ${name}`, `could not ${verb} the config file (${code ?? 'error'})`);
    return false;
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    fileError(ctx, { file: name, line: 0 }, `'utf-8' codec can't decode ${name}`, 'the file is not valid UTF-8; supervisord reads config files as UTF-8 text');
    return false;
  }
  const r = readIniText(ctx.store, text, name);
  for (const p of r.problems) ctx.diagnostics.push({ file: p.file, line: p.line, severity: 'error', message: p.message });
  if (r.error !== null && ctx.upstream.error === null) ctx.upstream.error = r.error;
  return true;
}

// The [include] block of read_config: patterns relative to the main file's directory, each
// pattern's matches read in sorted order, %(here)s of each file replaced right after reading it.
function readIncludes(ctx: Ctx, absFile: string, reroot: IniOptions['rerootInclude']): string[] {
  const { store } = ctx;
  const read: string[] = [];
  if (!store.sections.has('include')) return read;
  expandHere(store, ctx.here);
  const opt = getOption(store, 'include', 'files');
  if (!opt) {
    fail(ctx, { section: 'include' }, new PyValueError('.ini file has [include] section, but no files setting'), 'add files = conf.d/*.conf');
    return read;
  }
  const dict = mergeDicts(new Map([['here', ctx.here], ['host_node_name', ctx.hostname]]), ctx.env);
  const patterns = attempt(ctx, { section: 'include', key: 'files' }, () => {
    try {
      return pySplitWs(expand(opt.value, dict, 'include.files', () => wholeDict(ctx, 'include', 'files')));
    } catch (err) {
      if (err instanceof PyValueError) err.key = 'files';
      throw err;
    }
  }, []);
  const base = pyDirname(absFile);
  for (const p of patterns) {
    const pattern = pyJoin(base, p);
    const matches = pyGlob(reroot ? reroot(pattern) : pattern);
    if (matches.length === 0) {
      warn(ctx, locate(ctx, 'include', 'files'), `[include] files: nothing matches ${pyRepr(pattern)}`, `No file matches via include "${pattern}"`);
      continue;
    }
    for (const f of matches.sort(pyCompare)) {
      ctx.upstream.infos.push(`Included extra file "${f}" during parsing`);
      if (readInto(ctx, f, f, false)) read.push(f);
      expandHere(store, pyAbspath(pyDirname(f), ctx.cwd));
    }
  }
  return read;
}

// pidone addresses a process by its name alone, so names must be unique across groups; and
// what it cannot run (event listeners, FastCGI) is said up front.
function checkRunnable(ctx: Ctx, groups: readonly IniProcessGroup[], servers: readonly IniServer[]): void {
  const owner = new Map<string, string>();
  for (const g of groups) {
    if (g.kind === 'eventlistener' || g.kind === 'fcgi-program') {
      const what = g.kind === 'eventlistener' ? 'event listeners' : 'FastCGI programs';
      const section = `${g.kind}:${g.name}`;
      warn(ctx, g.source, `[${section}] pidone does not run ${what}; it is checked but will not be started`);
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
