// Issue 3 benchmark: `pidone -- true` cold start against `node -e 0` (the floor for any Node
// tool) and tini / dumb-init when installed; then idle cost over 10 s with one sleeping child.
// Goals: within 1.3x of `node -e 0`; zero wakeups while idle.
// usage: node bench/startup.mjs      env: RUNS=30 IDLE_SECONDS=10
import { spawn } from 'node:child_process';
import { DIST, cpuTicks, fmt, haveDist, median, rssKb, sleep, timeRun, wakeups, which } from './lib.mjs';

haveDist();
const RUNS = Number(process.env.RUNS ?? 30);
const IDLE = Number(process.env.IDLE_SECONDS ?? 10);
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
}

async function idle(argv) {
  const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  proc.on('exit', (code, sig) => { if (!proc.killedByUs) console.error(`${argv.join(' ')} exited early: ${code ?? sig}`); });
  await sleep(1000);
  const w0 = wakeups(proc.pid);
  const c0 = cpuTicks(proc.pid);
  await sleep(IDLE * 1000);
  const w = wakeups(proc.pid) - w0;
  const c = cpuTicks(proc.pid) - c0;
  const rss = rssKb(proc.pid);
  proc.killedByUs = true;
  proc.kill('SIGKILL');
  return { w, c, rss };
}
const idleRows = [];
for (const [name, argv] of [['pidone -- sleep', [node, DIST, '--', 'sleep', '1000']], ...(tini ? [['tini -- sleep', [tini, '-s', '--', 'sleep', '1000']]] : [])]) {
  const { w, c, rss } = await idle(argv);
  idleRows.push(`| idle ${IDLE} s | ${name} | ${w} wakeups, ${c * 10} ms CPU | RSS ${(rss / 1024).toFixed(1)} MB |`);
}
console.log(`| workload | contender | median (n=${RUNS}) | ratio to floor |`);
console.log('|---|---|---|---|');
for (const r of [...rows, ...idleRows]) console.log(r);
