// One program-type section into its processes: supervisord's _processes_from_section, line by
// line. The expansion dict is one object mutated along the way, exactly as in Python, because
// that decides what each key can see: process_num/numprocs and the program's own environment=
// (as ENV_X) only exist for keys read inside the per-process loop, and ENV_ names of process 0
// stay visible to process 1.
import type { SourcePos } from '../model/spec.ts';
import { attempt, fail, locate, saneget, warn, type Ctx, type Site } from './ini-context.ts';
import { describeQuirk, dictOfKeyValuePairs, type EnvQuirk } from './ini-environment.ts';
import { expand, updateDict, type PyDict } from './ini-expand.ts';
import { readProgramExtensions, type ProgramExtensions } from './ini-extensions.ts';
import { pyCompare, pyStrip, PyValueError } from './ini-py.ts';
import {
  autoRestart, boolean, byteSize, HINTS, integer, listOfExitcodes, logfileName, octalType, processOrGroupName, signalName, signalNumber,
} from './ini-values.ts';

/** Every value supervisord keeps for one process (a ProcessConfig), plus pidone's extensions. */
export interface IniProcess {
  readonly name: string;
  readonly command: string;
  readonly directory: string | null;
  readonly umask: number | null;
  readonly priority: number;
  readonly autostart: boolean;
  readonly autorestart: true | false | 'unexpected';
  readonly startsecs: number;
  readonly startretries: number;
  readonly exitcodes: readonly number[];
  readonly stopsignal: string;
  readonly stopwaitsecs: number;
  readonly stopasgroup: boolean;
  readonly killasgroup: boolean;
  /** As written (after expansion); supervisord resolves it to a uid. */
  readonly user: string | null;
  /** The program's own pairs; ini.ts merges [supervisord] environment= under them. */
  environment: Readonly<Record<string, string>>;
  readonly redirect_stderr: boolean;
  readonly serverurl: string | null;
  readonly stdout: IniChannel;
  readonly stderr: IniChannel;
  readonly ext: ProgramExtensions;
  readonly section: string;
  readonly source: SourcePos;
}

export interface IniChannel {
  /** A path, 'AUTO', or null (NONE/OFF, redirected stderr, or the deprecated `syslog`). */
  readonly logfile: string | null;
  readonly logfile_maxbytes: number;
  readonly logfile_backups: number;
  readonly capture_maxbytes: number;
  readonly events_enabled: boolean;
  readonly syslog: boolean;
}

// More than this is a typo (numprocs=10000000), not a plan; supervisord would try anyway.
const MAX_NUMPROCS = 10000;

/** processes_from_section(parser, section, group_name): the processes, sorted by (priority, name). */
export function processesFromSection(ctx: Ctx, section: string, groupName: string): IniProcess[] {
  const site = (key?: string): Site => ({ section, key, wrap: true });
  const tail = section.slice(section.indexOf(':') + 1);
  const programName = attempt(ctx, site(), () => processOrGroupName(tail), pyStrip(tail), HINTS.name);
  const common: PyDict = new Map<string, string | number>([
    ['here', ctx.here], ['program_name', programName], ['host_node_name', ctx.hostname], ['group_name', groupName],
  ]);
  const get = <D>(key: string, dflt: D, expansions?: PyDict, doExpand = true): string | D => {
    const k = expansions ?? new Map();
    updateDict(k, common);
    return saneget(ctx, section, key, dflt, k, doExpand);
  };
  const field = <T>(key: string, fn: () => T, fallback: T, hint?: string): T => attempt(ctx, site(key), fn, fallback, hint);

  const priority = field('priority', () => integer(get('priority', 999)), 999, HINTS.integer);
  const autostart = field('autostart', () => boolean(get('autostart', 'true')), true, HINTS.boolean);
  const autorestart = field('autorestart', () => autoRestart(get('autorestart', 'unexpected')), 'unexpected' as const, HINTS.autorestart);
  const startsecs = field('startsecs', () => integer(get('startsecs', 1)), 1, HINTS.integer);
  const startretries = field('startretries', () => integer(get('startretries', 3)), 3, HINTS.integer);
  const stopsignal = field('stopsignal', () => signalNumber(get('stopsignal', 'TERM')), 15, HINTS.signal);
  const stopwaitsecs = field('stopwaitsecs', () => integer(get('stopwaitsecs', 10)), 10, HINTS.integer);
  const stopasgroup = field('stopasgroup', () => boolean(get('stopasgroup', 'false')), false, HINTS.boolean);
  const killasgroup = field('killasgroup', () => boolean(get('killasgroup', stopasgroup)), stopasgroup, HINTS.boolean);
  const exitcodes = field('exitcodes', () => listOfExitcodes(get('exitcodes', '0')), [0], HINTS.exitcodes);
  const redirectStderr = field('redirect_stderr', () => boolean(get('redirect_stderr', 'false')), false, HINTS.boolean);
  const numprocs = field('numprocs', () => integer(get('numprocs', 1)), 1, HINTS.integer);
  const numprocsStart = field('numprocs_start', () => integer(get('numprocs_start', 0)), 0, HINTS.integer);
  const environmentStr = get('environment', '', undefined, false);
  const capture = {
    stdout: field('stdout_capture_maxbytes', () => byteSize(get('stdout_capture_maxbytes', '0')), 0, HINTS.byteSize),
    stdoutEvents: field('stdout_events_enabled', () => boolean(get('stdout_events_enabled', 'false')), false, HINTS.boolean),
    stderr: field('stderr_capture_maxbytes', () => byteSize(get('stderr_capture_maxbytes', '0')), 0, HINTS.byteSize),
    stderrEvents: field('stderr_events_enabled', () => boolean(get('stderr_events_enabled', 'false')), false, HINTS.boolean),
  };
  let serverurl = field('serverurl', () => get('serverurl', null), null);
  if (serverurl && pyStrip(serverurl).toUpperCase() === 'AUTO') serverurl = null;
  const user = field('user', () => get('user', null), null);
  const umask = field('umask', () => {
    const v = get('umask', null);
    return v === null ? null : octalType(v);
  }, null, HINTS.octal);
  const processName = field('process_name', () => processOrGroupName(get('process_name', '%(program_name)s', undefined, false)), '%(program_name)s', HINTS.name);
  // Processes that would all get the same name are not worth building.
  const unnamed = numprocs > 1 && !processName.includes('%(process_num)');
  if (unnamed) {
    fail(ctx, site('process_name'), new PyValueError('%(process_num) must be present within process_name when numprocs > 1'),
      `write process_name=%(program_name)s_%(process_num)02d`);
  }
  if (stopasgroup && !killasgroup) {
    fail(ctx, site('killasgroup'), new PyValueError('Cannot set stopasgroup=true and killasgroup=false'), 'remove killasgroup=false (stopasgroup implies it)');
  }
  if (unnamed) return [];
  if (numprocs > MAX_NUMPROCS) {
    fail(ctx, { ...site('numprocs'), pidone: true }, new PyValueError(`numprocs=${numprocs} is more than pidone runs (at most ${MAX_NUMPROCS})`));
    return [];
  }

  const sec = ctx.store.sections.get(section);
  const source: SourcePos = { file: sec?.file ?? ctx.configfile, line: sec?.line ?? 0 };
  const out: IniProcess[] = [];
  for (let processNum = numprocsStart; processNum < numprocs + numprocsStart; processNum++) {
    const expansions = common;
    updateDict(expansions, new Map<string, string | number>([['process_num', processNum], ['numprocs', numprocs]]));
    updateDict(expansions, ctx.env);
    const quirks: EnvQuirk[] = [];
    const environment = field('environment', () => dictOfKeyValuePairs(expand(environmentStr, expansions, 'environment'), quirks), new Map<string, string>());
    for (const q of quirks) warn(ctx, locate(ctx, section, 'environment'), `[${section}] environment: ${describeQuirk(q)}`);
    for (const [k, v] of environment) expansions.set(`ENV_${k}`, v);
    const directory = field('directory', () => get('directory', null), null);
    const channel = (ch: 'stdout' | 'stderr'): IniChannel => {
      const lfKey = `${ch}_logfile`;
      const raw = field(lfKey, () => {
        const v = get<'AUTO'>(lfKey, 'AUTO');
        return logfileName(getOwn(ctx, section, lfKey) ? expand(v, expansions, lfKey) : v, ctx.home);
      }, 'AUTO');
      const backups = field(`${ch}_logfile_backups`, () => integer(get(`${ch}_logfile_backups`, 10)), 10, HINTS.integer);
      const maxbytes = field(`${ch}_logfile_maxbytes`, () => byteSize(get(`${ch}_logfile_maxbytes`, '50MB')), 52428800, HINTS.byteSize);
      let syslog = field(`${ch}_syslog`, () => boolean(get(`${ch}_syslog`, false)), false, HINTS.boolean);
      let logfile = raw;
      if (typeof raw === 'object' && raw !== null) {
        warn(ctx, locate(ctx, section, lfKey), `[${section}] ${lfKey}=syslog is deprecated; write ${ch}_syslog=true instead`,
          `For [${section}], ${lfKey}=syslog but this is deprecated and will be removed.  Use ${ch}_syslog=true to enable syslog instead.`);
        logfile = null;
        syslog = true;
      }
      if (logfile === 'AUTO' && !maxbytes) {
        warn(ctx, locate(ctx, section, `${ch}_logfile_maxbytes`), `[${section}] ${lfKey} is AUTO (a file in childlogdir) without rotation (maxbytes=0), so it grows without bound; set ${ch}_logfile_maxbytes`,
          `For [${section}], AUTO logging used for ${lfKey} without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally`);
      }
      return {
        logfile: logfile as string | null, logfile_maxbytes: maxbytes, logfile_backups: backups,
        capture_maxbytes: ch === 'stdout' ? capture.stdout : capture.stderr,
        events_enabled: ch === 'stdout' ? capture.stdoutEvents : capture.stderrEvents, syslog,
      };
    };
    const stdout = channel('stdout');
    let stderr = channel('stderr');
    if (redirectStderr) {
      if (stderr.logfile !== 'AUTO' && stderr.logfile !== null) {
        warn(ctx, locate(ctx, section, 'stderr_logfile'), `[${section}] stderr_logfile is ignored because redirect_stderr=true sends stderr to stdout's log`,
          `For [${section}], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored`);
      }
      stderr = { ...stderr, logfile: null };
    }
    const command = field('command', () => get('command', null, expansions), null);
    if (command === null) {
      if (!getOwn(ctx, section, 'command')) {
        fail(ctx, site(), new PyValueError(`program section ${section} does not specify a command`), 'add command=/path/to/program and its arguments');
      }
      continue;
    }
    const name = field('process_name', () => expand(processName, expansions, 'process_name'), programName);
    const ext = readProgramExtensions({
      get: (key) => (getOwn(ctx, section, key) ? attempt(ctx, { section, key, pidone: true }, () => get(key, ''), undefined) : undefined),
      fail: (key, message) => fail(ctx, { section, key, pidone: true }, new PyValueError(message)),
      here: ctx.here,
    });
    if (ext.schedule !== null && getOwn(ctx, section, 'autorestart')) {
      warn(ctx, locate(ctx, section, 'autorestart'), `[${section}] autorestart is ignored: a scheduled program runs once per due time and is never restarted`);
    }
    out.push({
      name, command, directory, umask, priority, autostart, autorestart, startsecs, startretries, exitcodes,
      stopsignal: signalName(stopsignal), stopwaitsecs, stopasgroup, killasgroup, user,
      environment: Object.fromEntries(environment), redirect_stderr: redirectStderr, serverurl,
      stdout, stderr, ext, section, source,
    });
  }
  return out.sort((a, b) => a.priority - b.priority || pyCompare(a.name, b.name));
}

/** Whether the section (or [DEFAULT]) sets the key at all. */
function getOwn(ctx: Ctx, section: string, key: string): boolean {
  return ctx.store.sections.get(section)?.options.has(key) === true || ctx.store.defaults.has(key);
}
