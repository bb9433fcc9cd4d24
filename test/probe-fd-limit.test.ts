// A readiness probe that pidone cannot run for lack of descriptors says nothing about the
// program: not counted against its retries, retried, and the program becomes ready once
// descriptors are back (it used to go FATAL).
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { afterEach, test } from 'node:test';
import { type Daemon, startDaemon } from './support/daemon.ts';
import { lowestFreeFd, setFdLimit, settledFdCount } from './support/fds.ts';
import { killAll } from './support/pid1.ts';

let d: Daemon | null = null;
afterEach(() => {
  killAll();
  d?.cleanup();
  d = null;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('a probe pidone has no descriptor for is not counted: retried until descriptors are back, then ready', { timeout: 60_000 }, async () => {
  const port = await freePort();
  // The first attempt waits 3 s: time to take pidone to its limit once web is running.
  d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  web:
    command: [python3, -c, "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', ${port})); s.listen(); time.sleep(1000)"]
    ready: { tcp: "127.0.0.1:${port}", initial_delay: 3s, interval: 100ms, retries: 2 }
`);
  await d.run.line((l) => l.includes("spawned: 'web'"), 10_000);
  const pid = await d.run.hostPid();
  await settledFdCount(pid);
  setFdLimit(pid, lowestFreeFd(pid)); // not one descriptor left to open
  // The 4th attempt skipped: one more than retries + 1, where web used to be FATAL.
  await d.run.line((l) => l.includes('web: readiness probe not run') && l.includes('(4 times so far)'), 20_000);
  assert.ok(!d.run.stdout.some((l) => l.includes('gave up: web')), d.run.stdout.join('\n'));
  setFdLimit(pid, 4096);
  await d.run.line((l) => l.includes('ready: web passed its readiness probe'), 10_000);
  assert.ok(!d.run.stdout.some((l) => l.includes('gave up: web')), d.run.stdout.join('\n'));
});
