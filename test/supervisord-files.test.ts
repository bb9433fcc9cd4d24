// [supervisord] logfile= and pidfile=: written when the config names them (pidone's own lines in
// supervisord's format, rotated; its pid, removed at exit), and not otherwise: supervisord's
// defaults would put supervisord.log and supervisord.pid in the working directory.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { exec, until } from './support/daemon.ts';
import { DIST, killAll, runPidone } from './support/pid1.ts';

let dir: string | null = null;
afterEach(() => {
  killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function conf(supervisord: string): string {
  dir = mkdtempSync(join(tmpdir(), 'pidone-files-'));
  const file = join(dir, 'supervisord.conf');
  writeFileSync(file, `[unix_http_server]
file=%(here)s/ctl.sock

[supervisord]
nodaemon=true
${supervisord}

[program:hello]
command=sh -c "echo hello; exec sleep 1000"
startsecs=0
`);
  return file;
}

const shutdown = (sock: string) => exec([process.execPath, DIST, 'shutdown', '-s', sock]);

test('logfile= gets pidone\'s own lines as supervisord writes them, rotated; pidfile= holds the pid until exit', async () => {
  const file = conf('logfile=%(here)s/main.log\nlogfile_maxbytes=2KB\nlogfile_backups=2\npidfile=%(here)s/sd.pid');
  const run = runPidone(['-c', file], { cwd: dir! });
  const log = join(dir!, 'main.log');
  await until(() => existsSync(log) && readFileSync(log, 'utf8').includes("spawned: 'hello'"), 10_000, 'the main log');
  assert.match(readFileSync(log, 'utf8'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO spawned: 'hello' with pid \d+$/m);
  assert.equal(readFileSync(join(dir!, 'sd.pid'), 'utf8'), '1\n', 'pidone is PID 1 of its namespace');
  // Restarts write lines until the 2 KB file rotates: main.log.1 appears, at most 2 backups.
  const sock = join(dir!, 'ctl.sock');
  for (let i = 0; i < 12 && !existsSync(`${log}.1`); i++) await exec([process.execPath, DIST, 'restart', 'hello', '-s', sock]);
  assert.ok(existsSync(`${log}.1`), readdirSync(dir!).join(' '));
  assert.ok(readFileSync(log).length <= 2048);
  await shutdown(sock);
  assert.equal((await run.exited).code, 0);
  assert.equal(existsSync(join(dir!, 'sd.pid')), false, 'removed at exit');
  assert.match(readFileSync(log, 'utf8'), /INFO exiting with code 0/);
});

test('no logfile= or pidfile=: nothing written to the working directory; logfile=/dev/stdout prints each line once', async () => {
  let file = conf('');
  let run = runPidone(['-c', file], { cwd: dir! });
  await run.line((l) => l.includes("spawned: 'hello'"), 10_000);
  await shutdown(join(dir!, 'ctl.sock'));
  await run.exited;
  assert.deepEqual(readdirSync(dir!).sort(), ['supervisord.conf']);
  rmSync(dir!, { recursive: true, force: true });
  file = conf('logfile=/dev/stdout\nlogfile_maxbytes=0');
  run = runPidone(['-c', file], { cwd: dir! });
  await run.line((l) => l.includes("spawned: 'hello'"), 10_000);
  await shutdown(join(dir!, 'ctl.sock'));
  await run.exited;
  assert.equal(run.stdout.filter((l) => l.includes("spawned: 'hello'")).length, 1, run.stdout.join('\n'));
});
