// The supervisor.* namespace of /RPC2 (supervisord.md 4.5): every method of supervisord 4.2.5,
// with its structs, faults and aliases, on top of Actions, GroupOps and Logs.
import type { ProcessInfo } from '../core/snapshot.ts';
import { signalNumber } from '../core/signals.ts';
import { STDIN_QUEUE_LIMIT } from '../io/child-stdin.ts';
import type { StreamName } from '../io/prefix.ts';
import type { ProgramSpec } from '../model/spec.ts';
import type { Outcome } from './actions.ts';
import { FAULTS, rpcFault } from './faults.ts';
import { MAIN_LOG, decodeLog } from './logs.ts';
import type { RpcEnv, RpcMethod } from './rpc-types.ts';
import { byGroupThenName, compareText, findProcess } from './views.ts';
import type { RpcValue } from './xmlrpc.ts';

/** supervisord's RPC API version: supervisorctl refuses to talk to anything else. */
const API_VERSION = '3.0';

const secs = (ms: number): number => Math.floor(ms / 1000);

/** The process name inside its group, as supervisord's `name` keys carry it. */
function shortName(name: string, group: string): string {
  return name.startsWith(`${group}:`) ? name.slice(group.length + 1) : name;
}

/** A single process by namespec, or BAD_NAME (groups and `all` are not processes). */
function processSpec(env: RpcEnv, name: unknown): ProgramSpec {
  const spec = findProcess(env.ctx, String(name));
  if (spec === undefined) throw rpcFault('BAD_NAME', String(name));
  return spec;
}

/** supervisord's process info struct, keys in its order. */
function infoStruct(p: ProcessInfo, spec: ProgramSpec | undefined): Record<string, RpcValue> {
  const out = spec?.stdout_logfile ?? '';
  return {
    name: shortName(p.name, p.group), group: p.group, start: secs(p.start), stop: secs(p.stop), now: secs(p.now),
    state: p.state, statename: p.statename, spawnerr: p.spawnerr, exitstatus: p.exitstatus,
    logfile: out, stdout_logfile: out, stderr_logfile: spec?.stderr_logfile ?? '', pid: p.pid, description: p.description,
  };
}

/** Every process, sorted by group then name as supervisord lists them. */
function allInfo(env: RpcEnv): Record<string, RpcValue>[] {
  const specs = new Map(env.ctx.config.current().programs.map((s) => [s.name, s]));
  return env.ctx.supervisor.snapshot()
    .filter((p) => specs.has(p.name))
    .sort(byGroupThenName)
    .map((p) => infoStruct(p, specs.get(p.name)));
}

/** A single-process outcome is `true` or its fault; group and `all` outcomes are result arrays. */
function answer(o: Outcome): RpcValue {
  if (!o.ok) throw rpcFault(o.fault, o.message.slice(o.fault.length + 2));
  if (o.scope === 'process') return true;
  return o.results.map((r) => ({ name: shortName(r.name, r.group), group: r.group, status: FAULTS[r.status as keyof typeof FAULTS] ?? FAULTS.FAILED, description: r.description }));
}

/** `name` must be a group for the *Group methods. */
function groupSpec(env: RpcEnv, name: unknown): string {
  const g = String(name);
  if (!env.ctx.config.current().programs.some((p) => p.group === g)) throw rpcFault('BAD_NAME', g);
  return `${g}:*`;
}

const wait = (v: RpcValue | undefined): boolean => v === undefined || v === true || v === 1;

function readLog(stream: StreamName): RpcMethod {
  return {
    sig: ['string', 'string', 'int', 'int'],
    help: `Read length bytes from name's ${stream} log starting at offset (negative offset with length 0: the last -offset bytes).`,
    run: (env, [name, offset, length]) => decodeLog(env.logs.read(processSpec(env, name).name, stream, Number(offset), Number(length))),
  };
}

function tailLog(stream: StreamName): RpcMethod {
  return {
    sig: ['array', 'string', 'int', 'int'],
    help: `Tail name's ${stream} log: [string bytes, int next offset, boolean overflow].`,
    run: (env, [name, offset, length]) => {
      const [data, next, overflow] = env.logs.tail(processSpec(env, name).name, stream, Number(offset), Number(length));
      return [decodeLog(data), next, overflow];
    },
  };
}

const clearProcessLogs: RpcMethod = {
  sig: ['boolean', 'string'],
  help: 'Clear the in-memory stdout and stderr logs of a process (pidone does not truncate log files).',
  run: (env, [name]) => {
    env.logs.clear(processSpec(env, name).name, ['stdout', 'stderr']);
    return true;
  },
};

const version: RpcMethod = { sig: ['string'], help: 'The RPC API version (3.0).', run: () => API_VERSION };
const mainLog: RpcMethod = {
  sig: ['string', 'int', 'int'],
  help: "Read length bytes from pidone's own log starting at offset.",
  run: (env, [offset, length]) => decodeLog(env.logs.read(MAIN_LOG, 'stdout', Number(offset), Number(length))),
};

/** supervisor.* by method name (without the namespace). */
export const SUPERVISOR_METHODS: Readonly<Record<string, RpcMethod>> = {
  getAPIVersion: version,
  getVersion: version,
  getSupervisorVersion: { sig: ['string'], help: "pidone's version.", run: () => PIDONE_VERSION },
  getIdentification: { sig: ['string'], help: 'The identifier from the config ([supervisord] identifier).', run: (env) => env.ctx.config.current().settings.identifier },
  getState: {
    sig: ['struct'], help: "pidone's state: {statecode, statename}.",
    run: (env) => (env.ctx.supervisor.phase === 'running' ? { statecode: 1, statename: 'RUNNING' } : { statecode: -1, statename: 'SHUTDOWN' }),
  },
  getPID: { sig: ['int'], help: "pidone's pid.", run: (env) => env.ctx.pid },
  getProcessInfo: {
    sig: ['struct', 'string'], help: 'Info about one process.',
    run: (env, [name]) => {
      const spec = processSpec(env, name);
      const p = env.ctx.supervisor.snapshot().find((i) => i.name === spec.name);
      if (p === undefined) throw rpcFault('BAD_NAME', String(name));
      return infoStruct(p, spec);
    },
  },
  getAllProcessInfo: { sig: ['array'], help: 'Info about every process.', run: allInfo },
  getAllConfigInfo: { sig: ['array'], help: 'The config of every process of the last-read config.', run: (env) => configInfo(env) },
  startProcess: { sig: ['boolean', 'string', 'boolean'], optional: 1, help: 'Start a process (group:* starts the group); with wait, until RUNNING.', run: async (env, [name, w]) => answer(await env.actions.start(String(name), wait(w))) },
  startProcessGroup: { sig: ['array', 'string', 'boolean'], optional: 1, help: 'Start every process of a group that is not running.', run: async (env, [name, w]) => answer(await env.actions.start(groupSpec(env, name), wait(w))) },
  startAllProcesses: { sig: ['array', 'boolean'], optional: 1, help: 'Start every process that is not running.', run: async (env, [w]) => answer(await env.actions.start('all', wait(w))) },
  stopProcess: { sig: ['boolean', 'string', 'boolean'], optional: 1, help: 'Stop a process (group:* stops the group); with wait, until stopped.', run: async (env, [name, w]) => answer(await env.actions.stop(String(name), wait(w))) },
  stopProcessGroup: { sig: ['array', 'string', 'boolean'], optional: 1, help: 'Stop every running process of a group.', run: async (env, [name, w]) => answer(await env.actions.stop(groupSpec(env, name), wait(w))) },
  stopAllProcesses: { sig: ['array', 'boolean'], optional: 1, help: 'Stop every running process.', run: async (env, [w]) => answer(await env.actions.stop('all', wait(w))) },
  signalProcess: { sig: ['boolean', 'string', 'any'], help: 'Send a signal (name or number) to a process.', run: (env, [name, sig]) => answer(env.actions.signal(String(name), sig as string | number)) },
  signalProcessGroup: { sig: ['array', 'string', 'any'], help: 'Send a signal to every process of a group.', run: (env, [name, sig]) => answer(env.actions.signal(groupSpec(env, name), sig as string | number)) },
  signalAllProcesses: { sig: ['array', 'any'], help: 'Send a signal to every process.', run: (env, [sig]) => answer(env.actions.signal('all', sig as string | number)) },
  readProcessStdoutLog: readLog('stdout'),
  readProcessLog: readLog('stdout'),
  readProcessStderrLog: readLog('stderr'),
  tailProcessStdoutLog: tailLog('stdout'),
  tailProcessLog: tailLog('stdout'),
  tailProcessStderrLog: tailLog('stderr'),
  clearProcessLogs,
  clearProcessLog: clearProcessLogs,
  clearAllProcessLogs: {
    sig: ['array'], help: 'Clear the in-memory logs of every process.',
    run: (env) => env.ctx.config.current().programs.map((s) => {
      env.logs.clear(s.name, ['stdout', 'stderr']);
      return { name: shortName(s.name, s.group), group: s.group, status: FAULTS.SUCCESS, description: 'OK' };
    }),
  },
  readLog: mainLog,
  readMainLog: mainLog,
  clearLog: { sig: ['boolean'], help: "Clear pidone's own in-memory log.", run: (env) => (env.logs.clear(MAIN_LOG, ['stdout']), true) },
  reloadConfig: {
    sig: ['array'], help: 'Read the config file again (applies nothing): [[added, changed, removed]] group names.',
    run: (env) => {
      const d = env.groups.reread();
      return [[d.added, d.changed, d.removed]];
    },
  },
  addProcessGroup: { sig: ['boolean', 'string'], help: 'Activate a group of the last-read config.', run: (env, [name]) => (env.groups.add(String(name)), true) },
  removeProcessGroup: { sig: ['boolean', 'string'], help: 'Remove a group whose processes are all stopped.', run: (env, [name]) => (env.groups.remove(String(name)), true) },
  shutdown: {
    sig: ['boolean'], help: 'Shut pidone down (answers before anything stops).',
    run: (env) => {
      setImmediate(() => env.ctx.supervisor.shutdown('shutdown requested by a control client'));
      return true;
    },
  },
  restart: {
    sig: ['boolean'], help: 'Restart every program as supervisord does: read the config file again, stop everything, start afresh (answers at once).',
    run: (env) => {
      setImmediate(() => void env.restartAll.run());
      return true;
    },
  },
  sendProcessStdin: {
    sig: ['boolean', 'string', 'string'], help: "Write chars (UTF-8) to a running process's stdin.",
    run: (env, [name, chars]) => {
      const spec = processSpec(env, name);
      const p = env.ctx.supervisor.snapshot().find((i) => i.name === spec.name);
      // supervisord: no pid, or being stopped (killing).
      if (p === undefined || p.pid === 0 || p.statename === 'STOPPING') throw rpcFault('NOT_RUNNING', String(name));
      const written = env.ctx.stdin?.write(spec.name, String(chars)) ?? 'none';
      if (written === 'ok') return true;
      if (written === 'full') throw rpcFault('FAILED', `${String(name)} is not reading its stdin (${STDIN_QUEUE_LIMIT} bytes wait)`);
      if (written === 'none') throw rpcFault('NO_FILE', `${String(name)} (its stdin is /dev/null; YAML: set stdin: pipe)`);
      throw rpcFault('NO_FILE', String(name));
    },
  },
  sendRemoteCommEvent: {
    sig: ['boolean', 'string', 'string'], duringShutdown: true,
    help: 'Send a REMOTE_COMMUNICATION event (type, data) to the event listeners that subscribe to it.',
    run: (env, [type, data]) => {
      env.ctx.events?.remote(String(type), String(data));
      return true;
    },
  },
};

function configInfo(env: RpcEnv): Record<string, RpcValue>[] {
  const known = env.groups.known;
  const active = new Set(env.ctx.config.current().programs.map((p) => p.group));
  const prio = new Map(known.groups.map((g) => [g.name, g.priority]));
  // supervisord shows an AUTO log by its file name once a running group made the file, and as
  // 'auto' in a config read again since (reloadConfig); pidone's AUTO "file" is its memory.
  const running = new Set(env.ctx.config.current().programs);
  const path = (s: ProgramSpec, v: string | null): string => (v === 'AUTO' && !running.has(s) ? 'auto' : v ?? 'none');
  return [...known.programs].sort((a, b) => compareText(a.name, b.name)).map((s) => ({
    autostart: s.autostart, command: typeof s.command === 'string' ? s.command : s.command.join(' '),
    directory: s.directory ?? 'none', exitcodes: [...s.exitcodes], group: s.group, group_prio: prio.get(s.group) ?? s.priority,
    inuse: active.has(s.group), killasgroup: s.killasgroup, name: shortName(s.name, s.group), process_prio: s.priority,
    redirect_stderr: s.redirect_stderr, serverurl: s.serverurl ?? 'none', startretries: s.startretries, startsecs: s.startsecs,
    stderr_capture_maxbytes: 0, stderr_events_enabled: s.stderr_events_enabled === true, stderr_logfile: path(s, s.stderr_logfile),
    stderr_logfile_backups: s.stderr_logfile_backups, stderr_logfile_maxbytes: s.stderr_logfile_maxbytes, stderr_syslog: false,
    stdout_capture_maxbytes: 0, stdout_events_enabled: s.stdout_events_enabled === true, stdout_logfile: path(s, s.stdout_logfile),
    stdout_logfile_backups: s.stdout_logfile_backups, stdout_logfile_maxbytes: s.stdout_logfile_maxbytes, stdout_syslog: false,
    stopsignal: signalNumber(s.stopsignal), stopwaitsecs: s.stopwaitsecs, uid: s.user ?? 'none',
  }));
}
