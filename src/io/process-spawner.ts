// The real Spawner: runs a program through the addon's fork/exec (own process group, clean
// signal state, user/groups/umask/directory), its stdout and stderr through pipes into the
// log sink, its exit from the reaper. Errors are worded like supervisord's spawn errors.
import { closeSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { ChildHandle, ExitStatus, Spawner } from '../core/ports.ts';
import type { ProgramSpec } from '../model/spec.ts';
import { envp, type Addon } from './addon.ts';
import { resolveExecutable } from './executable.ts';
import { trySignal } from './leftovers.ts';
import type { LogSink } from './log-sink-api.ts';
import type { Reaper } from './reaper.ts';
import { shlexSplit } from './shlex.ts';
import { signalNumber } from './signals.ts';
import { lookupUser } from './users.ts';

export interface ProcessSpawnerDeps {
  readonly addon: Addon;
  readonly reaper: Reaper;
  readonly sink: LogSink;
  /** pidone's own environment: the base of every program's. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** SUPERVISOR_SERVER_URL for the children (the control socket), if any. */
  readonly serverUrl: string | null;
  /** Our effective uid: only root may switch users. */
  readonly euid: number;
  /** NOTIFY_SOCKET for a program about to spawn, or null when it does not use sd_notify. */
  readonly notifySocket?: (spec: ProgramSpec) => string | null;
}

// Output written just before exit should be printed before the "exited:" line, but a
// grandchild holding the pipe open must not delay the exit event for long.
const PIPE_DRAIN_MS = 100;

/** The argv a spec runs: exec form as is, YAML strings under /bin/sh -c, INI strings shlex-split. */
export function commandArgv(spec: ProgramSpec): string[] {
  if (typeof spec.command !== 'string') return [...spec.command];
  if (spec.shell) return ['/bin/sh', '-c', spec.command];
  let argv: string[];
  try {
    argv = shlexSplit(spec.command);
  } catch (err) {
    throw new Error(`can't parse command '${spec.command}': ${(err as Error).message}`);
  }
  if (argv.length === 0) throw new Error('command is empty');
  return argv;
}

/** The environment a program starts with (supervisord 1.13, plus HOME/USER/LOGNAME for `user`). */
export function childEnv(spec: ProgramSpec, base: Readonly<Record<string, string | undefined>>, serverUrl: string | null, home: string | null): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.SUPERVISOR_ENABLED = '1';
  if (serverUrl) env.SUPERVISOR_SERVER_URL = serverUrl;
  env.SUPERVISOR_PROCESS_NAME = spec.name;
  env.SUPERVISOR_GROUP_NAME = spec.group;
  if (spec.user && home !== null) {
    env.HOME = home;
    env.USER = spec.user;
    env.LOGNAME = spec.user;
  }
  return Object.assign(env, spec.environment);
}

/** What went wrong in the child before exec, worded as supervisord words it. */
function spawnFailure(err: NodeJS.ErrnoException, spec: ProgramSpec, file: string): Error {
  const code = err.code ?? 'EUNKNOWN';
  switch (err.syscall) {
    case 'chdir': return new Error(`couldn't chdir to ${spec.directory}: ${code}`);
    case 'setuid': case 'setgid': case 'setgroups': return new Error(`couldn't setuid to ${spec.user}: ${code}`);
    case 'execve': return new Error(`couldn't exec ${file}: ${code}`);
    default: return new Error(`couldn't spawn ${file}: ${err.syscall ?? 'fork'}: ${code}`);
  }
}

export class ProcessSpawner implements Spawner {
  readonly #d: ProcessSpawnerDeps;

  constructor(deps: ProcessSpawnerDeps) {
    this.#d = deps;
  }

  spawn(spec: ProgramSpec, exit: (status: ExitStatus) => void): ChildHandle {
    const { addon, reaper, sink } = this.#d;
    const argv = commandArgv(spec);
    let account = null;
    if (spec.user !== null) {
      account = lookupUser(spec.user);
      if (!account) throw new Error(`couldn't find user '${spec.user}' (no such user in /etc/passwd)`);
      if (account.uid !== this.#d.euid && this.#d.euid !== 0) {
        throw new Error(`couldn't setuid to ${account.uid}: can't drop privilege as nonroot user`);
      }
    }
    const env = childEnv(spec, this.#d.baseEnv, this.#d.serverUrl, account?.home ?? null);
    const notify = this.#d.notifySocket?.(spec);
    if (notify) env.NOTIFY_SOCKET = notify;
    const found = resolveExecutable(argv[0]!, env.PATH);
    if (!found.ok) {
      const what = found.code === 'ENOENT' ? `can't find command '${argv[0]}'`
        : found.code === 'EISDIR' ? `command at '${argv[0]}' is a directory`
          : `command at '${argv[0]}' is not executable`;
      throw new Error(what);
    }
    // Every descriptor is made under the try that closes it: running out of descriptors
    // halfway (the second pipe, /dev/null) must not leak those already made.
    let [outRead, outWrite, errRead, errWrite, devNull] = [-1, -1, -1, -1, -1];
    let pid: number;
    try {
      [outRead, outWrite] = addon.pipe();
      [errRead, errWrite] = spec.redirect_stderr ? [-1, outWrite] : addon.pipe();
      devNull = openSync('/dev/null', 'r');
      pid = addon.spawn({
        file: found.path,
        argv,
        envp: envp(env),
        cwd: spec.directory ?? undefined,
        umask: spec.umask ?? undefined,
        uid: account && account.uid !== this.#d.euid ? account.uid : undefined,
        gid: account && account.uid !== this.#d.euid ? account.gid : undefined,
        groups: account && account.uid !== this.#d.euid ? account.groups : undefined,
        pgroup: 1,
        stdio: [devNull, outWrite, errWrite],
      });
    } catch (err) {
      if (outRead >= 0) closeSync(outRead);
      if (errRead >= 0) closeSync(errRead);
      throw spawnFailure(err as NodeJS.ErrnoException, spec, found.path);
    } finally {
      if (devNull >= 0) closeSync(devNull);
      if (outWrite >= 0) closeSync(outWrite);
      if (errRead >= 0) closeSync(errWrite);
    }
    let open = 0;
    let status: ExitStatus | null = null;
    let drainTimer: NodeJS.Timeout | null = null;
    const deliver = (): void => {
      if (status === null) return;
      const s = status;
      status = null;
      if (drainTimer) clearTimeout(drainTimer);
      exit(s);
    };
    for (const [fd, stream] of [[outRead, 'stdout'], [errRead, 'stderr']] as const) {
      if (fd < 0) continue;
      open++;
      const socket = new Socket({ fd, readable: true, writable: false });
      socket.on('close', () => {
        if (--open === 0) deliver();
      });
      sink.attach(spec.name, stream, socket);
    }
    reaper.watch(pid, (s) => {
      status = s;
      if (open === 0) deliver();
      else drainTimer = setTimeout(deliver, PIPE_DRAIN_MS);
    });
    return {
      pid,
      kill(signal: string, group: boolean): void {
        trySignal(group ? -pid : pid, signalNumber(signal) ?? signal);
      },
    };
  }
}

/** Runs a readiness-probe command with the program's environment, output discarded. */
export function probeCommandRunner(deps: Pick<ProcessSpawnerDeps, 'addon' | 'reaper' | 'baseEnv' | 'serverUrl'>) {
  return (spec: ProgramSpec, command: string | readonly string[], timeoutMs: number): Promise<ExitStatus | null> =>
    new Promise((resolve, reject) => {
      const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : [...command];
      const env = childEnv(spec, deps.baseEnv, deps.serverUrl, null);
      const found = resolveExecutable(argv[0]!, env.PATH);
      if (!found.ok) return reject(new Error(found.message));
      const devNull = openSync('/dev/null', 'r+');
      let pid: number;
      try {
        pid = deps.addon.spawn({
          file: found.path, argv, envp: envp(env),
          cwd: spec.directory ?? undefined, pgroup: 1, stdio: [devNull, devNull, devNull],
        });
      } catch (err) {
        return reject(err as Error);
      } finally {
        closeSync(devNull);
      }
      const timer = setTimeout(() => {
        trySignal(-pid, 'SIGKILL');
        resolve(null);
      }, timeoutMs);
      deps.reaper.watch(pid, (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
}
