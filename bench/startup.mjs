// Issues 3 and 17: cold start and idle cost.
// Cold start: `pidone -- true` against `node -e 0` (the floor of any Node tool), node-min
// (bench/node-min.mjs, the floor of any Node supervisor) running `true`, and tini / dumb-init
// when installed. Goal: pidone <= 1.05x `node -e 0`.
// Idle: context switches (every thread, /proc/PID/task/*/status) and CPU (utime+stime) in the
// window from FROM_MS after start, IDLE_SECONDS long: pidone with 10 sleeping programs against
// node-min with the same 10, then single mode `pidone -- sleep` against tini. The window covers
// the 8 s at which V8's memory reducer would fire. Goal: 0 and 0. The idle contenders run side
// by side (each is asleep; each counts only its own threads). Issue 16: the same 10 programs
// plus a schedule waiting (due tomorrow at 03:00) and a watch on a directory nobody writes to.
// usage: node bench/startup.mjs      env: RUNS=30 IDLE_SECONDS=20 FROM_MS=1000
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, NODE_MIN, cpuTicks, fmt, haveDist, median, report, rssKb, sleep, timeRun, wakeups, which } from './lib.mjs';

haveDist();
const RUNS = Number(process.env.RUNS ?? 30);
const IDLE = Number(process.env.IDLE_SECONDS ?? 20);
const FROM = Number(process.env.FROM_MS ?? 1000);
const node = process.execPath;
const work = mkdtempSync(join(tmpdir(), 'pidone-bench-startup-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const contenders = [
  ['node -e 0 (floor)', [node, '-e', '0']],
  ['pidone -- true', [node, DIST, '--', 'true']],
  ['node-min true', [node, NODE_MIN, 'true']],
];
const tini = which('tini', '/usr/bin/tini');
if (tini) contenders.push(['tini -- true', [tini, '-s', '--', 'true']]);
const dumb = which('dumb-init', '/usr/bin/dumb-init');
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

async function idle(argv) {
  const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  proc.on('exit', (code, sig) => { if (!proc.killedByUs) console.error(`${argv.join(' ')} exited early: ${code ?? sig}`); });
  await sleep(FROM);
  const s0 = { w: wakeups(proc.pid), c: cpuTicks(proc.pid) };
  await sleep(IDLE * 1000);
  const s1 = { w: wakeups(proc.pid), c: cpuTicks(proc.pid) };
  const rss = rssKb(proc.pid);
  proc.killedByUs = true;
  // SIGTERM: every contender stops its programs and exits (SIGKILL would leave them behind).
  const gone = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([gone, sleep(5000)]);
  try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
  return { w: s1.w - s0.w, c: s1.c - s0.c, rss };
}
const ten = Array.from({ length: 10 }, (_, i) => `p${i}`);
const yaml = join(work, 'idle10.yaml');
writeFileSync(yaml, `settings: { control: { socket: ${join(work, 'idle.sock')} } }\nprograms:\n${ten.map((p) => `  ${p}: { command: "sleep 1000" }`).join('\n')}\n`);
mkdirSync(join(work, 'watched'));
const extras = join(work, 'idle10-extras.yaml');
writeFileSync(extras, `settings: { control: { socket: ${join(work, 'idle-extras.sock')} } }\nprograms:\n${ten.map((p) => `  ${p}: { command: "sleep 1000" }`).join('\n')}
  watched: { command: [sleep, "1000"], watch: { paths: [${join(work, 'watched')}] } }
  nightly: { command: ["true"], schedule: "0 3 * * *" }\n`);
const idlers = [
  ['10 programs', 'pidone', [node, DIST, '-c', yaml]],
  ['10 programs + a schedule and a watch', 'pidone', [node, DIST, '-c', extras]],
  ['10 programs', 'node-min', [node, NODE_MIN, ...ten.map(() => 'sleep 1000')]],
  ['one program', 'pidone -- sleep', [node, DIST, '--', 'sleep', '1000']],
  ...(tini ? [['one program', 'tini -- sleep', [tini, '-s', '--', 'sleep', '1000']]] : []),
];
const idled = await Promise.all(idlers.map(([, , argv]) => idle(argv)));
const idleRows = [];
idlers.forEach(([what, name], i) => {
  const { w, c, rss } = idled[i];
  idleRows.push(`| idle, ${what}, ${IDLE} s from ${FROM / 1000} s after start | ${name} | ${w} context switches, ${c * 10} ms CPU | RSS ${(rss / 1024).toFixed(1)} MB |`);
  report({ workload: `idle, ${what}: context switches in the ${IDLE} s from ${FROM / 1000} s after start`, contender: name, value: w, unit: 'switches', note: `${c * 10} ms CPU; RSS ${(rss / 1024).toFixed(1)} MB` });
});
console.log(`| workload | contender | median (n=${RUNS}) | ratio to floor |`);
console.log('|---|---|---|---|');
for (const r of [...rows, ...idleRows]) console.log(r);
