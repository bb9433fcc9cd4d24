// Real supervisord and pidone side by side on the same supervisord.conf (each in its own temp
// dir, the config written with %(here)s so one text serves both), driven by the same script
// through test/support/differential.py: Python's xmlrpc.client, the real supervisorctl and
// plain GETs. Answers are compared after normalizing only what must differ between two runs:
// pids, times, the temp dirs, and the random names of supervisord's AUTO log files.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exec } from './daemon.ts';
import { BASE_ENV, ROOT, type Run, runPidone } from './pid1.ts';

export const SUPERVISORD = '/usr/bin/supervisord';
export const DRIVER = resolve(ROOT, 'test', 'support', 'differential.py');

/** The sections every side-by-side config starts with: both servers on a socket in its dir. */
export const HEAD = `[unix_http_server]
file=%(here)s/supervisor.sock

[supervisord]
nodaemon=true
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock
`;

export type Step = readonly (string | number | boolean | unknown[] | Record<string, unknown>)[];
export type Answer = Record<string, unknown>;

/** One server under test: its dir, config path and how to stop it. */
export interface Server {
  readonly dir: string;
  readonly conf: string;
  readonly socket: string;
  readonly output: () => string;
  /** Its stdout and stderr apart (what `docker logs` keeps apart). */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** How the server process ended (supervisord, or pidone's PID 1). */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  stop(): Promise<void>;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // a second local user must reach the socket (credentials tests)
  return dir;
}

async function waitFor(path: string, what: () => string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(path)) {
    if (Date.now() - t0 > ms) throw new Error(`${path} did not appear:\n${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts `supervisord -n` on conf text (the socket file is SOCKET_NAME in the dir). Node gives a
 * child sockets for stdout and stderr, where supervisord cannot open /dev/stdout (ENXIO); with
 * `pipes` they are real pipes, as a container runtime gives it, through a `cat` each.
 */
export async function startSupervisord(conf: string, socketName = 'supervisor.sock', pipes = false): Promise<Server> {
  const dir = tempDir('pidone-diff-sd-');
  const file = join(dir, 'supervisord.conf');
  writeFileSync(file, conf);
  const argv = pipes
    ? ['/bin/bash', '-c', 'exec "$@" > >(exec cat) 2> >(exec cat >&2)', 'supervisord', SUPERVISORD, '-n', '-c', file]
    : [SUPERVISORD, '-n', '-c', file];
  const proc = spawn(argv[0]!, argv.slice(1), { env: BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  let out = '';
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => {
    out += d;
    stdout += d;
  });
  proc.stderr.on('data', (d) => {
    out += d;
    stderr += d;
  });
  // With pipes, the cats may still be copying when supervisord exits: done once they closed too.
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => proc.on(pipes ? 'close' : 'exit', (code, signal) => r({ code, signal })));
  const socket = join(dir, socketName);
  await waitFor(socket, () => out);
  return {
    dir, conf: file, socket, output: () => out, stdout: () => stdout, stderr: () => stderr, exited,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
      // supervisord's children outlive a SIGKILLed supervisord: end them by the pids it logged.
      for (const m of out.matchAll(/spawned: '[^']+' with pid (\d+)/g)) {
        try {
          process.kill(Number(m[1]), 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the built pidone as PID 1 on the same conf text. */
export async function startPidone(conf: string, socketName = 'supervisor.sock'): Promise<Server & { run: Run }> {
  const dir = tempDir('pidone-diff-p1-');
  const file = join(dir, 'supervisord.conf');
  writeFileSync(file, conf);
  // PIDONE_DIFF_DIST measures another build (an older commit's dist/pidone.js) with the same script.
  const run = runPidone(['-c', file], { cwd: dir, ...(process.env.PIDONE_DIFF_DIST ? { dist: process.env.PIDONE_DIFF_DIST } : {}) });
  const socket = join(dir, socketName);
  await waitFor(socket, () => `${run.stdout.join('\n')}\n${run.stderr()}`);
  return {
    dir, conf: file, socket, run, output: () => `${run.stdout.join('\n')}\n${run.stderr()}`, exited: run.exited,
    stdout: () => run.stdout.map((l) => `${l}\n`).join(''), stderr: run.stderr,
    stop: async () => {
      if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill('SIGKILL');
      await run.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a script of steps against one server; one answer per step. */
export async function drive(server: Server, steps: readonly Step[], opts: { url?: string; username?: string; password?: string } = {}): Promise<Answer[]> {
  const script = join(server.dir, `script-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(script, JSON.stringify({ url: opts.url ?? `unix://${server.socket}`, conf: server.conf, username: opts.username, password: opts.password, steps }));
  const r = await exec(['python3', DRIVER, script], BASE_ENV, 240_000);
  if (r.code !== 0) throw new Error(`driver failed (${r.code}): ${r.stderr}\n${server.output()}`);
  return JSON.parse(r.stdout) as Answer[];
}

const PID = 'PID';
const TIME = 'T';

/** The answer with pids, times, temp dirs and AUTO log names replaced by placeholders. */
export function normalize(a: unknown, dir: string, identifier: string, step: Step): unknown {
  const auto = new RegExp(`<DIR>/[^\\s'"]+?-(?:stdout|stderr)---${identifier}-[a-z0-9_]{8}\\.log`, 'g');
  const text = (s: string): string => s
    .replaceAll(dir, '<DIR>')
    .replace(auto, 'AUTO')
    .replace(/\bpid \d+/g, 'pid PID')
    .replace(/uptime (\d+ days?, )?\d+:\d\d:\d\d/g, 'uptime U')
    .replace(/\b[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M\b/g, 'DATE')
    .replace(/with pid \d+/g, 'with pid PID');
  const walk = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string') return text(v);
    if (typeof v === 'number') {
      if (key === 'pid' && v !== 0) return PID;
      if ((key === 'start' || key === 'stop' || key === 'now') && v !== 0) return TIME;
      return v;
    }
    if (Array.isArray(v)) {
      const list = v.map((x) => walk(x, null));
      // Results of group commands come in completion order, which is not deterministic.
      if (list.every((x) => typeof x === 'object' && x !== null && 'status' in x && 'group' in x)) {
        return [...list].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
      }
      return list;
    }
    if (typeof v === 'object' && v !== null) {
      // A struct's members have no order.
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) if (k !== 'ms') out[k] = walk(x, k);
      return out;
    }
    return v;
  };
  const n = walk(a, null) as Answer;
  if (step[0] === 'rpc' && step[1] === 'supervisor.getPID' && typeof n.value === 'number') n.value = PID;
  if (step[0] === 'ctl' && typeof n.out === 'string') {
    let out = n.out;
    if (step[1] === 'pid') out = out.replace(/^[1-9]\d*$/gm, PID);
    // Group and `all` commands print in completion order.
    if (step.slice(1).some((x) => typeof x === 'string' && (x.endsWith(':*') || x === 'all')) && step[1] !== 'status') {
      out = out.split('\n').sort().join('\n');
    }
    n.out = out;
  }
  return n;
}

/** A label for a step, unique within a script (a repeated step gets #2, #3...). */
export function labels(steps: readonly Step[]): string[] {
  const seen = new Map<string, number>();
  return steps.map((s) => {
    const base = s.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

export interface Comparison {
  readonly label: string;
  readonly kind: string;
  readonly same: boolean;
  readonly supervisord: unknown;
  readonly pidone: unknown;
}

/** Step by step: equal after normalization? (wait steps are not compared, only checked.) */
export function compare(steps: readonly Step[], names: readonly string[], sd: readonly Answer[], p1: readonly Answer[], dirs: { sd: string; p1: string }, identifier: string): Comparison[] {
  const out: Comparison[] = [];
  steps.forEach((step, i) => {
    const kind = String(step[0]);
    const a = normalize(sd[i], dirs.sd, identifier, step);
    const b = normalize(p1[i], dirs.p1, identifier, step);
    if (kind.startsWith('wait')) {
      // A wait compares nothing; one that timed out is a difference of its own.
      const timedOut = (x: Answer | undefined) => x !== undefined && 'timeout' in x;
      if (timedOut(sd[i]) || timedOut(p1[i])) out.push({ label: names[i]!, kind, same: false, supervisord: a, pidone: b });
      return;
    }
    out.push({ label: names[i]!, kind, same: JSON.stringify(a) === JSON.stringify(b), supervisord: a, pidone: b });
  });
  return out;
}

/** "matched N of M" per kind. */
export function counts(rows: readonly Comparison[]): Record<string, { same: number; of: number }> {
  const c: Record<string, { same: number; of: number }> = {};
  for (const r of rows) {
    const k = (c[r.kind] ??= { same: 0, of: 0 });
    k.of++;
    if (r.same) k.same++;
  }
  return c;
}
