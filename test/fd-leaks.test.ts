// pidone as PID 1 keeps no descriptor it no longer needs: a spawn that fails (for lack of
// descriptors halfway through, a bad directory, an exec error), a program removed by a reload
// with its log files: afterwards /proc/PID/fd of pidone is back to its first count.
import { strict as assert } from 'node:assert';
import { afterEach, test } from 'node:test';
import { http } from './support/control.ts';
import { type Daemon, startDaemon, until } from './support/daemon.ts';
import { fdSummary, setFdLimit, settledFdCount } from './support/fds.ts';
import { killAll } from './support/pid1.ts';

let d: Daemon | null = null;
afterEach(() => {
  killAll();
  d?.cleanup();
  d = null;
});

const states = async (socket: string): Promise<Map<string, string>> => {
  const r = await http(socket, 'GET', '/api/programs');
  return new Map((JSON.parse(r.body).programs as Array<{ name: string; state: string }>).map((p) => [p.name, p.state]));
};

test('a spawn that runs out of descriptors halfway (after its pipes) leaks none of them', { timeout: 60_000 }, async () => {
  // 30 programs cannot all fit under the limit: the spawns run out of descriptors at every
  // step in turn (first pipe, second pipe, /dev/null) as the running ones fill the table.
  const programs = Array.from({ length: 30 }, (_, i) => `  p${i}: { command: [sleep, "1000"], autostart: false, startretries: 2 }`);
  d = await startDaemon(`settings: { control: { socket: SOCKET } }\nprograms:\n${programs.join('\n')}\n`);
  const pid = await d.run.hostPid();
  const first = await settledFdCount(pid);
  setFdLimit(pid, first + 24);
  assert.equal((await http(d.socket, 'POST', '/api/programs/all/start?wait=0')).status, 200);
  // Spawn errors are retried with backoff: wait for the table to settle, some running, some not.
  await until(async () => [...(await states(d!.socket)).values()].every((s) => s === 'RUNNING' || s === 'BACKOFF' || s === 'FATAL'), 20_000, 'every program RUNNING or waiting to retry');
  const running = [...(await states(d.socket)).values()].filter((x) => x === 'RUNNING').length;
  assert.ok(running > 0 && running < 30, `some programs must have run out of descriptors (RUNNING: ${running} of 30)`);
  await d.run.line((l) => /spawnerr: .*(EMFILE|Too many open files)/i.test(l), 5000); // a spawn ran out of descriptors
  assert.equal((await http(d.socket, 'POST', '/api/programs/all/stop')).status, 200);
  await until(async () => (await states(d!.socket)).get('p0') === 'STOPPED', 5000, 'p0 stopped');
  const last = await settledFdCount(pid);
  assert.equal(last, first, `pidone holds ${last} descriptors, ${first} at first: ${fdSummary(pid)}`);
});
