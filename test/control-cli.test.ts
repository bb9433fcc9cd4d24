// `pidone status|start|stop|restart|signal|logs|reload|shutdown` against the built pidone:
// output, and the exit codes a Docker HEALTHCHECK relies on (0 ready, 1 not, 2 usage, 4 none).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { afterEach, test } from 'node:test';
import { type Daemon, startDaemon, until } from './support/daemon.ts';
import { BASE_ENV, DIST, killAll, runPidone } from './support/pid1.ts';

let d: Daemon | null = null;
afterEach(() => {
  killAll();
  d?.cleanup();
  d = null;
});

const CONFIG = `settings:
  control: { socket: SOCKET }
programs:
  migrate:
    command: sh -c 'echo migrated'
    oneshot: true
  web:
    command: sh -c 'echo serving; echo warn >&2; exec sleep 1000'
    depends_on: { migrate: completed_successfully }
  tool:
    command: sleep 1000
    autostart: false
`;

test('status exits 0 when every program meant to run runs (a stopped or manual one and a finished job are fine)', async () => {
  d = await startDaemon(CONFIG);
  const ctl = (...a: string[]) => d!.pidone([...a, '-s', d!.socket]);
  await until(async () => (await ctl('status')).code === 0, 10_000, 'status 0');
  const s = await ctl('status');
  assert.match(s.stdout, /^migrate {26}EXITED {4}\w{3} \d\d \d\d:\d\d [AP]M$/m);
  assert.match(s.stdout, /^tool {29}STOPPED {3}Not started$/m);
  assert.match(s.stdout, /^web {30}RUNNING {3}pid \d+, uptime \d:\d\d:\d\d$/m);
  assert.deepEqual(await ctl('stop', 'web'), { code: 0, stdout: 'web: stopped\n', stderr: '' });
  assert.equal((await ctl('status')).code, 0, 'stopped by a person is not a failure');
  assert.deepEqual(await ctl('start', 'web', 'tool'), { code: 0, stdout: 'web: started\ntool: started\n', stderr: '' });
  assert.deepEqual(await ctl('start', 'web'), { code: 0, stdout: 'web: ERROR (already started)\n', stderr: '' });
  assert.deepEqual(await ctl('restart', 'web'), { code: 0, stdout: 'web: restarted\n', stderr: '' });
  const sig = await ctl('signal', 'CONT', 'all');
  assert.deepEqual([sig.code, sig.stdout.split('\n').sort()], [0, ['', 'tool: signalled', 'web: signalled']]);
  const json = JSON.parse((await ctl('status', '--json', 'web')).stdout);
  assert.deepEqual([json.programs.length, json.programs[0].name, json.programs[0].healthy], [1, 'web', true]);
  const unknown = await ctl('status', 'nosuch');
  assert.deepEqual([unknown.code, unknown.stdout], [1, 'nosuch: ERROR (no such process)\n']);
  assert.deepEqual(await ctl('stop', 'nosuch'), { code: 1, stdout: 'nosuch: ERROR (no such process)\n', stderr: '' });
  assert.deepEqual(await ctl('signal', 'NOPE', 'web'), { code: 1, stdout: 'web: ERROR (bad signal name)\n', stderr: '' });
});

test('logs: last bytes, stderr, and -f following new output', async () => {
  d = await startDaemon(CONFIG);
  const ctl = (...a: string[]) => d!.pidone([...a, '-s', d!.socket]);
  await until(async () => (await ctl('status', 'web')).code === 0, 10_000, 'web running');
  assert.deepEqual(await ctl('logs', 'web'), { code: 0, stdout: 'serving\n', stderr: '' });
  assert.deepEqual(await ctl('logs', '--stderr', 'web'), { code: 0, stdout: 'warn\n', stderr: '' });
  assert.deepEqual(await ctl('logs', '-n', '4', 'web'), { code: 0, stdout: 'ing\n', stderr: '' });
  assert.deepEqual(await ctl('logs', 'nosuch'), { code: 1, stdout: 'nosuch: ERROR (no such process)\n', stderr: '' });
  const f = spawn(process.execPath, [DIST, 'logs', '-f', 'web', '-s', d.socket], { env: BASE_ENV });
  let out = '';
  f.stdout.on('data', (c) => (out += c));
  try {
    await until(() => out === 'serving\n', 5000, 'the tail');
    await ctl('restart', 'web');
    await until(() => out === 'serving\nserving\n', 5000, `the new line (got ${JSON.stringify(out)})`);
  } finally {
    f.kill();
  }
});

test('logs of several programs: all, group:*, names; each line prefixed; -f follows them together', async () => {
  d = await startDaemon(`${CONFIG}  pair:
    command: sh -c 'echo "pair says $SUPERVISOR_PROCESS_NAME"; exec sleep 1000'
    numprocs: 2
`);
  const ctl = (...a: string[]) => d!.pidone([...a, '-s', d!.socket]);
  await until(async () => (await ctl('logs', 'pair:*')).stdout.split('\n').length === 3, 10_000, 'both pair processes wrote');
  assert.deepEqual(await ctl('logs', 'all'), {
    code: 0, stderr: '',
    stdout: 'migrate | migrated\npair:0  | pair says pair:0\npair:1  | pair says pair:1\nweb     | serving\n',
  });
  assert.deepEqual(await ctl('logs', '--stderr', 'web', 'tool'), { code: 0, stdout: 'web  ! warn\n', stderr: '' });
  assert.deepEqual(await ctl('logs', 'pair:*'), { code: 0, stdout: 'pair:0 | pair says pair:0\npair:1 | pair says pair:1\n', stderr: '' });
  assert.deepEqual(await ctl('logs', 'web', 'nosuch'), { code: 1, stdout: 'nosuch: ERROR (no such process)\n', stderr: '' });
  assert.deepEqual(await ctl('logs', 'pair'), { code: 1, stdout: 'pair: ERROR (no such process; pair is a group: name it pair:*)\n', stderr: '' });
  const f = spawn(process.execPath, [DIST, 'logs', '-f', 'web', 'pair:1', '-s', d.socket], { env: BASE_ENV });
  let out = '';
  f.stdout.on('data', (c) => (out += c));
  try {
    await until(() => out === 'pair:1 | pair says pair:1\nweb    | serving\n', 5000, `the tails (got ${JSON.stringify(out)})`);
    await ctl('restart', 'web', 'pair:1');
    await until(() => out.split('\n').length === 5, 5000, `the new lines (got ${JSON.stringify(out)})`);
    assert.deepEqual(out.split('\n').slice(2, 4).sort(), ['pair:1 | pair says pair:1', 'web    | serving']);
  } finally {
    f.kill();
  }
});

test('a failing program makes status exit 1 and says why; reload applies or rejects a config', async () => {
  d = await startDaemon(CONFIG.replace("echo migrated'", "echo failed; exit 4'"));
  const ctl = (...a: string[]) => d!.pidone([...a, '-s', d!.socket]);
  await until(async () => (await ctl('status', 'migrate')).stdout.includes('EXITED'), 10_000, 'migrate done');
  const s = await ctl('status');
  assert.equal(s.code, 1, JSON.stringify(s));
  assert.match(s.stderr, /^pidone: not ready: migrate exited \(exit status 4\); web not started: dependency migrate completed unsuccessfully/);
  d.write(CONFIG);
  const r = await ctl('reload');
  assert.deepEqual(r, { code: 0, stdout: 'reloaded: added none; removed none; changed migrate\n', stderr: '' });
  await until(async () => (await ctl('status')).code === 0, 10_000, 'all ready after reload');
  d.write(`${CONFIG}  bad: { command: [ }\n`);
  const bad = await ctl('reload');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^pidone: the config has errors; nothing was changed\n {2}.*pidone\.yaml:\d+:\d+: /);
  assert.equal((await ctl('status')).code, 0, 'still running as before');
});

test('usage errors exit 2, no pidone exits 4, shutdown waits for the end', async () => {
  const none = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const p = spawn(process.execPath, [DIST, 'status'], { env: { ...BASE_ENV, PIDONE_SOCKET: '/nonexistent/pidone.sock' } });
    let err = '';
    p.stderr.on('data', (c) => (err += c));
    p.on('close', (code) => resolve({ code, err }));
  });
  assert.deepEqual(none, { code: 4, err: 'pidone: no pidone answered at unix:///nonexistent/pidone.sock: no such file (is pidone running? choose the socket with -s or PIDONE_SOCKET)\n' });
  d = await startDaemon(CONFIG);
  const ctl = (...a: string[]) => d!.pidone([...a, '-s', d!.socket]);
  for (const args of [['start'], ['status', '--bogus'], ['signal', 'HUP'], ['logs'], ['reload', 'x']]) {
    const r = await ctl(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^pidone: .*\nusage:/, args.join(' '));
  }
  assert.equal((await ctl('status', '--help')).code, 0);
  assert.deepEqual(await ctl('shutdown'), { code: 0, stdout: 'Shut down: pidone exits with code 0 (shutdown requested by a control client)\n', stderr: '' });
  assert.equal((await d.run.exited).code, 0);
  assert.equal((await ctl('status')).code, 4);
});

test('a socket guarded by credentials: the client sends PIDONE_TOKEN', async () => {
  d = await startDaemon(CONFIG.replace('{ socket: SOCKET }', `{ socket: SOCKET, token: ${'s'.repeat(20)} }`));
  const denied = await d.pidone(['status', '-s', d.socket]);
  assert.deepEqual([denied.code, denied.stderr], [1, 'pidone: Unauthorized (set PIDONE_TOKEN, or PIDONE_USERNAME and PIDONE_PASSWORD)\n']);
  await until(async () => (await d!.pidone(['status', '-s', d!.socket], { ...BASE_ENV, PIDONE_TOKEN: 's'.repeat(20) })).code === 0, 10_000, 'status with token');
});

test('a second pidone on a socket that answers exits 2 and starts nothing; the first keeps its socket', async () => {
  d = await startDaemon(CONFIG);
  const second = runPidone(['-c', d.config]);
  const exit = await second.exited;
  assert.equal(exit.code, 2, second.stdout.join('\n'));
  const out = second.stdout.join('\n');
  assert.match(out, /control: another program is already listening on .*ctl\.sock/);
  assert.doesNotMatch(out, /spawned:/);
  await until(async () => (await d!.pidone(['status', 'web', '-s', d!.socket])).code === 0, 10_000, 'the first still serving');
});
