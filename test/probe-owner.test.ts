// Readiness belongs to the process pidone started: a tcp or http probe answered by someone
// else's listener (an orphaned old server, a process outside pidone's PID namespace) does not
// make a program ready that never opened the port, and pidone says so at start. The program's
// own listener passes, also when a daemon it spawned (adopted by pidone) holds it.
import { strict as assert } from 'node:assert';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterEach, test } from 'node:test';
import { type Daemon, startDaemon } from './support/daemon.ts';
import { killAll } from './support/pid1.ts';

let d: Daemon | null = null;
const servers: Server[] = [];
afterEach(async () => {
  killAll();
  d?.cleanup();
  d = null;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A port nothing listens on (bound once by the kernel's choice, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A python3 command listening on 127.0.0.1:port until killed. */
const listener = (port: number): string =>
  `python3 -c 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", ${port})); s.listen(); time.sleep(1000)'`;

test('an orphaned server holding the port does not make a program ready that never opens it; pidone warns at its start', { timeout: 30_000 }, async () => {
  const port = await freePort();
  // `old` leaves a server behind as a daemon would (setsid, parent gone): pidone adopts the
  // orphan, but it started before `web` and is not web's.
  d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  old:
    command: ["sh", "-c", "(setsid ${listener(port).replaceAll('"', '\\"')} &) ; sleep 0.5"]
    oneshot: true
  web:
    command: [sleep, "1000"]
    depends_on: { old: completed_successfully }
    ready: { tcp: "127.0.0.1:${port}", interval: 100ms, retries: 3 }
`);
  const warned = await d.run.line((l) => l.includes(`web: port ${port}, which its readiness probe checks, is already held by pid`), 10_000);
  assert.match(warned, /held by pid \d+ \(python3\), which pidone did not start for web/);
  const gaveUp = await d.run.line((l) => /gave up: web entered FATAL/.test(l), 10_000);
  assert.match(gaveUp, new RegExp(`127\\.0\\.0\\.1:${port} answers, but pid \\d+ \\(python3\\) holds that port, not web`));
  assert.ok(!d.run.stdout.some((l) => l.includes('ready: web passed')), 'web was never ready');
});

test('a listener outside pidone\'s PID namespace (invisible to it) does not count either', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const foreign = createHttpServer((_req, res) => res.end('ok\n')).listen(port, '127.0.0.1');
  servers.push(foreign);
  d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  web:
    command: [sleep, "1000"]
    ready: { http: "http://127.0.0.1:${port}/", interval: 100ms, retries: 2 }
`);
  await d.run.line((l) => l.includes(`web: port ${port}, which its readiness probe checks, is already held by a process pidone cannot see`), 10_000);
  const gaveUp = await d.run.line((l) => /gave up: web entered FATAL/.test(l), 10_000);
  assert.match(gaveUp, new RegExp(`127\\.0\\.0\\.1:${port} answers, but a process pidone cannot see \\(another PID namespace\\?\\) holds that port, not web`));
});

test('the reverse: the program\'s own listener passes, and so does one held by a daemon it spawned', { timeout: 30_000 }, async () => {
  const [p1, p2] = [await freePort(), await freePort()];
  d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  own:
    command: ["sh", "-c", "exec ${listener(p1).replaceAll('"', '\\"')}"]
    ready: { tcp: "127.0.0.1:${p1}", interval: 100ms, retries: 50 }
  daemonized:
    command: ["sh", "-c", "(setsid ${listener(p2).replaceAll('"', '\\"')} &) ; exec sleep 1000"]
    ready: { tcp: "127.0.0.1:${p2}", interval: 100ms, retries: 50 }
`);
  await d.run.line((l) => l.includes('ready: own passed its readiness probe'), 15_000);
  await d.run.line((l) => l.includes('ready: daemonized passed its readiness probe'), 15_000);
  assert.ok(!d.run.stdout.some((l) => /already held|cannot tell whether/.test(l)), d.run.stdout.join('\n'));
});
