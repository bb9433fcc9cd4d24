// The built pidone as PID 1 of fresh PID, mount and network namespaces, as an unprivileged user:
// for configs that name fixed ports (redis 6379, memcached 11211, postgres 5432) and no control
// socket (process-compose files, Procfiles), so runs never meet other tests' servers or their
// /run/pidone.sock, and for servers that refuse to run as root (postgres, memcached). Clients
// reach the servers with inNet(), inside the same network namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { DIST, captureOutput, childrenOf } from './pid1.ts';
import { exec, type Result } from './daemon.ts';

export interface IsolatedRun {
  readonly proc: ChildProcess;
  readonly stdout: string[];
  stderr(): string;
  /** The first stdout line matching (waits up to ms). */
  line(match: (line: string) => boolean, ms?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Host pid of the namespace's PID 1 (pidone). */
  pid(): Promise<number>;
  /** Runs a command in the run's network namespace (as root). */
  inNet(argv: string[], env?: Record<string, string>, ms?: number): Promise<Result>;
}

const live = new Set<ChildProcess>();
// Host pids of the namespaces' PID 1. unshare --kill-child cannot take those down: the parent
// death signal is cleared when setpriv changes the user, so runs are ended through their PID 1
// (SIGKILL to a namespace's PID 1 kills every process in it).
const inits = new Set<number>();

/** Kills every isolated run still alive (afterEach). */
export function killIsolated(): void {
  for (const pid of inits) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  inits.clear();
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      // gone
    }
  }
  live.clear();
}

// Inside the namespaces: loopback up, a private /run, then pidone as the user.
const SETUP = 'ip link set lo up && mount -t tmpfs -o mode=755 tmpfs /run && exec setpriv --reuid="$PIDONE_TEST_UID" --regid="$PIDONE_TEST_GID" --clear-groups -- "$@"';

/**
 * Starts `node dist/pidone.js ...args` as PID 1 of new namespaces, as uid/gid (default nobody);
 * `argv` runs another command as PID 1 instead (a peer such as tini, for a comparison).
 */
export function runIsolated(args: string[], opts: { cwd: string; env: Record<string, string>; uid?: number; gid?: number; argv?: string[] }): IsolatedRun {
  const env = { ...opts.env, PIDONE_TEST_UID: String(opts.uid ?? 65534), PIDONE_TEST_GID: String(opts.gid ?? 65534) };
  const command = opts.argv ?? [process.execPath, DIST, ...args];
  const proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--net', '--kill-child', '/bin/sh', '-c', SETUP, 'sh', ...command],
    { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  const { stdout, stderr, line } = captureOutput(proc, 10_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  let init: number | null = null;
  const pid = async (): Promise<number> => {
    for (let i = 0; init === null && i < 400; i++) {
      const child = childrenOf(proc.pid!)[0];
      if (child !== undefined) {
        init = child;
        inits.add(child);
        proc.on('exit', () => inits.delete(child));
      } else await new Promise((r) => setTimeout(r, 25));
    }
    if (init === null) throw new Error('the namespace has no PID 1');
    return init;
  };
  void pid().catch(() => {});
  const inNet = async (argv: string[], cmdEnv: Record<string, string> = opts.env, ms = 20_000): Promise<Result> =>
    exec(['nsenter', `--net=/proc/${await pid()}/ns/net`, '--', ...argv], cmdEnv, ms);
  return { proc, stdout, stderr, line, exited, pid, inNet };
}
