// Runs the built pidone as PID 1 of a fresh PID namespace (unshare --pid --fork --mount-proc),
// as a container runtime would, and gives tests its host pid (to signal it from outside),
// its output lines and its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
/** The bundle under test; PIDONE_TEST_DIST runs the tests against another build (an older one, to see a test fail). */
export const DIST = process.env.PIDONE_TEST_DIST ?? resolve(ROOT, 'dist', 'pidone.js');
export const RECORDER = resolve(ROOT, 'test', 'support', 'recorder.py');

/** Clean environment for children whose environment a test inspects. */
export const BASE_ENV: Record<string, string> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  PYTHONCOERCECLOCALE: '0',
  PYTHONDONTWRITEBYTECODE: '1',
  LANG: 'C.UTF-8',
};

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Run {
  proc: ChildProcess;
  readonly stdout: string[];
  stderr(): string;
  /** Resolves with the first stdout line matching, or rejects after ms. */
  line(match: (line: string) => boolean, ms?: number): Promise<string>;
  /** Parsed JSON lines of the recorder matching a predicate. */
  json(match: (o: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, any>>;
  exited: Promise<Exit>;
  /** The host pid of the namespace's PID 1 (pidone), found through /proc. */
  hostPid(): Promise<number>;
}

export function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

export function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
}

export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (ppidOf(Number(name)) === pid) out.push(Number(name));
    } catch {
      // it exited while we looked
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const live = new Set<ChildProcess>();

/** Kills every run still alive (use in afterEach, so a failed test leaks nothing). */
export function killAll(): void {
  for (const proc of live) {
    try {
      proc.kill('SIGKILL'); // unshare --kill-child takes the namespace down with it
    } catch {
      // already gone
    }
  }
  live.clear();
}

/** A child's stdout as lines (whole ones; the rest waits for its newline) and its stderr as text. */
export interface CapturedOutput {
  readonly stdout: string[];
  stderr(): string;
  /** Resolves with the first stdout line matching (seen already or to come), or rejects after ms. */
  line(match: (line: string) => boolean, ms?: number): Promise<string>;
}

/** Starts reading proc's stdout and stderr; `line` waits defaultMs unless told otherwise. */
export function captureOutput(proc: ChildProcess, defaultMs: number): CapturedOutput {
  const stdout: string[] = [];
  let err = '';
  let carry = '';
  const waiters = new Set<() => void>();
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (carry + chunk).split('\n');
    carry = parts.pop()!;
    stdout.push(...parts);
    for (const w of waiters) w();
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const line = (match: (l: string) => boolean, ms = defaultMs): Promise<string> =>
    new Promise((res, rej) => {
      let seen = 0;
      const check = () => {
        for (; seen < stdout.length; seen++) {
          if (match(stdout[seen]!)) {
            waiters.delete(check);
            clearTimeout(timer);
            return res(stdout[seen]!);
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        rej(new Error(`no matching line within ${ms} ms; stdout:\n${stdout.join('\n')}\nstderr:\n${err}`));
      }, ms);
      waiters.add(check);
      check();
    });
  return { stdout, stderr: () => err, line };
}

/** Starts `node dist/pidone.js ...args` as PID 1 (or directly, with { namespace: false }). */
export function runPidone(args: string[], opts: { env?: Record<string, string>; namespace?: boolean; dist?: string; cwd?: string; wrap?: string[] } = {}): Run {
  const node = process.execPath;
  // `wrap` runs pidone under another command that execs it (capsh dropping a capability).
  const cmd = opts.namespace === false
    ? [node, opts.dist ?? DIST, ...args]
    : ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child', ...(opts.wrap ?? []), node, opts.dist ?? DIST, ...args];
  const proc = spawn(cmd[0]!, cmd.slice(1), { env: opts.env ?? BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  const { stdout, stderr, line } = captureOutput(proc, 5000);
  const exited = new Promise<Exit>((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const json = async (match: (o: Record<string, unknown>) => boolean, ms?: number) =>
    JSON.parse(await line((l) => l.startsWith('{') && match(JSON.parse(l)), ms));
  const hostPid = async (): Promise<number> => {
    if (opts.namespace === false) return proc.pid!;
    for (let i = 0; i < 200; i++) {
      const [pid] = childrenOf(proc.pid!);
      if (pid) return pid;
      await sleep(10);
    }
    throw new Error('pidone did not appear under unshare');
  };
  return { proc, stdout, stderr, line, json, exited, hostPid };
}
