// The [supervisord] section (ServerOptions.read_config) and [rpcinterface:x] sections
// (Options.get_plugins), in the order supervisord reads them, so the first error is its error.
import { attempt, locate, saneget, warn, fail, type Ctx } from './ini-context.ts';
import { describeQuirk, dictOfKeyValuePairs, type EnvQuirk } from './ini-environment.ts';
import { expand, mergeDicts } from './ini-expand.ts';
import { getOption, optionNames } from './ini-parser.ts';
import { pyExpanduser } from './ini-pypath.ts';
import { PyValueError } from './ini-py.ts';
import { boolean, byteSize, HINTS, integer, loggingLevel, octalType } from './ini-values.ts';

/** The [supervisord] values exactly as supervisord computes them. */
export interface IniSupervisord {
  readonly nodaemon: boolean;
  readonly silent: boolean;
  readonly user: string | null;
  readonly umask: number;
  readonly logfile: string;
  readonly logfile_maxbytes: number;
  readonly logfile_backups: number;
  /** Short level name: CRIT, ERRO, WARN, INFO, DEBG, TRAC, BLAT. */
  readonly loglevel: string;
  readonly pidfile: string;
  readonly identifier: string;
  readonly childlogdir: string;
  readonly directory: string | null;
  readonly minfds: number;
  readonly minprocs: number;
  readonly nocleanup: boolean;
  readonly strip_ansi: boolean;
  readonly environment: Readonly<Record<string, string>>;
}

const S = 'supervisord';

/** Reads [supervisord] like read_config, and adds its environment= to ENV_ expansions. */
export function readSupervisord(ctx: Ctx, tempdir: string): IniSupervisord {
  const here = new Map([['here', ctx.here]]);
  const get = <D>(key: string, dflt: D) => saneget(ctx, S, key, dflt, here);
  const field = <T>(key: string, fn: () => T, fallback: T, hint?: string) => attempt(ctx, { section: S, key }, fn, fallback, hint);
  const home = ctx.home;
  const minfds = field('minfds', () => integer(get('minfds', 1024)), 1024, HINTS.integer);
  const minprocs = field('minprocs', () => integer(get('minprocs', 200)), 200, HINTS.integer);
  const directory = field('directory', () => {
    const d = get('directory', null);
    return d === null ? null : pyExpanduser(d, home);
  }, null);
  const user = field('user', () => get('user', null), null);
  const umask = field('umask', () => octalType(get('umask', '022')), 0o22, HINTS.octal);
  const logfile = field('logfile', () => pyExpanduser(get('logfile', 'supervisord.log'), home), 'supervisord.log');
  const logfileMaxbytes = field('logfile_maxbytes', () => byteSize(get('logfile_maxbytes', '50MB')), 52428800, HINTS.byteSize);
  const logfileBackups = field('logfile_backups', () => integer(get('logfile_backups', 10)), 10, HINTS.integer);
  const loglevel = field('loglevel', () => loggingLevel(get('loglevel', 'info')), 'INFO', HINTS.loglevel);
  const pidfile = field('pidfile', () => pyExpanduser(get('pidfile', 'supervisord.pid'), home), 'supervisord.pid');
  const identifier = field('identifier', () => get('identifier', 'supervisor'), 'supervisor');
  const nodaemon = field('nodaemon', () => boolean(get('nodaemon', 'false')), false, HINTS.boolean);
  const silent = field('silent', () => boolean(get('silent', 'false')), false, HINTS.boolean);
  const childlogdir = field('childlogdir', () => pyExpanduser(get('childlogdir', tempdir), home), tempdir);
  const nocleanup = field('nocleanup', () => boolean(get('nocleanup', 'false')), false, HINTS.boolean);
  const stripAnsi = field('strip_ansi', () => boolean(get('strip_ansi', 'false')), false, HINTS.boolean);
  // environment= is expanded twice: once by getdefault, then again with host_node_name added,
  // so a literal % needs %%%% here (and %(host_node_name)s fails on the first pass).
  const quirks: EnvQuirk[] = [];
  const environment = field('environment', () => {
    const first = get('environment', '');
    const second = expand(first, mergeDicts(new Map([['here', ctx.here], ['host_node_name', ctx.hostname]]), ctx.env), 'environment');
    return dictOfKeyValuePairs(second, quirks);
  }, new Map<string, string>());
  for (const q of quirks) warn(ctx, locate(ctx, S, 'environment'), `[${S}] environment: ${describeQuirk(q)}`);
  for (const [k, v] of environment) ctx.env.set(`ENV_${k}`, v);
  return {
    nodaemon, silent, user, umask, logfile, logfile_maxbytes: logfileMaxbytes, logfile_backups: logfileBackups,
    loglevel, pidfile, identifier, childlogdir, directory, minfds, minprocs, nocleanup, strip_ansi: stripAnsi,
    environment: Object.fromEntries(environment),
  };
}

const FACTORY_KEY = 'supervisor.rpcinterface_factory';
/** Python entry points that exist wherever supervisord runs (or that the oracle stubs). */
export const KNOWN_ENTRY_POINTS = new Set([
  'supervisor.rpcinterface:make_main_rpcinterface',
  'supervisor.dispatchers:default_handler',
  'supervisor_stdout:event_handler',
]);

/** get_plugins for [rpcinterface:x]: the names, in section order. */
export function readRpcInterfaces(ctx: Ctx): string[] {
  const names: string[] = [];
  for (const section of ctx.store.sections.keys()) {
    if (!section.startsWith('rpcinterface:')) continue;
    const name = section.slice(section.indexOf(':') + 1);
    const spec = attempt(ctx, { section, key: FACTORY_KEY }, () => saneget(ctx, section, FACTORY_KEY, null), null);
    if (spec === null) {
      if (getOption(ctx.store, section, FACTORY_KEY) === undefined) {
        fail(ctx, { section }, new PyValueError(`section [${section}] does not specify a ${FACTORY_KEY}`), `add ${FACTORY_KEY} = supervisor.rpcinterface:make_main_rpcinterface`);
      }
      continue;
    }
    for (const k of optionNames(ctx.store, section)) {
      if (k !== FACTORY_KEY) attempt(ctx, { section, key: k }, () => saneget(ctx, section, k, null), null);
    }
    if (!KNOWN_ENTRY_POINTS.has(spec.trim())) {
      warn(ctx, locate(ctx, section, FACTORY_KEY), `[${section}] ${FACTORY_KEY}: pidone serves its own XML-RPC interface and ignores ${spec}`);
    }
    names.push(name);
  }
  return names;
}
