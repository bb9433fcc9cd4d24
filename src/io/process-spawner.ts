// The real Spawner: runs a program through the addon's fork/exec (own process group, clean
// signal state, user/groups/umask/directory), its stdout and stderr through pipes into the
// log sink (an event listener's stdout to its protocol instead), its stdin a pipe pidone keeps
// (stdin: pipe) or /dev/null, its exit from the reaper. Errors are typed (core/spawn-error.ts) and worded like
// supervisord's spawn errors; signals keep the core's contract (core/ports.ts): never a throw,
// `gone` for a process that was reaped, never a signal to a pid or group that may be reused.
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { Socket } from 'node:net';
import type { ChildEvents, ChildHandle, ExitStatus, KillOutcome, SpawnOutcome, Spawner } from '../core/ports.ts';
import type { SpawnError, SpawnErrorKind } from '../core/spawn-error.ts';
import type { ProgramSpec } from '../model/spec.ts';
import type { Addon } from './addon.ts';
import { EnvTemplate } from './child-env.ts';
import { resolveExecutable } from './executable.ts';
import { type CgroupTree, type ProgramCgroup, wantsCgroup } from './cgroups.ts';
import { FdLimitError, fdReserve, isFdLimit } from './fd-reserve.ts';
import { StdinPipe, type StdioObserver } from './child-stdin.ts';
import { limitFailure, limitRequest } from './limits.ts';
import type { LogSink } from './log-sink-api.ts';
import type { Reaper } from './reaper.ts';
import { shellArgv } from './shell-command.ts';
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
  /** Gets each stdin pipe (sendProcessStdin) and each event listener's stdout (its protocol). */
  readonly stdio?: StdioObserver;
  /** Per-program cgroups (programs with cgroup limits), where the hierarchy allows them. */
  readonly cgroups?: CgroupTree | null;
}

/** stdin is a pipe pidone keeps open: asked for, or an event listener's (its events come on it). */
function pipesStdin(spec: ProgramSpec): boolean {
  return spec.stdin === 'pipe' || spec.eventlistener !== undefined;
}

// Output written just before exit should be printed before the "exited:" line, but a
// grandchild holding the pipe open must not delay the exit event for long.
const PIPE_DRAIN_MS = 100;

/** A spawn error. */
function failure(kind: SpawnErrorKind, message: string, errno?: string): SpawnError {
  return errno === undefined ? { kind, message } : { kind, message, errno };
}

/** The argv a spec runs: exec form as is, YAML strings under /bin/sh -c, INI strings shlex-split. */
export function commandArgv(spec: ProgramSpec): { ok: true; argv: string[] } | { ok: false; error: SpawnError } {
  if (typeof spec.command !== 'string') return { ok: true, argv: [...spec.command] };
  if (spec.shell) return { ok: true, argv: shellArgv(spec.command) };
  let argv: string[];
  try {
    argv = shlexSplit(spec.command);
  } catch (err) {
    return { ok: false, error: failure('bad_command', `can't parse command '${spec.command}': ${(err as Error).message}`) };
  }
  if (argv.length === 0) return { ok: false, error: failure('bad_command', 'command is empty') };
  return { ok: true, argv };
}

/** What went wrong in the child before exec (the addon names the step), as a typed error. */
export function childFailure(err: NodeJS.ErrnoException, spec: ProgramSpec, file: string): SpawnError {
  const code = err.code ?? 'EUNKNOWN';
  switch (err.syscall) {
    case 'chdir':
      return failure('bad_directory', `couldn't chdir to ${spec.directory}: ${code}`, code);
    case 'setuid': case 'setgid': case 'setgroups':
      return failure('privilege', `couldn't setuid to ${spec.user}: ${code}`, code);
    case 'execve':
      if (code === 'ENOENT') return failure('not_found', `couldn't exec ${file}: ${code}`, code);
      if (code === 'E2BIG' || code === 'ENOMEM') return failure('resources', `couldn't exec ${file}: ${code}`, code);
      return failure('not_executable', `couldn't exec ${file}: ${code}`, code);
    default:
      return failure('resources', `couldn't spawn ${file}: ${err.syscall ?? 'fork'}: ${code}`, code);
  }
}

/** Why a command cannot be run (not found, not executable), worded as supervisord's, or null. */
function notRunnable(file: string, path: string | undefined): SpawnError | null {
  const found = resolveExecutable(file, path);
  if (found.ok) return null;
  if (found.code === 'ENOENT') return failure('not_found', `can't find command '${file}'`, 'ENOENT');
  const what = found.code === 'EISDIR' ? `command at '${file}' is a directory` : `command at '${file}' is not executable`;
  return failure('not_executable', what, found.code);
}

const errnos = constants.errno as Readonly<Record<string, number>>;
const { ESRCH, EPERM } = errnos;
const errnoNames = new Map(Object.entries(errnos).map(([name, n]) => [n, name]));

/**
 * Sends a signal; ESRCH means the target is gone, anything else is a failure to report. Through
 * the addon, which answers an errno: process.kill builds an exception for each ESRCH.
 */
function send(addon: Addon, target: number, signal: string): KillOutcome {
  const signo = signalNumber(signal);
  if (signo === undefined) {
    try {
      process.kill(target, signal);
    } catch (err) {
      return { kind: 'failed', error: `couldn't send SIG${signal} to ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
    return { kind: 'sent' };
  }
  const err = addon.kill(target, signo);
  if (err === 0) return { kind: 'sent' };
  if (err === ESRCH) return { kind: 'gone' };
  return { kind: 'failed', error: `couldn't send SIG${signal} to ${target}: ${errnoNames.get(err) ?? err}` };
}

/** Some process of group pgid is still alive (or a zombie not yet reaped: it still counts). */
function groupExists(addon: Addon, pgid: number): boolean {
  const err = addon.kill(-pgid, 0);
  return err === 0 || err === EPERM;
}

export class ProcessSpawner implements Spawner {
  readonly #d: ProcessSpawnerDeps;
  readonly #env: EnvTemplate;
  // The stdin of every program without a stdin pipe: one /dev/null for all, open for pidone's
  // life, instead of an open and a close per spawn.
  readonly #devNull: number;

  constructor(deps: ProcessSpawnerDeps) {
    this.#d = deps;
    this.#env = new EnvTemplate(deps.baseEnv, deps.serverUrl);
    this.#devNull = openSync('/dev/null', 'r');
  }

  /** supervisord's get_execv_args: the command's own problems, found without spawning. */
  check(spec: ProgramSpec): SpawnError | null {
    const command = commandArgv(spec);
    if (!command.ok) return command.error;
    return notRunnable(command.argv[0]!, this.#env.for(spec, null).get('PATH'));
  }

  spawn(spec: ProgramSpec, events: ChildEvents): SpawnOutcome {
    const { addon } = this.#d;
    const command = commandArgv(spec);
    if (!command.ok) return command;
    const argv = command.argv;
    let account = null;
    if (spec.user !== null) {
      account = lookupUser(spec.user);
      if (!account) return { ok: false, error: failure('bad_user', `couldn't find user '${spec.user}' (no such user in /etc/passwd)`) };
      if (account.uid !== this.#d.euid && this.#d.euid !== 0) {
        return { ok: false, error: failure('privilege', `couldn't setuid to ${account.uid}: can't drop privilege as nonroot user`, 'EPERM') };
      }
    }
    const notify = this.#d.notifySocket?.(spec);
    const env = this.#env.for(spec, account?.home ?? null, notify ? { NOTIFY_SOCKET: notify } : undefined);
    const path = env.get('PATH');
    const found = resolveExecutable(argv[0]!, path);
    if (!found.ok) return { ok: false, error: notRunnable(argv[0]!, path)! };
    const opened: number[] = [];
    let pid: number;
    let outRead = -1;
    let errRead = -1;
    let inWrite = -1;
    const cgroups = this.#d.cgroups ?? null;
    const cg = cgroups !== null && wantsCgroup(spec) ? cgroups.place(spec) : null;
    try {
      // At the descriptor limit the last few belong to the control socket (io/fd-reserve.ts):
      // a pipe for stdout, one for stderr (unless redirected), and one for stdin if it is a pipe.
      fdReserve.admit((spec.redirect_stderr ? 2 : 4) + (pipesStdin(spec) ? 2 : 0));
      // Every descriptor made here is closed below, whatever fails (a failed spawn leaks none).
      let outWrite: number;
      [outRead, outWrite] = addon.pipe();
      opened.push(outWrite);
      let errWrite = outWrite;
      if (!spec.redirect_stderr) {
        [errRead, errWrite] = addon.pipe();
        opened.push(errWrite);
      }
      let stdin: number;
      if (pipesStdin(spec)) {
        [stdin, inWrite] = addon.pipe();
        opened.push(stdin);
      } else stdin = this.#devNull;
      const cgroupFd = cg !== null ? cgroups!.procsFd(cg) : undefined;
      if (cgroupFd !== undefined) opened.push(cgroupFd);
      const switchUser = account !== null && account.uid !== this.#d.euid;
      pid = addon.spawn({
        file: found.path,
        argv,
        envp: env.envp,
        cwd: spec.directory ?? undefined,
        umask: spec.umask ?? undefined,
        uid: switchUser ? account!.uid : undefined,
        gid: switchUser ? account!.gid : undefined,
        groups: switchUser ? account!.groups : undefined,
        pgroup: 1,
        stdio: [stdin, outWrite, errWrite],
        ...limitRequest(spec, addon),
        ...(cgroupFd !== undefined ? { cgroupFd } : {}),
      });
    } catch (err) {
      fdReserve.noteFailure(err);
      for (const fd of [outRead, errRead, inWrite]) if (fd >= 0) closeSync(fd);
      const e = err as NodeJS.ErrnoException;
      if (err instanceof FdLimitError || isFdLimit(err)) {
        return { ok: false, error: failure('resources', `couldn't spawn ${found.path}: out of file descriptors (EMFILE): raise the limit (ulimit -n, docker run --ulimit nofile=N)`, 'EMFILE') };
      }
      const limit = limitFailure(e, spec);
      if (limit !== null) return { ok: false, error: limit };
      return { ok: false, error: e.syscall !== undefined ? childFailure(e, spec, found.path) : failure('resources', `couldn't spawn ${found.path}: ${e.code ?? e.message}`, e.code) };
    } finally {
      for (const fd of opened) closeSync(fd);
    }
    return { ok: true, child: this.#watch(spec, pid, outRead, errRead, inWrite, events, cg) };
  }

  stopCommand(spec: ProgramSpec, ended: (ok: boolean, why: string) => void): void {
    const command = spec.stop_command;
    if (command === null) return ended(false, 'no stop_command');
    // It runs as the program does (environment, directory, user, output under its name).
    // Not a listener, and no stdin of its own: the program's stdin pipe stays the program's.
    const { eventlistener: _listener, ...plain } = spec;
    const stopSpec: ProgramSpec = { ...plain, command, shell: typeof command === 'string', stdin: 'null' };
    let done = false;
    let timer: NodeJS.Timeout | null = null;
    const end = (ok: boolean, why: string): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      ended(ok, why);
    };
    const outcome = this.spawn(stopSpec, {
      exit: (status) => end(status.code === 0, status.code !== null ? `stop_command exited ${status.code}` : `stop_command was killed by SIG${status.signal}`),
      groupEmpty: () => {},
    });
    if (!outcome.ok) return end(false, `stop_command: ${outcome.error.message}`);
    const child = outcome.child;
    timer = setTimeout(() => {
      child.kill('KILL', true);
      end(false, `stop_command still running after stopwaitsecs (${spec.stopwaitsecs} s): killed`);
    }, spec.stopwaitsecs * 1000);
  }

  /** Wires a running child: output to the sink, stdin and a listener's protocol to the observer, exit and group end to the core. */
  #watch(spec: ProgramSpec, pid: number, outRead: number, errRead: number, inWrite: number, events: ChildEvents, cg: ProgramCgroup | null): ChildHandle {
    const { addon, reaper, sink, stdio } = this.#d;
    const stdin = inWrite >= 0 ? new StdinPipe(inWrite) : null;
    const cgroups = this.#d.cgroups ?? null;
    // With a cgroup of its own, the program's tree is the cgroup: setsid escapees belong to it
    // (its stop waits for them, and its signals and SIGKILL reach them).
    const treeAlive = (): boolean => groupExists(addon, pid) || (cg !== null && cgroups!.populated(cg));
    // alive -> reaped (main gone, maybe its group left) -> gone (group empty too).
    let phase: 'alive' | 'reaped' | 'gone' = 'alive';
    let open = 0;
    let status: ExitStatus | null = null;
    let drainTimer: NodeJS.Timeout | null = null;
    let stopWatching: (() => void) | null = null;
    const groupGone = (): void => {
      if (phase === 'gone' || treeAlive()) return;
      phase = 'gone';
      stopWatching?.();
      events.groupEmpty();
    };
    const deliver = (): void => {
      if (status === null) return;
      const s = status;
      status = null;
      if (drainTimer) clearTimeout(drainTimer);
      const groupAlive = treeAlive();
      if (!groupAlive) phase = 'gone';
      else stopWatching = reaper.afterPass(groupGone);
      events.exit(s, groupAlive);
    };
    let protocol: Socket | null = null;
    for (const [fd, stream] of [[outRead, 'stdout'], [errRead, 'stderr']] as const) {
      if (fd < 0) continue;
      open++;
      const socket = new Socket({ fd, readable: true, writable: false });
      socket.on('close', () => {
        if (--open === 0) deliver();
      });
      // A listener's stdout is its side of the event protocol, not output (supervisord).
      if (stream === 'stdout' && spec.eventlistener !== undefined && stdio !== undefined) protocol = socket;
      else sink.attach(spec.name, stream, socket);
    }
    if (stdin !== null) {
      if (stdio !== undefined) stdio.opened(spec, pid, stdin, protocol);
      else stdin.close();
    }
    reaper.watch(pid, (s) => {
      // supervisord closes a child's stdin once it is reaped.
      if (stdin !== null) {
        stdin.close();
        stdio?.closed(spec, pid);
      }
      phase = 'reaped';
      status = s;
      if (open === 0) deliver();
      else drainTimer = setTimeout(deliver, PIPE_DRAIN_MS);
    });
    return {
      pid,
      kill(signal: string, group: boolean): KillOutcome {
        // Once reaped, the pid may belong to someone else; once the group is empty, so may the group id.
        if (phase === 'gone' || (phase === 'reaped' && !group)) return { kind: 'gone' };
        if (!group || cg === null) return send(addon, group ? -pid : pid, signal);
        const out = send(addon, -pid, signal);
        const escapees = cgroups!.outside(cg, pid);
        if (signal === 'KILL' && cgroups!.kill(cg)) return { kind: 'sent' };
        for (const p of escapees) send(addon, p, signal);
        return out.kind === 'gone' && escapees.length > 0 ? { kind: 'sent' } : out;
      },
    };
  }
}

/** Runs a readiness-probe command with the program's environment, output discarded. */
export function probeCommandRunner(deps: Pick<ProcessSpawnerDeps, 'addon' | 'reaper' | 'baseEnv' | 'serverUrl'>) {
  const template = new EnvTemplate(deps.baseEnv, deps.serverUrl);
  return (spec: ProgramSpec, command: string | readonly string[], timeoutMs: number): Promise<ExitStatus | null> =>
    new Promise((resolve, reject) => {
      const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : [...command];
      const env = template.for(spec, null);
      const found = resolveExecutable(argv[0]!, env.get('PATH'));
      if (!found.ok) return reject(new Error(found.message));
      const devNull = openSync('/dev/null', 'r+');
      let pid: number;
      try {
        pid = deps.addon.spawn({
          file: found.path, argv, envp: env.envp,
          cwd: spec.directory ?? undefined, pgroup: 1, stdio: [devNull, devNull, devNull],
        });
      } catch (err) {
        return reject(err as Error);
      } finally {
        closeSync(devNull);
      }
      const timer = setTimeout(() => {
        send(deps.addon, -pid, 'KILL');
        resolve(null);
      }, timeoutMs);
      deps.reaper.watch(pid, (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
}
