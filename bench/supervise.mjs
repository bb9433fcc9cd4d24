// Issues 5 and 17: N programs `sh -c 'echo ready; exec sleep 1000'`: time from the
// supervisor's start until every program printed "ready", then from SIGTERM until the
// supervisor exited with everything stopped; pidone against node-min (bench/node-min.mjs, the
// floor of any Node supervisor), supervisord, concurrently and pm2-runtime when installed
// (bench/node_modules: `npm --prefix bench install`). Then BIG programs: pidone, node-min and
// sh starting them with no supervisor (the floor of the machine): time until all are up,
// until all stopped, RSS. Goals (issue 17): 50 up <= 0.9x node-min, 50 down <= node-min,
// 1,000 programs up in < 1 s and < 100 MB RSS.
// usage: node bench/supervise.mjs     env: N=50 RUNS=5 BIG=1000 BIG_RUNS=3
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, NODE_MIN, ROOT, fmt, haveDist, killGroup, median, report, rssKb, sleep, startUntil, stopTime, which } from './lib.mjs';

haveDist();
const N = Number(process.env.N ?? 50);
const RUNS = Number(process.env.RUNS ?? 5);
const BIG = Number(process.env.BIG ?? 1000);
const BIG_RUNS = Number(process.env.BIG_RUNS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'pidone-bench-sup-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const CMD = 'echo ready; exec sleep 1000';
const names = (n) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(4, '0')}`);

function pidoneConfig(n) {
  const file = join(work, `pidone-${n}.yaml`);
  writeFileSync(file, `settings: { control: { socket: ${join(work, `pidone-${n}.sock`)} } }\nprograms:\n${names(n).map((p) => `  ${p}: { command: "${CMD}" }`).join('\n')}\n`);
  return file;
}
function supervisordConfig(n) {
  const file = join(work, `supervisord-${n}.conf`);
  const progs = names(n).map((p) => `[program:${p}]\ncommand=sh -c "${CMD}"\nstdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\nstartsecs=0\n`);
  writeFileSync(file, `[supervisord]\nnodaemon=true\nlogfile=/dev/null\nlogfile_maxbytes=0\npidfile=${work}/supervisord.pid\n\n${progs.join('\n')}`);
  return file;
}
function pm2Config(n) {
  const file = join(work, `ecosystem-${n}.config.js`);
  const apps = names(n).map((p) => ({ name: p, script: 'sh', args: ['-c', CMD], interpreter: 'none', autorestart: false }));
  writeFileSync(file, `module.exports = ${JSON.stringify({ apps })};\n`);
  return file;
}

const contenders = [
  ['node-min (floor)', () => [process.execPath, NODE_MIN, ...names(N).map((p) => `${p}=${CMD}`)], {}],
  ['pidone', () => [process.execPath, DIST, '-c', pidoneConfig(N)], {}],
];
const supervisord = which('supervisord', '/usr/bin/supervisord');
if (supervisord) contenders.push(['supervisord 4.2.5', () => [supervisord, '-n', '-c', supervisordConfig(N)], { fifo: true }]);
const concurrently = which(join(ROOT, 'bench/node_modules/.bin/concurrently'));
if (concurrently) contenders.push(['concurrently', () => [concurrently, ...names(N).map(() => `sh -c '${CMD}'`)], {}]);
const pm2 = which(join(ROOT, 'bench/node_modules/.bin/pm2-runtime'));
if (pm2) contenders.push(['pm2-runtime', () => [pm2, pm2Config(N)], { env: { ...process.env, PM2_HOME: join(work, 'pm2') } }]);

// Interleaved, round after round, so a noisy moment on this shared machine hits every
// contender alike.
const results = contenders.map(([name]) => ({ name, up: [], down: [], error: null }));
for (let i = 0; i < RUNS; i++) {
  for (const [k, [, argvOf, opts]] of contenders.entries()) {
    const r = results[k];
    if (r.error) continue;
    let proc = null;
    try {
      const started = await startUntil(argvOf(), /ready\s*$/, N, opts);
      proc = started.proc;
      r.up.push(started.ms);
      await sleep(300);
      r.down.push(await Promise.race([stopTime(proc), sleep(30_000).then(() => Infinity)]));
    } catch (err) {
      r.error = err.message;
    } finally {
      if (proc) killGroup(proc);
      await sleep(200);
    }
  }
}
for (const r of results) {
  r.up = median(r.up);
  r.down = median(r.down);
}

// BIG programs: pidone against node-min and against the machine's own floor, sh starting the
// same BIG commands in the background with nothing in between (each program's own start-up,
// sh's and then sleep's, is most of the cost on a small machine). RSS once everything runs.
const bigContenders = [
  ['sh & (floor: no supervisor)', () => ['sh', '-c', `i=0; while [ $i -lt ${BIG} ]; do sh -c '${CMD}' & i=$((i+1)); done; wait`], false],
  ['node-min', () => [process.execPath, NODE_MIN, ...names(BIG).map((p) => `${p}=${CMD}`)], true],
  ['pidone', () => [process.execPath, DIST, '-c', pidoneConfig(BIG)], true],
];
const bigRuns = bigContenders.map(() => ({ up: [], down: [], rss: [], hwm: [] }));
for (let i = 0; i < BIG_RUNS; i++) {
  for (const [k, [, argvOf, stops]] of bigContenders.entries()) {
    const { proc, ms } = await startUntil(argvOf(), /ready\s*$/, BIG);
    const r = bigRuns[k];
    r.up.push(ms);
    await sleep(1000);
    r.rss.push(rssKb(proc.pid) / 1024);
    r.hwm.push(rssKb(proc.pid, 'VmHWM') / 1024);
    if (stops) r.down.push(await stopTime(proc));
    killGroup(proc);
    await sleep(500);
  }
}
const big = bigRuns.map((r) => ({ up: median(r.up), down: median(r.down), rss: median(r.rss), hwm: median(r.hwm) }));

const floor = results[0];
console.log(`| workload (${N} programs, median of ${RUNS}) | contender | all up | all stopped | up vs node-min | down vs node-min |`);
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  if (r.error) console.log(`| supervise ${N} | ${r.name} | error: ${r.error} | | | |`);
  else console.log(`| supervise ${N} | ${r.name} | ${fmt(r.up)} ms | ${fmt(r.down)} ms | ${(r.up / floor.up).toFixed(2)}x | ${(r.down / floor.down).toFixed(2)}x |`);
  if (!r.error) {
    report({ workload: `${N} programs: start until all printed ready`, contender: r.name, value: r.up, unit: 'ms', ratio: r.up / floor.up, base: 'node-min' });
    report({ workload: `${N} programs: SIGTERM until all stopped`, contender: r.name, value: r.down, unit: 'ms', ratio: r.down / floor.down, base: 'node-min' });
  }
}
console.log('');
console.log(`| workload (${BIG} programs, median of ${BIG_RUNS}) | contender | all up | all stopped | up vs floor | RSS |`);
console.log('|---|---|---|---|---|---|');
bigContenders.forEach(([name, , stops], k) => {
  const b = big[k];
  console.log(`| supervise ${BIG} | ${name} | ${fmt(b.up)} ms | ${stops ? `${fmt(b.down)} ms` : '-'} | ${(b.up / big[0].up).toFixed(2)}x | ${stops ? `${b.rss.toFixed(1)} MB (peak ${b.hwm.toFixed(1)} MB)` : '-'} |`);
  const goal = name === 'pidone' ? 'goal < 1000 ms; ' : '';
  report({ workload: `${BIG} programs: start until all printed ready`, contender: name, value: b.up, unit: 'ms', ratio: b.up / big[0].up, base: 'sh floor', note: stops ? `${goal}down in ${fmt(b.down)} ms` : '' });
});
const mine = big[2];
report({ workload: `${BIG} programs running: pidone RSS`, contender: 'pidone', value: mine.rss, unit: 'MB', note: `goal < 100 MB; peak ${mine.hwm.toFixed(1)} MB; node-min ${big[1].rss.toFixed(1)} MB` });
