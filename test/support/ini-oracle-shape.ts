// Turns parseIni's result into the JSON shape /work/shared/corpus/oracle.py prints for real
// supervisord, so the two can be compared with deepStrictEqual. The mapping is the only place
// where the representations differ (autorestart true vs "true", umask 18 vs "0o22", ...).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IniProcessGroup, IniResult, IniOptions } from '../../src/config/ini.ts';
import { parseIni } from '../../src/config/ini.ts';
import { pyAbspath } from '../../src/config/ini-pypath.ts';
import { userOrId } from '../../src/config/ini-values.ts';

const EVENT_CLASSES: Readonly<Record<string, string>> = {
  EVENT: 'Event', PROCESS_STATE: 'ProcessStateEvent', PROCESS_STATE_STOPPED: 'ProcessStateStoppedEvent',
  PROCESS_STATE_EXITED: 'ProcessStateExitedEvent', PROCESS_STATE_STARTING: 'ProcessStateStartingEvent',
  PROCESS_STATE_STOPPING: 'ProcessStateStoppingEvent', PROCESS_STATE_BACKOFF: 'ProcessStateBackoffEvent',
  PROCESS_STATE_FATAL: 'ProcessStateFatalEvent', PROCESS_STATE_RUNNING: 'ProcessStateRunningEvent',
  PROCESS_STATE_UNKNOWN: 'ProcessStateUnknownEvent', PROCESS_COMMUNICATION: 'ProcessCommunicationEvent',
  PROCESS_COMMUNICATION_STDOUT: 'ProcessCommunicationStdoutEvent', PROCESS_COMMUNICATION_STDERR: 'ProcessCommunicationStderrEvent',
  PROCESS_LOG: 'ProcessLogEvent', PROCESS_LOG_STDOUT: 'ProcessLogStdoutEvent', PROCESS_LOG_STDERR: 'ProcessLogStderrEvent',
  REMOTE_COMMUNICATION: 'RemoteCommunicationEvent', SUPERVISOR_STATE_CHANGE: 'SupervisorStateChangeEvent',
  SUPERVISOR_STATE_CHANGE_RUNNING: 'SupervisorRunningEvent', SUPERVISOR_STATE_CHANGE_STOPPING: 'SupervisorStoppingEvent',
  TICK: 'TickEvent', TICK_5: 'Tick5Event', TICK_60: 'Tick60Event', TICK_3600: 'Tick3600Event',
  PROCESS_GROUP: 'ProcessGroupEvent', PROCESS_GROUP_ADDED: 'ProcessGroupAddedEvent', PROCESS_GROUP_REMOVED: 'ProcessGroupRemovedEvent',
};

/** Python's oct(). */
export function pyOct(n: number): string {
  return (n < 0 ? '-0o' : '0o') + Math.abs(n).toString(8);
}

function processShape(g: IniProcessGroup, i: number): Record<string, unknown> {
  const p = g.processes[i];
  const x = g.extras[i];
  if (!p || !x) throw new Error('process and extras out of step');
  return {
    name: p.name, command: p.command, directory: p.directory, umask: p.umask === null ? null : pyOct(p.umask),
    priority: p.priority, autostart: p.autostart, autorestart: String(p.autorestart), startsecs: p.startsecs,
    startretries: p.startretries, exitcodes: [...p.exitcodes], stopsignal: p.stopsignal, stopwaitsecs: p.stopwaitsecs,
    stopasgroup: p.stopasgroup, killasgroup: p.killasgroup, user: p.user === null ? null : userOrId(p.user),
    environment: { ...p.environment }, redirect_stderr: p.redirect_stderr, serverurl: p.serverurl,
    stdout_logfile: p.stdout_logfile, stdout_logfile_maxbytes: p.stdout_logfile_maxbytes, stdout_logfile_backups: p.stdout_logfile_backups,
    stdout_capture_maxbytes: x.stdout_capture_maxbytes, stdout_events_enabled: x.stdout_events_enabled, stdout_syslog: x.stdout_syslog,
    stderr_logfile: p.stderr_logfile, stderr_logfile_maxbytes: p.stderr_logfile_maxbytes, stderr_logfile_backups: p.stderr_logfile_backups,
    stderr_capture_maxbytes: x.stderr_capture_maxbytes, stderr_events_enabled: x.stderr_events_enabled, stderr_syslog: x.stderr_syslog,
  };
}

/** The oracle's JSON for this result (accepted/error, warnings, and on success every value). */
export function oracleShape(r: IniResult): Record<string, unknown> {
  if (r.upstream.error !== null) return { accepted: false, error: r.upstream.error, warnings: r.upstream.warnings };
  const s = r.supervisord;
  // oracle.py labels a group "group" when any [group:x] section has its name.
  const hetero = new Set(r.process_groups.filter((g) => g.kind === 'group').map((g) => g.name));
  return {
    accepted: true,
    warnings: r.upstream.warnings,
    infos: r.upstream.infos,
    supervisord: {
      nodaemon: s.nodaemon, silent: s.silent, user: s.user, umask: pyOct(s.umask), logfile: s.logfile,
      logfile_maxbytes: s.logfile_maxbytes, logfile_backups: s.logfile_backups, loglevel: s.loglevel, pidfile: s.pidfile,
      identifier: s.identifier, childlogdir: s.childlogdir, directory: s.directory, minfds: s.minfds, minprocs: s.minprocs,
      nocleanup: s.nocleanup, strip_ansi: s.strip_ansi, environment: { ...s.environment },
    },
    rpcinterfaces: r.rpcinterfaces,
    servers: r.servers.map((v) => ({
      section: v.section, name: v.name, family: v.family, username: v.username, password: v.password,
      ...(v.family === 'unix'
        ? { file: v.file, chmod: pyOct(v.chmod ?? 0), chown: [...(v.chown ?? [])] }
        : { host: v.host, port: v.port }),
    })),
    groups: r.process_groups.map((g) => ({
      name: g.name,
      kind: (g.kind === 'program' || g.kind === 'group') && hetero.has(g.name) ? 'group' : g.kind,
      priority: g.priority,
      ...(g.listener
        ? {
          buffer_size: g.listener.buffer_size,
          events: g.listener.events.map((e) => EVENT_CLASSES[e] ?? e).sort(),
          result_handler: g.listener.result_handler,
        }
        : {}),
      process_names: g.processes.map((p) => p.name),
      processes: g.processes.map((_, i) => processShape(g, i)),
    })),
  };
}

/** Replaces `base` by "<corpus>" in every string, as oracle.py scrubs its output. */
export function scrub<T>(value: T, base: string): T {
  if (typeof value === 'string') return value.split(base).join('<corpus>') as T;
  if (Array.isArray(value)) return value.map((v) => scrub(v, base)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, base)])) as T;
  }
  return value;
}

export interface OracleRun {
  readonly env: Record<string, string>;
  /** oracle.py's CORPUS: patterns under it are globbed for real, others re-rooted. */
  readonly corpus: string;
  /** The file's `<name>.root` directory, or null. */
  readonly root: string | null;
}

/** parseIni with the stubs oracle.py applies (hostname, env, tempdir, re-rooted includes). */
export function parseLikeOracle(file: string, run: OracleRun, fragment: boolean, env = run.env, extra: Partial<IniOptions> = {}): IniResult {
  const root = !fragment && run.root && existsSync(run.root) ? run.root : '/nonexistent-oracle-empty-root';
  const opts: IniOptions = {
    env, hostname: 'oracle-host', tempdir: '/tmp', cwd: '/', fragment,
    rerootInclude: (p) => (p.startsWith(run.corpus + '/') ? p : root + pyAbspath(p, '/')),
    ...extra,
  };
  return parseIni(file, opts);
}

/**
 * Where the corpus of real supervisord.conf files and its oracle live: the copy in
 * test/fixtures/corpus (from ../shared/corpus, provenance in its SOURCES.md), so a fresh clone
 * has it. PIDONE_CORPUS points at another copy.
 */
export const SHARED_CORPUS = process.env.PIDONE_CORPUS ?? fileURLToPath(new URL('../fixtures/corpus', import.meta.url));
const ORACLE = `${SHARED_CORPUS}/oracle.py`;
const WRAPPER = fileURLToPath(new URL('./ini-oracle.py', import.meta.url));
/** Whether the real parser can run here (CI installs Debian's `supervisor`). */
export const ORACLE_LIVE = existsSync('/usr/lib/python3/dist-packages/supervisor') && existsSync(ORACLE);
// What the oracle process sees of the host; compareWithOracle mirrors it.
const ORACLE_ENV = { PATH: '/usr/bin:/bin', HOME: '/home/oracle', TMPDIR: '/tmp', LANG: 'C.UTF-8' };

type Json = Record<string, unknown>;

/** Runs the real parser on files under `base` (its CORPUS); results by basename. */
export function runOracle(base: string, files: readonly string[]): { results: Record<string, Json>; error: string | null } {
  const r = spawnSync('/usr/bin/python3', [WRAPPER, ORACLE, base, ...files], {
    cwd: '/', env: ORACLE_ENV, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) return { results: {}, error: r.stderr || `exit ${r.status}` };
  return { results: JSON.parse(r.stdout) as Record<string, Json>, error: null };
}

// The keys of an oracle result that describe the parse (the rest is provenance).
function verdict(o: Json): Json {
  const { file, supervisor_version, here, include_root, env, stubs, without_env_error, as_fragment, wrapper, ...rest } = o;
  void [file, supervisor_version, here, include_root, env, stubs, without_env_error, as_fragment, wrapper];
  return rest;
}

/** Asserts parseIni agrees with one oracle result: as is, as a conf.d fragment, and without env. */
export function compareWithOracle(path: string, expected: Json, corpus: string, base: string): void {
  assert.equal(expected.crash, undefined, `supervisord's parser crashed: ${String(expected.crash)}`);
  const run: OracleRun = { env: expected.env as Record<string, string>, corpus, root: path.replace(/\.conf$/, '.root') };
  const opts = { home: ORACLE_ENV.HOME };
  assert.deepStrictEqual(scrub(oracleShape(parseLikeOracle(path, run, false, run.env, opts)), base), verdict(expected), 'main parse');
  if (expected.as_fragment) {
    const frag = scrub(oracleShape(parseLikeOracle(path, run, true, run.env, opts)), base);
    assert.deepStrictEqual(frag, verdict(expected.as_fragment as Json), 'parsed as a conf.d fragment');
  }
  if ('without_env_error' in expected) {
    const bare = parseLikeOracle(path, run, false, {}, opts);
    assert.equal(scrub(bare.upstream.error, base), expected.without_env_error, 'parsed without the environment');
  }
}
