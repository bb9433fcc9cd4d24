// 10,000 orphans reaped: an init runs as PID 1 of a fresh PID namespace (unshare --pid --fork
// --mount-proc --kill-child) with a shell script as its program. A subshell starts ORPHANS
// `sleep 1000` in the background and exits, so they are re-parented to PID 1; the script says
// "ready" and waits. The bench then kills all of them at once (SIGKILL to their process group,
// from outside) and measures the time until PID 1 has no child left but the script, i.e. until
// the init has reaped every zombie. It reads /proc/<pid 1>/task/*/children in a tight loop
// (a zombie stays listed there until its parent reaps it).
// Contenders: pidone, tini, dumb-init and supervisord (which reaps unknown pids too) when
// installed. pm2-runtime does not reap orphans at all (peers.md), so it is left out.
// test/single-mode.test.ts checks the same for 2,000 orphans on every test run.
// Needs root (unshare --pid). usage: node bench/orphans.mjs    env: ORPHANS=10000 RUNS=2
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, fmt, haveDist, killGroup, median, report, sleep, which } from './lib.mjs';

haveDist();
const N = Number(process.env.ORPHANS ?? 10000);
const RUNS = Number(process.env.RUNS ?? 2);
const unshare = which('unshare');
if (process.getuid?.() !== 0 || !unshare) {
  console.log('orphans bench | needs root and unshare (PID namespaces): skipped');
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'pidone-bench-orphans-'));
const running = [];
process.on('exit', () => {
  for (const p of running) killGroup(p);
  rmSync(work, { recursive: true, force: true });
});

// The subshell's background sleeps are orphans the moment it exits. They stay in the script's
// process group; the script then ignores SIGTERM (set after the sleeps started, so they keep
// the default action), says it is ready by creating a file, and waits.
const script = (readyFile) => `(i=0; while [ $i -lt ${N} ]; do sleep 1000 & i=$((i+1)); done); trap '' TERM; touch ${readyFile}; exec sleep 1000`;

function childrenOf(pid) {
  const out = [];
  let tasks;
  try { tasks = readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ')) if (c) out.push(Number(c));
    } catch { /* thread ended */ }
  }
  return out;
}
const pgidOf = (pid) => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[2]);
};
const busyWait = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

async function once(argvOf) {
  const readyFile = join(work, 'ready');
  rmSync(readyFile, { force: true });
  const argv = argvOf(script(readyFile));
  const proc = spawn(unshare, ['--pid', '--fork', '--mount-proc', '--kill-child', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  running.push(proc);
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const t0 = Date.now();
  while (!existsSync(readyFile)) {
    if (Date.now() - t0 > 120_000 || proc.exitCode !== null) throw new Error(`${argv[0]}: the script never got ready (${err.slice(-200)})`);
    await sleep(50);
  }
  const createMs = Date.now() - t0;
  const [pid1] = childrenOf(proc.pid);
  // The orphans: PID 1's children that are not the script (the script's own child is its sleep).
  const orphanPids = () => childrenOf(pid1).filter((p) => { try { return readFileSync(`/proc/${p}/comm`, 'utf8') === 'sleep\n' && pgidOf(p) !== p; } catch { return false; } });
  const orphans = orphanPids();
  if (orphans.length < N) throw new Error(`${argv[0]}: only ${orphans.length}/${N} orphans were re-parented to PID 1`);
  const group = pgidOf(orphans[0]);
  const mains = childrenOf(pid1).filter((p) => !orphans.includes(p));
  const start = process.hrtime.bigint();
  process.kill(-group, 'SIGTERM');
  let left = N;
  let after1s = null;
  while (left > 0) {
    left = childrenOf(pid1).length - mains.length;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (after1s === null && ms >= 1000) after1s = left;
    if (ms > 30_000) break;
    if (left > 0) busyWait(1);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  killGroup(proc);
  await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
  await sleep(500);
  return { ms: left === 0 ? ms : Infinity, left, after1s: after1s ?? 0, createMs };
}

const contenders = [['pidone', (sh) => [process.execPath, DIST, '--', 'sh', '-c', sh]]];
const tini = which('tini', '/usr/bin/tini');
if (tini) contenders.push(['tini 0.19.0', (sh) => [tini, '--', 'sh', '-c', sh]]);
const dumb = which('dumb-init');
if (dumb) contenders.push(['dumb-init 1.2.5', (sh) => [dumb, 'sh', '-c', sh]]);
const supervisord = which('supervisord', '/usr/bin/supervisord');
if (supervisord) {
  contenders.push(['supervisord 4.2.5', (sh) => {
    const conf = join(work, 'supervisord.conf');
    writeFileSync(conf, `[supervisord]\nnodaemon=true\nlogfile=/dev/null\nlogfile_maxbytes=0\npidfile=${join(work, 's.pid')}\nminprocs=${N + 200}\n`
      + `[program:orphans]\ncommand=sh -c "${sh.replace(/%/g, '%%')}"\nstdout_logfile=NONE\nstderr_logfile=NONE\nstartsecs=0\nautorestart=false\n`);
    return [supervisord, '-n', '-c', conf];
  }]);
}

const rows = [];
for (const [name, argvOf] of contenders) {
  const times = [];
  let last = null;
  for (let r = 0; r < RUNS; r++) {
    try {
      last = await once(argvOf);
      times.push(last.ms);
      if (!Number.isFinite(last.ms)) break; // 30 s wasted once is enough
    } catch (err) {
      last = { error: err.message };
      break;
    }
  }
  rows.push({ name, ms: median(times), last });
}

console.log(`| ${N} orphans die at once | contender | until every zombie is reaped (median of ${RUNS}) | vs pidone | zombies left after 1 s |`);
console.log('|---|---|---|---|---|');
const base = rows[0].ms;
for (const r of rows) {
  if (r.last?.error) {
    console.log(`| orphans | ${r.name} | error: ${r.last.error} | | |`);
    continue;
  }
  console.log(`| orphans | ${r.name} | ${Number.isFinite(r.ms) ? `${fmt(r.ms)} ms` : `not done after 30 s: ${r.last.left} zombies left`} | ${Number.isFinite(r.ms) ? `${(r.ms / base).toFixed(2)}x` : '-'} | ${r.last.after1s} |`);
  report({ workload: `${N} orphans die at once: until all reaped`, contender: r.name, value: r.ms, unit: 'ms', ratio: r.ms / base, base: 'pidone',
    note: Number.isFinite(r.ms) ? `${r.last.after1s} zombies left after 1 s` : `${r.last.left} zombies left after 30 s` });
}
