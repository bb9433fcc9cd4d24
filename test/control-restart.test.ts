// `supervisorctl reload` (supervisor.restart) restarts everything as supervisord does: new
// pids, restart counts from zero, a program started by hand stopped again, AUTO logs empty,
// dependencies started in order again; `pidone reload` keeps restarting only what changed.
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { type Daemon, exec, startDaemon, until } from './support/daemon.ts';
import { BASE_ENV, killAll } from './support/pid1.ts';

const CONFIG = `settings:
  control: { socket: SOCKET }
programs:
  db:
    command: sh -c 'echo db up; exec sleep 1000'
  web:
    command: sh -c 'echo web up; exec sleep 1000'
    depends_on: { db: started }
  flaky:
    command: sh -c 'test -e FLAG || { touch FLAG; exit 1; }; exec sleep 1000'
    startsecs: 0
  manual:
    command: sleep 1000
    autostart: false
`;

interface View { name: string; state: string; pid: number; restarts: number; description: string }

let d: Daemon;
before(async () => {
  d = await startDaemon(CONFIG.replaceAll('FLAG', `${process.env.TMPDIR ?? '/tmp'}/pidone-restart-flag-${process.pid}`));
});
after(() => {
  killAll();
  d?.cleanup();
  exec(['rm', '-f', `${process.env.TMPDIR ?? '/tmp'}/pidone-restart-flag-${process.pid}`]);
});

async function programs(): Promise<Record<string, View>> {
  const r = await d.pidone(['status', '--json', '-s', d.socket]);
  return Object.fromEntries((JSON.parse(r.stdout).programs as View[]).map((p) => [p.name, p]));
}
const ctl = (...args: string[]) => exec(['supervisorctl', '-s', `unix://${d.socket}`, ...args], BASE_ENV);
const running = async (names: string[]) => {
  const p = await programs();
  return names.every((n) => p[n]?.state === 'RUNNING');
};

test('supervisorctl reload: every program anew, the one started by hand stopped, dependencies in order', async () => {
  await until(() => running(['db', 'web', 'flaky']), 10_000, 'all RUNNING');
  assert.deepEqual(await ctl('start', 'manual'), { code: 0, stdout: 'manual: started\n', stderr: '' });
  const was = await programs();
  assert.equal(was.flaky!.restarts, 1, 'flaky failed once before it ran');
  const mark = d.run.stdout.length;
  assert.deepEqual(await ctl('reload'), { code: 0, stdout: 'Restarted supervisord\n', stderr: '' });
  await until(async () => {
    const p = await programs();
    return ['db', 'web', 'flaky'].every((n) => p[n]!.state === 'RUNNING' && p[n]!.pid !== was[n]!.pid);
  }, 15_000, 'new pids, all RUNNING');
  const now = await programs();
  assert.equal(now.manual!.state, 'STOPPED');
  assert.equal(now.manual!.description, 'Not started', 'a fresh record, as after a start of supervisord');
  assert.equal(now.flaky!.restarts, 0);
  const lines = d.run.stdout.slice(mark);
  const spawned = (n: string) => lines.findIndex((l) => l.includes(`spawned: '${n}'`));
  assert.ok(spawned('db') >= 0 && spawned('web') > spawned('db'), lines.join('\n'));
  const stopped = (n: string) => lines.findIndex((l) => l.includes(`stopped: ${n} (`));
  assert.ok(stopped('web') >= 0 && stopped('db') > stopped('web'), `web stops before db:\n${lines.join('\n')}`);
  assert.deepEqual(await ctl('tail', 'db'), { code: 0, stdout: 'db up\n\n', stderr: '' }, 'the AUTO log starts over');
});

test('pidone reload restarts nothing that did not change', async () => {
  const was = await programs();
  const r = await d.pidone(['reload', '-s', d.socket]);
  assert.equal(r.stdout, 'reloaded: added none; removed none; changed none\n');
  const now = await programs();
  for (const n of ['db', 'web', 'flaky']) assert.equal(now[n]!.pid, was[n]!.pid, n);
});
