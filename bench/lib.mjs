// Shared by the benchmarks: timing, medians, process sampling. Figures are reported as ratios
// against a floor measured in the same run, because this machine is shared and noisy.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('..', import.meta.url).pathname);
export const DIST = resolve(ROOT, 'dist', 'pidone.js');
/** The floor for any Node supervisor: 40 dependency-free lines (issue 17). */
export const NODE_MIN = resolve(ROOT, 'bench', 'node-min.mjs');

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Wall time of a command run to completion, in ms. */
export function timeRun(argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !opts.anyStatus) throw new Error(`${argv.join(' ')} exited ${r.status}`);
  return ms;
}

/** The first command found on PATH (or the given absolute path), else null. */
export function which(...names) {
  for (const n of names) {
    if (n.includes('/')) { if (existsSync(n)) return n; continue; }
    for (const dir of (process.env.PATH ?? '').split(':')) if (existsSync(`${dir}/${n}`)) return `${dir}/${n}`;
  }
  return null;
}

/** Sum of (voluntary + involuntary) context switches of every thread of pid. */
export function wakeups(pid) {
  let n = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    const s = readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
    n += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(s)[1]) + Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(s)[1]);
  }
  return n;
}

/** utime + stime of pid, in clock ticks (1/100 s). */
export function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

export function rssKb(pid, field = 'VmRSS') {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/**
 * Starts argv and resolves when `count` lines matching re have appeared on its stdout (or
 * stderr); returns { proc, ms } with ms from spawn to that line.
 */
export function startUntil(argv, re, count, opts = {}) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    // opts.fifo: stdout is a real FIFO, as Docker gives a container, not Node's socketpair
    // (supervisord cannot open /dev/stdout on a socket: ENXIO).
    let fifoRead = null;
    let stdio = ['ignore', 'pipe', 'pipe'];
    if (opts.fifo) {
      const dir = mkdtempSync(join(tmpdir(), 'pidone-fifo-'));
      const path = join(dir, 'out');
      spawnSync('mkfifo', [path]);
      const r = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      const w = openSync(path, 'w');
      rmSync(dir, { recursive: true, force: true });
      fifoRead = new Socket({ fd: r, readable: true, writable: false });
      stdio = ['ignore', w, 'pipe'];
      queueMicrotask(() => closeSync(w));
    }
    const proc = spawn(argv[0], argv.slice(1), { detached: true, ...opts, stdio });
    let seen = 0;
    let carry = '';
    const onData = (d) => {
      const parts = (carry + d.toString()).split('\n');
      carry = parts.pop();
      for (const l of parts) if (re.test(l) && ++seen === count) res({ proc, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    };
    (fifoRead ?? proc.stdout).on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', () => fifoRead?.destroy());
    proc.on('exit', (code) => { if (seen < count) rej(new Error(`${argv.join(' ')} exited ${code} after ${seen}/${count} lines`)); });
    setTimeout(() => rej(new Error(`${argv[0]}: ${seen}/${count} lines after 60 s`)), 60_000).unref();
  });
}

/** Sends sig to proc and resolves with ms until it exited. */
export function stopTime(proc, sig = 'SIGTERM') {
  return new Promise((res) => {
    const t0 = process.hrtime.bigint();
    proc.on('exit', () => res(Number(process.hrtime.bigint() - t0) / 1e6));
    proc.kill(sig);
  });
}

/** Kills a detached process group, ignoring errors. */
export function killGroup(proc) {
  try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
}

export function haveDist() {
  if (!existsSync(DIST)) spawnSync(process.execPath, [resolve(ROOT, 'build.mjs')], { stdio: 'inherit', cwd: ROOT });
}

/**
 * Starts argv as PID 1 of a fresh PID namespace when running as root (so everything it spawned
 * dies with it: --kill-child), else as is; detached, so killGroup() ends it.
 */
export function startIsolated(argv, opts = {}) {
  const unshare = process.getuid?.() === 0 ? which('unshare') : null;
  const cmd = unshare ? [unshare, '--pid', '--fork', '--mount-proc', '--kill-child', ...argv] : argv;
  return spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
}

/**
 * One figure for the summary table of `npm run bench` (bench/run.mjs sets BENCH_ROWS to a file;
 * run on its own, a bench prints only its own table). value is a median in `unit`; ratio, when
 * given, is against `base` (a floor or pidone) measured in the same run.
 */
export function report(row) {
  if (process.env.BENCH_ROWS) appendFileSync(process.env.BENCH_ROWS, `${JSON.stringify(row)}\n`);
}
