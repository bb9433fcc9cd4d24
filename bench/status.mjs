// Issue 7 benchmark: `pidone status` against 1,000 programs (`sleep 1000` each), wall time of
// the CLI process, median of repeated runs; beside it `node -e 0` (the floor of any Node CLI
// on this machine), the server's own answer time for GET /api/programs, and, when installed,
// `supervisorctl status` against supervisord with the same 1,000 programs in the same run.
// Goal: under 50 ms. usage: node bench/status.mjs     env: PROGRAMS=1000 RUNS=20
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, fmt, haveDist, median, report, sleep, timeRun, which } from './lib.mjs';

haveDist();
const N = Number(process.env.PROGRAMS ?? 1000);
const RUNS = Number(process.env.RUNS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'pidone-bench-status-'));
const node = process.execPath;
const started = [];

/** Starts argv in a fresh PID namespace when possible, so everything it spawned dies with it. */
function startIsolated(argv) {
  const unshare = process.getuid?.() === 0 ? which('unshare') : null;
  const cmd = unshare ? [unshare, '--pid', '--fork', '--mount-proc', '--kill-child', ...argv] : argv;
  const proc = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  started.push(proc);
  return proc;
}

async function waitFor(check, what, ms = 120_000, explain = () => '') {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}: ${explain()}`);
    await sleep(250);
  }
}

function answerMs(socket, path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    request({ socketPath: socket, path, headers: { Host: 'localhost' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    }).on('error', reject).end();
  });
}

const rows = [];
try {
  // pidone
  const sock = join(dir, 'pidone.sock');
  const programs = Array.from({ length: N }, (_, i) => `  p${String(i).padStart(4, '0')}:\n    command: [sleep, "1000"]\n`).join('');
  writeFileSync(join(dir, 'pidone.yaml'), `settings:\n  control: { socket: ${sock} }\nprograms:\n${programs}`);
  startIsolated([node, DIST, '-c', join(dir, 'pidone.yaml')]);
  const status = [node, DIST, 'status', '-s', sock];
  const why = () => {
    const r = spawnSync(status[0], status.slice(1), { encoding: 'utf8' });
    return `pidone status exited ${r.status}; ${(r.stderr || r.stdout).split('\n').slice(0, 5).join(' / ')}`;
  };
  await waitFor(() => { try { return timeRun(status) >= 0; } catch { return false; } }, `${N} pidone programs RUNNING`, 120_000, why);
  const floor = [];
  const cli = [];
  const server = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(timeRun([node, '-e', '0']));
    cli.push(timeRun(status));
    server.push(await answerMs(sock, '/api/programs'));
  }
  rows.push(['node -e 0 (floor of any Node CLI)', median(floor)]);
  rows.push([`pidone status (${N} programs)`, median(cli)]);
  rows.push([`pidone server: GET /api/programs (${N} programs)`, median(server)]);

  // supervisord, when installed
  const supervisord = which('supervisord', '/usr/bin/supervisord');
  const supervisorctl = which('supervisorctl', '/usr/bin/supervisorctl');
  if (supervisord && supervisorctl) {
    const ssock = join(dir, 'supervisor.sock');
    const conf = join(dir, 'supervisord.conf');
    const sections = Array.from({ length: N }, (_, i) => `[program:p${String(i).padStart(4, '0')}]\ncommand=sleep 1000\nstdout_logfile=NONE\nstderr_logfile=NONE\n`).join('');
    writeFileSync(conf, `[supervisord]\nnodaemon=true\nlogfile=${join(dir, 'supervisord.log')}\npidfile=${join(dir, 'supervisord.pid')}\nchildlogdir=${dir}\nminfds=8192\n`
      + `[unix_http_server]\nfile=${ssock}\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n`
      + `[supervisorctl]\nserverurl=unix://${ssock}\n${sections}`);
    startIsolated([supervisord, '-c', conf]);
    const sstatus = [supervisorctl, '-c', conf, 'status'];
    // supervisorctl exits 0 once nothing is STARTING, STOPPED or EXITED any more.
    await waitFor(() => { try { return timeRun(sstatus) >= 0; } catch { return false; } }, `${N} supervisord programs RUNNING`);
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(timeRun(sstatus));
    rows.push([`supervisorctl status against supervisord 4.2.5 (${N} programs)`, median(times)]);
  } else {
    rows.push(['supervisorctl status (supervisor not installed)', NaN]);
  }
} finally {
  for (const p of started) {
    try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  rmSync(dir, { recursive: true, force: true });
}

for (const [name, ms] of rows) {
  if (!Number.isNaN(ms)) report({ workload: `status of ${N} programs (client wall time)`, contender: name, value: ms, unit: 'ms', ratio: ms / rows[1][1], base: 'pidone status' });
  const verdict = name.startsWith('pidone status') ? (ms < 50 ? ' (goal < 50 ms: met)' : ' (goal < 50 ms: missed)') : '';
  console.log(`status bench | ${name} | ${Number.isNaN(ms) ? 'n/a' : `${fmt(ms)} ms median of ${RUNS}`}${verdict}`);
}
