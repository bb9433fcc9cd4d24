// Issue 3 benchmark: `pidone -- true` cold start against `node -e 0` (the floor for any Node
// tool) and tini / dumb-init when installed; then idle cost over 10 s with one sleeping child,
// and (issue 16) supervisor mode with a sleeping, a scheduled (next run tomorrow) and a
// file-watched program. Goals: within 1.3x of `node -e 0`; zero wakeups while idle.
// usage: node bench/startup.mjs      env: RUNS=30 IDLE_SECONDS=10 SETTLE_SECONDS=30
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, cpuTicks, fmt, haveDist, median, report, rssKb, sleep, timeRun, wakeups, which } from './lib.mjs';

haveDist();
const RUNS = Number(process.env.RUNS ?? 30);
const IDLE = Number(process.env.IDLE_SECONDS ?? 10);
const SETTLE = Number(process.env.SETTLE_SECONDS ?? 30);
const node = process.execPath;
const contenders = [
  ['node -e 0 (floor)', [node, '-e', '0']],
  ['pidone -- true', [node, DIST, '--', 'true']],
];
const tini = which('tini', '/usr/bin/tini');
if (tini) contenders.push(['tini -- true', [tini, '-s', '--', 'true']]);
const dumb = which('dumb-init');
if (dumb) contenders.push(['dumb-init true', [dumb, 'true']]);

const times = new Map(contenders.map(([n]) => [n, []]));
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so a noisy moment hits every contender alike.
  for (const [name, argv] of contenders) times.get(name).push(timeRun(argv));
}
const floor = median(times.get('node -e 0 (floor)'));
const rows = [];
for (const [name] of contenders) {
  const m = median(times.get(name));
  rows.push(`| cold start | ${name} | ${fmt(m)} ms | ${(m / floor).toFixed(2)}x |`);
  report({ workload: 'cold start (run `true`, until it exited)', contender: name, value: m, unit: 'ms', ratio: m / floor, base: 'node -e 0' });
}

// Two windows: the first SETTLE seconds after start-up (V8 runs one memory-reducer GC in them,
// 8-20 s after start, waking its worker threads once) and the next IDLE seconds: the steady
// state a long-running init lives in.
async function idle(argv) {
  const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  proc.on('exit', (code, sig) => { if (!proc.killedByUs) console.error(`${argv.join(' ')} exited early: ${code ?? sig}`); });
  await sleep(500);
  const sample = () => ({ w: wakeups(proc.pid), c: cpuTicks(proc.pid) });
  const s0 = sample();
  await sleep(SETTLE * 1000);
  const s1 = sample();
  await sleep(IDLE * 1000);
  const s2 = sample();
  const rss = rssKb(proc.pid);
  proc.killedByUs = true;
  // SIGTERM: the init forwards it to sleep and exits with it (SIGKILL would leave sleep behind).
  const gone = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([gone, sleep(5000)]);
  proc.kill('SIGKILL');
  return { first: { w: s1.w - s0.w, c: s1.c - s0.c }, steady: { w: s2.w - s1.w, c: s2.c - s1.c }, rss };
}
// Supervisor mode, as the floor (one sleeping program), and with what issue 16 added: a
// schedule waiting (one timer, due tomorrow at 03:00) and a watch on a directory nobody writes
// to (inotify). The difference between the two is what the schedule and the watch cost.
const dir = mkdtempSync(join(tmpdir(), 'pidone-bench-idle-'));
mkdirSync(join(dir, 'watched'));
const configs = {};
for (const [name, extra] of [['plain', ''], ['extras', `, watch: { paths: [watched] } }
  nightly: { command: ["true"], schedule: "0 3 * * *"`]]) {
  configs[name] = join(dir, `${name}.yaml`);
  writeFileSync(configs[name], `settings: { control: { socket: ${join(dir, `${name}.sock`)} } }
programs:
  app: { command: [sleep, "1000"]${extra} }
`);
}
const idleRows = [];
for (const [name, argv] of [
  ['pidone -- sleep', [node, DIST, '--', 'sleep', '1000']],
  ['pidone -c (one sleeping program)', [node, DIST, '-c', configs.plain]],
  ['pidone -c (+ a watch and a waiting schedule)', [node, DIST, '-c', configs.extras]],
  ...(tini ? [['tini -- sleep', [tini, '-s', '--', 'sleep', '1000']]] : []),
]) {
  const { first, steady, rss } = await idle(argv);
  idleRows.push(`| idle, first ${SETTLE} s | ${name} | ${first.w} wakeups, ${first.c * 10} ms CPU | RSS ${(rss / 1024).toFixed(1)} MB |`);
  idleRows.push(`| idle, the ${IDLE} s after | ${name} | ${steady.w} wakeups, ${steady.c * 10} ms CPU | |`);
  report({ workload: `idle with one sleeping child: wakeups in the ${IDLE} s after the first ${SETTLE} s`, contender: name, value: steady.w, unit: 'wakeups',
    note: `${steady.c * 10} ms CPU; first ${SETTLE} s: ${first.w} wakeups, ${first.c * 10} ms CPU; RSS ${(rss / 1024).toFixed(1)} MB` });
}
console.log(`| workload | contender | median (n=${RUNS}) | ratio to floor |`);
console.log('|---|---|---|---|');
for (const r of [...rows, ...idleRows]) console.log(r);
