// Restart latency, two ways:
//  1. crash: a program that runs 1.1 s, then exits 1, under a supervisor that restarts it at
//     once: time from the program's exit to the next incarnation's first line, from timestamps
//     the program writes itself (`date +%s%N` to a file), so the supervisors' output handling
//     does not count. pidone (YAML, backoff initial 0; and the same INI file supervisord runs),
//     supervisord 4.2.5 (autorestart=true), pm2-runtime (restart_delay 0) and concurrently
//     (--restart-tries -1 --restart-after 0) when installed. The program lives longer than 1 s
//     because pidone, like s6 and supervisord's tick, never respawns sooner than 1 s after the
//     previous spawn: this measures the mechanism, not a crash-loop brake.
//  2. command: `pidone restart NAME` against `supervisorctl restart NAME` (startsecs=0 for
//     both): the client's wall time (it waits until RUNNING, like supervisorctl), and the time
//     from issuing the command to the new process's first line.
// Every supervisor runs as PID 1 of its own PID namespace when root (unshare --kill-child).
// usage: node bench/restart.mjs     env: CYCLES=8 RUNS=10
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, ROOT, fmt, haveDist, killGroup, median, report, sleep, startIsolated, timeRun, which } from './lib.mjs';

haveDist();
const CYCLES = Number(process.env.CYCLES ?? 8);
const RUNS = Number(process.env.RUNS ?? 10);
const node = process.execPath;
const work = mkdtempSync(join(tmpdir(), 'pidone-bench-restart-'));
const started = [];
process.on('exit', () => {
  for (const p of started) killGroup(p);
  rmSync(work, { recursive: true, force: true });
});
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

function crashCmd(file) {
  return `echo start $(date +%s%N) >> ${file}; sleep 1.1; echo end $(date +%s%N) >> ${file}; exit 1`;
}
function marks(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => { const [k, v] = l.split(' '); return [k, BigInt(v)]; });
}
/** Gaps between each "end" and the "start" after it, in ms. */
function gaps(file) {
  const out = [];
  const m = marks(file);
  for (let i = 1; i < m.length; i++) if (m[i - 1][0] === 'end' && m[i][0] === 'start') out.push(Number(m[i][1] - m[i - 1][1]) / 1e6);
  return out;
}

function supervisordConf(name, command, extra = '') {
  const sock = join(work, `${name}.sock`);
  const conf = join(work, `${name}.conf`);
  writeFileSync(conf, `[supervisord]\nnodaemon=true\nlogfile=/dev/null\nlogfile_maxbytes=0\npidfile=${join(work, `${name}.pid`)}\n`
    + `[unix_http_server]\nfile=${sock}\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n`
    + `[supervisorctl]\nserverurl=unix://${sock}\n`
    + `[program:p]\ncommand=sh -c "${command.replace(/%/g, '%%')}"\nstdout_logfile=NONE\nstderr_logfile=NONE\n${extra}`);
  return { conf, sock };
}

// 1. Crash restarts.
const supervisord = which('supervisord', '/usr/bin/supervisord');
const supervisorctl = which('supervisorctl', '/usr/bin/supervisorctl');
const pm2 = which(join(ROOT, 'bench/node_modules/.bin/pm2-runtime'));
const concurrently = which(join(ROOT, 'bench/node_modules/.bin/concurrently'));
const crash = [
  ['pidone (YAML, restart: always, backoff initial 0)', (f) => {
    const conf = join(work, 'crash.yaml');
    writeFileSync(conf, `settings: { control: { socket: ${join(work, 'crash-yaml.sock')} } }\nprograms:\n  p:\n    command: ${JSON.stringify(crashCmd(f))}\n    restart: always\n    backoff: { initial: 0s, max: 1s }\n`);
    return [node, DIST, '-c', conf];
  }],
  ['pidone (supervisord.conf, autorestart=true)', (f) => [node, DIST, '-c', supervisordConf('crash-pidone', crashCmd(f), 'autorestart=true\nstartretries=1000\n').conf]],
];
if (supervisord) crash.push(['supervisord 4.2.5 (autorestart=true)', (f) => [supervisord, '-n', '-c', supervisordConf('crash-supervisord', crashCmd(f), 'autorestart=true\nstartretries=1000\n').conf]]);
if (pm2) {
  crash.push(['pm2-runtime (restart_delay 0)', (f) => {
    const conf = join(work, 'crash.config.js');
    writeFileSync(conf, `module.exports = ${JSON.stringify({ apps: [{ name: 'p', script: 'sh', args: ['-c', crashCmd(f)], interpreter: 'none', autorestart: true, restart_delay: 0, max_restarts: 1000, min_uptime: 100 }] })};\n`);
    return [pm2, conf];
  }]);
}
if (concurrently) crash.push(['concurrently (--restart-after 0)', (f) => [concurrently, '--restart-tries', '-1', '--restart-after', '0', `sh -c '${crashCmd(f)}'`]]);

const crashRows = [];
for (const [name, argvOf] of crash) {
  const file = join(work, `marks-${crashRows.length}`);
  const env = { ...process.env, PM2_HOME: join(work, `pm2-${crashRows.length}`) };
  const proc = startIsolated(argvOf(file), { stdio: 'ignore', env });
  started.push(proc);
  const deadline = Date.now() + (CYCLES + 3) * 1500 + 5000;
  while (gaps(file).length < CYCLES && Date.now() < deadline) await sleep(200);
  killGroup(proc);
  const g = gaps(file);
  crashRows.push({ name, ms: median(g), n: g.length });
  await sleep(300);
}

// 2. Restart by command.
const cmdRows = [];
async function byCommand(name, startArgv, clientArgv, file) {
  const proc = startIsolated(startArgv, { stdio: 'ignore' });
  started.push(proc);
  const t0 = Date.now();
  while (marks(file).length === 0) {
    if (Date.now() - t0 > 30_000) throw new Error(`${name}: the program never started`);
    await sleep(100);
  }
  await sleep(300);
  const wall = [];
  const toSpawn = [];
  for (let i = 0; i < RUNS; i++) {
    const before = marks(file).length;
    const issued = nowNs();
    wall.push(timeRun(clientArgv));
    const m = marks(file);
    if (m.length > before) toSpawn.push(Number(m[m.length - 1][1] - issued) / 1e6);
  }
  killGroup(proc);
  cmdRows.push({ name, wall: median(wall), spawn: median(toSpawn) });
}
{
  const file = join(work, 'cmd-pidone');
  const sock = join(work, 'cmd-pidone.sock');
  const conf = join(work, 'cmd.yaml');
  writeFileSync(conf, `settings: { control: { socket: ${sock} } }\nprograms:\n  p:\n    command: ${JSON.stringify(`echo start $(date +%s%N) >> ${file}; exec sleep 1000`)}\n`);
  await byCommand('pidone restart p', [node, DIST, '-c', conf], [node, DIST, 'restart', 'p', '-s', sock], file);
}
if (supervisord && supervisorctl) {
  const file = join(work, 'cmd-supervisord');
  const { conf } = supervisordConf('cmd-supervisord', `echo start $(date +%s%N) >> ${file}; exec sleep 1000`, 'startsecs=0\n');
  await byCommand('supervisorctl restart p (supervisord 4.2.5)', [supervisord, '-n', '-c', conf], [supervisorctl, '-c', conf, 'restart', 'p'], file);
}
spawnSync('true');

const base = crashRows[0].ms;
console.log(`| restart after a crash (exit 1 -> next start) | contender | median | vs pidone |`);
console.log('|---|---|---|---|');
for (const r of crashRows) {
  console.log(`| crash restart | ${r.name} | ${Number.isNaN(r.ms) ? 'no restart seen' : `${fmt(r.ms)} ms (n=${r.n})`} | ${Number.isNaN(r.ms) ? '' : `${(r.ms / base).toFixed(1)}x`} |`);
  report({ workload: 'restart latency after a crash', contender: r.name, value: r.ms, unit: 'ms', ratio: r.ms / base, base: 'pidone' });
}
const cbase = cmdRows[0];
console.log('\n| restart by command | contender | client wall time | command -> new process | wall vs pidone |');
console.log('|---|---|---|---|---|');
for (const r of cmdRows) {
  console.log(`| restart by command | ${r.name} | ${fmt(r.wall)} ms | ${fmt(r.spawn)} ms | ${(r.wall / cbase.wall).toFixed(1)}x |`);
  report({ workload: 'restart by command (client wall time)', contender: r.name, value: r.wall, unit: 'ms', ratio: r.wall / cbase.wall, base: 'pidone' });
}
