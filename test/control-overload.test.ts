// `pidone status` exit 4 means no pidone: nothing listens. A pidone that is there but cannot
// take the connection (full queue, out of descriptors, dropped by libuv) is retried for 2 s,
// then exit 5, which a liveness probe must not read as dead. And pidone itself keeps `status`
// and `stop` working past hundreds of slow clients and at its descriptor limit.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { type Daemon, type Result, exec, startDaemon, until } from './support/daemon.ts';
import { setFdLimit, settledFdCount } from './support/fds.ts';
import { BASE_ENV, DIST, killAll } from './support/pid1.ts';

let d: Daemon | null = null;
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  killAll();
  d?.cleanup();
  d = null;
});

const client = (args: string[]): Promise<Result & { ms: number }> => {
  const t0 = Date.now();
  return exec([process.execPath, DIST, ...args], BASE_ENV, 20_000).then((r) => ({ ...r, ms: Date.now() - t0 }));
};

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-overload-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('exit 4 when nothing listens (no file, a stale socket); exit 5 after 2 s when something listens but drops every connection', { timeout: 30_000 }, async () => {
  const dir = tempDir();
  assert.equal((await client(['status', '-s', join(dir, 'none.sock')])).code, 4);
  // A stale socket file: bound once, its server gone.
  const stale = createServer();
  await new Promise<void>((r) => stale.listen(join(dir, 'stale.sock'), r));
  await new Promise<void>((r) => stale.close(() => r()));
  const refused = await client(['status', '-s', join(dir, 'stale.sock')]);
  assert.equal(refused.code, 4, refused.stderr);
  // What libuv does to a connection it cannot give a descriptor: accept, close at once.
  const dropping = createServer((c) => c.destroy());
  await new Promise<void>((r) => dropping.listen(join(dir, 'busy.sock'), r));
  cleanups.push(() => dropping.close());
  const busy = await client(['status', '-s', join(dir, 'busy.sock')]);
  assert.equal(busy.code, 5, busy.stderr);
  assert.match(busy.stderr, /^pidone: pidone did not answer at unix:\/\/.*busy\.sock: (connection reset before an answer|connection closed before an answer|closed the connection without answering); retried for 2 s \(something listens there: pidone overloaded or out of file descriptors\)\n$/);
  assert.ok(busy.ms >= 2000 && busy.ms < 10_000, `answered after ${busy.ms} ms`);
});

test('exit 5 when the socket\'s queue is full (EAGAIN), not 4', { timeout: 30_000 }, async () => {
  const path = join(tempDir(), 'full.sock');
  // A listener that never accepts, its one-slot queue taken by its own connection.
  const py = spawn('python3', ['-c', `
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(path)}); s.listen(0)
held = []
for _ in range(4):
    c = socket.socket(socket.AF_UNIX); c.setblocking(False)
    try: c.connect(${JSON.stringify(path)}); held.append(c)
    except BlockingIOError: break
print("full", flush=True); time.sleep(60)
`], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => py.kill('SIGKILL'));
  await new Promise<void>((r) => py.stdout.once('data', () => r()));
  const full = await client(['status', '-s', path]);
  assert.equal(full.code, 5, full.stderr);
  assert.match(full.stderr, /its connection queue is full; retried for 2 s/);
});

/** n clients that send half a request and hold it; each one closed is replaced after 20 ms. */
function slowClients(socket: string, n: number): { connected: () => number; stop: () => void } {
  let stopped = false;
  let connected = 0;
  const open = new Set<Socket>();
  const one = (): void => {
    if (stopped) return;
    const s = connect(socket);
    open.add(s);
    s.on('connect', () => {
      connected++;
      s.write('GET /api/programs HTTP/1.1\r\nHost: x\r\n');
    });
    s.on('error', () => {});
    s.on('close', () => {
      open.delete(s);
      if (!stopped) setTimeout(one, 20);
    });
  };
  for (let i = 0; i < n; i++) one();
  const stop = (): void => {
    stopped = true;
    for (const s of open) s.destroy();
  };
  cleanups.push(stop);
  return { connected: () => connected, stop };
}

const CONFIG = `settings: { control: { socket: SOCKET } }
programs:
  a: { command: [sleep, "1000"] }
  b: { command: [sleep, "1000"] }
`;

test('600 slow clients (more than the 512 connections allowed): status and stop still answer', { timeout: 60_000 }, async () => {
  d = await startDaemon(CONFIG);
  await until(async () => (await client(['status', '-s', d!.socket])).code === 0, 10_000, 'status 0');
  const slow = slowClients(d.socket, 600);
  await until(() => slow.connected() >= 600, 20_000, '600 slow clients connected');
  const status = await client(['status', '-s', d.socket]);
  assert.equal(status.code, 0, status.stderr);
  const stop = await client(['stop', 'a', '-s', d.socket]);
  assert.deepEqual([stop.code, stop.stdout], [0, 'a: stopped\n'], stop.stderr);
  slow.stop();
});

test('at the descriptor limit, with 300 slow clients: status and stop still answer', { timeout: 60_000 }, async () => {
  d = await startDaemon(CONFIG);
  await until(async () => (await client(['status', '-s', d!.socket])).code === 0, 10_000, 'status 0');
  const pid = await d.run.hostPid();
  setFdLimit(pid, (await settledFdCount(pid)) + 4);
  const slow = slowClients(d.socket, 300);
  await until(() => slow.connected() >= 300, 20_000, '300 slow client connections');
  const status = await client(['status', '-s', d.socket]);
  assert.equal(status.code, 0, status.stderr);
  const stop = await client(['stop', 'a', '-s', d.socket]);
  assert.deepEqual([stop.code, stop.stdout], [0, 'a: stopped\n'], stop.stderr);
  slow.stop();
});

// (fdReserve.admit() before making descriptors, fdReserve.noteFailure() when that fails, as
// io/probe-attempts.ts does): without them spawns and log files take the reserve too.
test('programs and their log files fill the descriptor table: status and stop still answer', {
  timeout: 60_000,
}, async () => {
  const dir = tempDir();
  // Each program holds its two pipes and, from its first line on, a log file.
  const programs = Array.from({ length: 40 }, (_, i) => `  p${i}: { command: [sh, -c, "echo started; exec sleep 1000"], autostart: false, stdout_logfile: ${join(dir, `p${i}.log`)} }`);
  d = await startDaemon(`settings: { control: { socket: SOCKET } }\nprograms:\n${programs.join('\n')}\n`);
  const pid = await d.run.hostPid();
  setFdLimit(pid, (await settledFdCount(pid)) + 30);
  const start = await client(['start', '--no-wait', 'all', '-s', d.socket]);
  assert.equal(start.code, 1, `answered; some spawns failed: ${start.stderr}`);
  await d.run.line((l) => /spawnerr: .*(EMFILE|Too many open files)/i.test(l), 10_000);
  const slow = slowClients(d.socket, 100);
  await until(() => slow.connected() >= 100, 20_000, '100 slow client connections');
  const status = await client(['status', '-s', d.socket]);
  assert.equal(status.code, 1, `answered, not ready (some programs could not start): ${status.stderr}`);
  assert.match(status.stdout, /^p0 +RUNNING/m);
  const stop = await client(['stop', 'p0', '-s', d.socket]);
  assert.deepEqual([stop.code, stop.stdout], [0, 'p0: stopped\n'], stop.stderr);
  slow.stop();
});
