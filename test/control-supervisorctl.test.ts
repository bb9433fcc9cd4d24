// The real supervisorctl (Debian's supervisor 4.2.5) against the built pidone over /RPC2:
// output lines and exit codes as supervisord.md section 3 gives them for supervisord.
// CI installs supervisor; without it these tests fail, loudly, rather than skip.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { killAll } from './support/pid1.ts';
import { type Daemon, exec, startDaemon, until } from './support/daemon.ts';
import { BASE_ENV } from './support/pid1.ts';

const SUPERVISORCTL = '/usr/bin/supervisorctl';
const CONFIG = `settings:
  control: { socket: SOCKET }
programs:
  hello:
    command: sh -c 'echo hi; echo url=$SUPERVISOR_SERVER_URL; exec sleep 1000'
    startsecs: 1
  quick:
    command: sh -c 'echo bye; exit 3'
    autostart: false
    startsecs: 1
    restart: never
  manual:
    command: sleep 1000
    autostart: false
  pair:
    command: sleep 1000
    numprocs: 2
`;

let d: Daemon;
before(async () => {
  d = await startDaemon(CONFIG);
});
after(() => {
  killAll();
  d?.cleanup();
});

async function ctl(...args: string[]): Promise<{ out: string; code: number | null }> {
  assert.ok(existsSync(SUPERVISORCTL), `${SUPERVISORCTL} is missing: install the Debian package "supervisor" (apt-get install supervisor); CI does`);
  const r = await exec([SUPERVISORCTL, '-s', `unix://${d.socket}`, ...args], BASE_ENV);
  return { out: r.stdout + r.stderr, code: r.code };
}
const row = (name: string, state: string, desc: string | RegExp) =>
  new RegExp(`^${name.padEnd(33)}${state.padEnd(10)}${typeof desc === 'string' ? desc : desc.source}$`, 'm');

test('status: supervisorctl\'s columns; one name; unknown names', async () => {
  await until(async () => (await ctl('status', 'hello')).out.includes('RUNNING'), 10_000, 'hello RUNNING');
  const all = await ctl('status');
  assert.match(all.out, row('hello', 'RUNNING', /pid \d+, uptime 0:00:0\d/));
  assert.match(all.out, row('manual', 'STOPPED', 'Not started'));
  assert.match(all.out, row('pair:0', 'RUNNING', /pid \d+, uptime \S+/));
  assert.match(all.out, row('pair:1', 'RUNNING', /pid \d+, uptime \S+/));
  assert.deepEqual(all.out.trim().split('\n').map((l) => l.split(' ')[0]), ['hello', 'manual', 'pair:0', 'pair:1', 'quick']);
  assert.equal(all.code, 3, "supervisorctl's own rule: 3 when anything is stopped (pidone status does not do this)");
  assert.equal((await ctl('status', 'hello')).code, 0);
  assert.deepEqual(await ctl('status', 'nosuch'), { out: 'nosuch: ERROR (no such process)\n', code: 4 });
});

test('start: started, already started, spawn error, no such process, no such group', async () => {
  assert.deepEqual(await ctl('start', 'manual'), { out: 'manual: started\n', code: 0 });
  assert.deepEqual(await ctl('start', 'hello'), { out: 'hello: ERROR (already started)\n', code: 0 });
  assert.deepEqual(await ctl('start', 'quick'), { out: 'quick: ERROR (spawn error)\n', code: 7 });
  assert.deepEqual(await ctl('start', 'nosuch'), { out: 'nosuch: ERROR (no such process)\n', code: 1 });
  assert.deepEqual(await ctl('start', 'nosuch:*'), { out: 'nosuch: ERROR (no such group)\n', code: 2 });
  assert.deepEqual(await ctl('start', 'pair:*'), { out: '', code: 0 });
});

test('stop, restart, signal: results and exit codes', async () => {
  assert.deepEqual(await ctl('stop', 'manual'), { out: 'manual: stopped\n', code: 0 });
  assert.deepEqual(await ctl('stop', 'manual'), { out: 'manual: ERROR (not running)\n', code: 0 });
  // Group results come in completion order, as supervisord's do.
  const sorted = (r: { out: string; code: number | null }) => ({ lines: r.out.trim().split('\n').sort(), code: r.code });
  assert.deepEqual(sorted(await ctl('stop', 'pair:*')), { lines: ['pair:0: stopped', 'pair:1: stopped'], code: 0 });
  assert.deepEqual(sorted(await ctl('start', 'pair:*')), { lines: ['pair:0: started', 'pair:1: started'], code: 0 });
  assert.deepEqual(await ctl('restart', 'pair:0'), { out: 'pair:0: stopped\npair:0: started\n', code: 0 });
  assert.deepEqual(await ctl('signal', 'HUP', 'manual'), { out: 'manual: ERROR (not running)\n', code: 7 });
  assert.deepEqual(await ctl('signal', 'BOGUS', 'hello'), { out: 'hello: ERROR (bad signal name)\n', code: 1 });
  assert.deepEqual(await ctl('signal', 'CONT', 'hello'), { out: 'hello: signalled\n', code: 0 });
});

test('pid, avail, version', async () => {
  assert.deepEqual(await ctl('pid'), { out: '1\n', code: 0 }, 'pidone is PID 1 of its namespace');
  const info = JSON.parse((await d.pidone(['status', '--json', '-s', d.socket])).stdout);
  const hello = info.programs.find((p: { name: string }) => p.name === 'hello');
  assert.deepEqual(await ctl('pid', 'hello'), { out: `${hello.pid}\n`, code: 0 });
  assert.equal((await ctl('pid', 'all')).out.trim().split('\n').length, 5);
  const avail = await ctl('avail');
  assert.match(avail.out, /^hello {28}in use {4}auto {6}999:999$/m);
  assert.match(avail.out, /^manual {27}in use {4}manual {4}999:999$/m);
  assert.deepEqual((await ctl('version')).out.trim(), JSON.parse((await d.pidone(['status', '--json', '-s', d.socket])).stdout).pidone.version);
});

test('tail, tail -f and maintail read the in-memory logs; children get SUPERVISOR_SERVER_URL', async () => {
  const tail = await ctl('tail', 'hello');
  assert.equal(tail.code, 0);
  assert.ok(tail.out.startsWith(`hi\nurl=unix://${d.socket}\n`), tail.out);
  assert.ok(tail.out.endsWith('\n\n'), 'supervisorctl adds a newline');
  assert.deepEqual(await ctl('tail', 'hello', 'stderr'), { out: '\n', code: 0 });
  assert.deepEqual(await ctl('tail', 'nosuch'), { out: 'nosuch: ERROR (no such process name)\n', code: 1 });
  const follow = await exec(['timeout', '2', SUPERVISORCTL, '-s', `unix://${d.socket}`, 'tail', '-f', 'hello']);
  assert.ok(follow.stdout.startsWith('==> Press Ctrl-C to exit <==\nhi\n'), follow.stdout);
  const main = await ctl('maintail', '-2000');
  assert.match(main.out, /spawned: 'hello' with pid \d+/);
});

test('reread and update: added, changed and removed groups; a broken config is CANT_REREAD', async () => {
  d.write(CONFIG.replace("  manual:\n    command: sleep 1000\n    autostart: false\n", '  added:\n    command: sleep 1001\n').replace('numprocs: 2', 'numprocs: 3'));
  assert.deepEqual(await ctl('reread'), { out: 'added: available\nmanual: disappeared\npair: changed\n', code: 0 });
  assert.deepEqual(await ctl('update'), {
    out: 'manual: stopped\nmanual: removed process group\npair: stopped\npair: updated process group\nadded: added process group\n', code: 0,
  });
  await until(async () => (await ctl('status', 'added')).out.includes('RUNNING'), 5000, 'added RUNNING');
  assert.match((await ctl('status', 'pair:2')).out, /RUNNING/);
  assert.deepEqual(await ctl('update'), { out: '', code: 0 });
  d.write(`${CONFIG}  broken: {command: [}\n`);
  const bad = await ctl('reread');
  assert.match(bad.out, /^ERROR: CANT_REREAD: .*pidone\.yaml:\d+:\d+: /);
  assert.equal(bad.code, 1);
  assert.match((await ctl('status', 'hello')).out, /RUNNING/, 'the running set is untouched');
});

test('shutdown: "Shut down", then pidone exits 0', async () => {
  assert.deepEqual(await ctl('shutdown'), { out: 'Shut down\n', code: 0 });
  const exit = await d.run.exited;
  assert.equal(exit.code, 0, d.run.stdout.join('\n'));
  assert.equal(existsSync(d.socket), false, 'the socket is removed at exit');
  assert.match((await ctl('status')).out, /no such file/);
});
