// Output at shutdown (issue 12, items 1 and 2): every byte programs wrote before pidone stops
// reaches stdout, or pidone says how much did not and why, in one line on stderr before the
// final line; the final line is last; a stdout nobody reads cannot keep pidone alive past
// the final flush deadline.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { constants, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogSink } from '../src/io/log-sink.ts';
import { BASE_ENV, DIST, ROOT, childrenOf, killAll, runPidone } from './support/pid1.ts';
import { tempDir, tick } from './support/output.ts';
import { until } from './support/daemon.ts';

afterEach(killAll);

const WRITER = join(ROOT, 'test', 'fixtures', 'output', 'counting-writer.mjs');

test('close() reads pipes paused by backpressure to their end before it resolves', async () => {
  const dir = tempDir();
  const fd = openSync(join(dir, 'out'), 'w');
  // A 1-byte high-water mark: every write congests stdout, so every pipe is paused at once.
  const sink = createLogSink({ settings: { log_format: 'prefix', timestamps: false, color: 'never' }, out: fd, isTTY: false, env: {}, highWaterMark: 1, partialFlushMs: 0 });
  const pipes = Array.from({ length: 5 }, () => new PassThrough({ highWaterMark: 1024 }));
  pipes.forEach((p, i) => sink.attach(`p${i}`, 'stdout', p));
  let expected = 0;
  for (let n = 0; n < 2000; n++) {
    for (const [i, p] of pipes.entries()) p.write(`p${i} line ${n}\n`);
    expected += pipes.length;
  }
  for (const p of pipes) p.end('no newline at the end');
  await tick();
  const report = await sink.close({ last: { level: 'info', message: 'the end' } });
  const lines = readFileSync(join(dir, 'out'), 'utf8').split('\n').slice(0, -1);
  assert.deepEqual(report, { undelivered: [], openStreams: 0 });
  assert.equal(lines.filter((l) => / line \d+$/.test(l)).length, expected);
  assert.equal(lines.filter((l) => l.endsWith('no newline at the end')).length, pipes.length);
  assert.equal(lines.at(-1), 'pidone | the end');
});

test('close() with a stdout nobody reads: gives up at the deadline, counts what is left, final line on stderr', { timeout: 20_000 }, async () => {
  const dir = tempDir();
  // A FIFO whose reader does not read until close() is over.
  const fifo = join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const errPath = join(dir, 'err');
  const sink = createLogSink({
    settings: { log_format: 'prefix', timestamps: false, color: 'never' },
    out: openSync(fifo, 'w'), errFd: openSync(errPath, 'w'), isTTY: false, env: {}, partialFlushMs: 0,
  });
  const p = new PassThrough();
  sink.attach('w', 'stdout', p);
  const LINES = 20_000;
  for (let n = 0; n < LINES; n++) p.write(`w ${String(n).padStart(9, '0')} ${'x'.repeat(50)}\n`);
  p.end();
  await tick(50);
  const t0 = Date.now();
  const report = await sink.close({ deadlineMs: 500, last: { level: 'warn', message: 'exiting with code 1' } });
  const took = Date.now() - t0;
  assert.ok(took < 3000, `close() took ${took} ms for a 500 ms deadline`);
  assert.equal(report.undelivered.length, 1, JSON.stringify(report));
  const stdout = report.undelivered[0]!;
  assert.equal(stdout.target, 'stdout');
  // What the FIFO took: whole lines, then maybe a line in part, which counts as not delivered.
  let got = '';
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n = 0;
    try {
      n = readSync(readFd, buf);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err; // empty, writer still open
    }
    if (n === 0) break;
    got += buf.toString('latin1', 0, n);
  }
  const whole = got.split('\n').slice(0, -1);
  assert.ok(whole.every((l, i) => l === `w      | w ${String(i).padStart(9, '0')} ${'x'.repeat(50)}`), 'the FIFO got whole lines, in order');
  assert.equal(whole.length + stdout.lines, LINES, `${whole.length} delivered + ${stdout.lines} reported = every line`);
  assert.equal(stdout.ownLines, 0, 'the final line was never queued behind them');
  const err = readFileSync(errPath, 'utf8').split('\n').filter(Boolean);
  assert.equal(err.length, 2, err.join('\n'));
  assert.match(err[0]!, new RegExp(`^pidone: output not delivered: stdout: ${stdout.bytes} bytes \\(${stdout.lines} lines of program output\\), not written within the 500 ms final flush deadline`));
  assert.equal(err[1], 'pidone ! exiting with code 1');
});

/** The lines of a pidone run's stdout, read by a reader that pauses. */
function slowReader(stdout: NodeJS.ReadableStream & { pause(): void; resume(): void }) {
  const lines: string[] = [];
  let carry = '';
  let sinceStall = 0;
  let stalled = false;
  stdout.on('data', (chunk: Buffer) => {
    const parts = (carry + chunk.toString('latin1')).split('\n');
    carry = parts.pop()!;
    lines.push(...parts);
    sinceStall += chunk.length;
    if (sinceStall >= 256 * 1024 && !stalled) {
      // A reader that stops for a while every 256 KB.
      sinceStall = 0;
      stalled = true;
      stdout.pause();
      setTimeout(() => {
        stalled = false;
        stdout.resume();
      }, 30);
    }
  });
  const ended = new Promise<void>((r) => stdout.on('end', r));
  return { lines, ended, carry: () => carry };
}

test('SIGTERM while 50 programs write into a slow stdout: every line they wrote arrives whole, the final line last', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-slow-'));
  const counts = join(dir, 'counts');
  const names = Array.from({ length: 50 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  const progs = names.map((n) => `  ${n}: { command: ${JSON.stringify([process.execPath, WRITER, n, counts, '2000'])}, stop_timeout: 20s }`);
  const yaml = join(dir, 'pidone.yaml');
  writeFileSync(yaml, `settings: { color: never, shutdown_timeout: 30s, control: { socket: ${join(dir, 'ctl.sock')} } }\nprograms:\n${progs.join('\n')}\n`);
  mkdirSync(counts);
  const proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, DIST, '-c', yaml], { env: BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', r));
  const out = slowReader(proc.stdout);
  // Once output flows, stop reading altogether: pidone pauses every pipe, programs block.
  await until(() => out.lines.length > 2000, 30_000, 'output');
  proc.stdout.pause();
  await new Promise((r) => setTimeout(r, 300));
  const [pid] = childrenOf(proc.pid!);
  process.kill(pid!, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  proc.stdout.resume();
  await out.ended;
  assert.equal(await exited, 0, stderr);
  const written = new Map(readdirSync(counts).map((n) => [n, Number(readFileSync(join(counts, n), 'utf8'))]));
  assert.equal(written.size, names.length, `every program recorded its count: ${[...written.keys()].join(' ')}`);
  const next = new Map(names.map((n) => [n, 0]));
  const other: string[] = [];
  for (const l of out.lines) {
    const m = /^(p\d\d) +\| (p\d\d) (\d{9}) x+$/.exec(l);
    if (m === null || m[1] !== m[2]) {
      other.push(l);
      continue;
    }
    assert.equal(Number(m[3]), next.get(m[1]!), `${m[1]}: lines whole and in order`);
    next.set(m[1]!, next.get(m[1]!)! + 1);
  }
  // Every line arrived; or, on a machine too busy to drain what is left within the final flush
  // deadline, the one line on stderr accounts for exactly the lines that did not.
  const notice = /^pidone: output not delivered: stdout: \d+ bytes \((\d+) lines of program output/m.exec(stderr);
  if (notice === null) {
    for (const n of names) assert.equal(next.get(n), written.get(n), `${n}: every line it wrote arrived`);
    assert.ok(other.every((l) => l.startsWith('pidone ')), `only pidone's own lines besides: ${other.filter((l) => !l.startsWith('pidone ')).slice(0, 3).join(' / ')}`);
    assert.match(out.lines.at(-1)!, /^pidone \| exiting with code 0: /);
    assert.equal(out.carry(), '', 'nothing after the final line');
  } else {
    const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
    assert.equal(sum(next) + Number(notice[1]), sum(written), `lines arrived + lines said lost = lines written\n${stderr}`);
    assert.match(stderr.slice(notice.index), /\npidone \| exiting with code 0: /, 'the final line follows the notice on stderr');
  }
});

test('programs that exited with their output still in their pipes, while stdout was stalled: every line arrives once it drains', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-held-'));
  const counts = join(dir, 'counts');
  const names = Array.from({ length: 50 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  // 500 lines (35 KB) each fit in a program's pipe, so no program blocks; 50 of them are more
  // than pidone's stdout pipe and queue hold, so pidone pauses the pipes with output in them.
  const progs = names.map((n) => `  ${n}: { command: ${JSON.stringify([process.execPath, WRITER, n, counts, '500'])} }`);
  const yaml = join(dir, 'pidone.yaml');
  writeFileSync(yaml, `settings: { color: never, control: { socket: ${join(dir, 'ctl.sock')} } }\nprograms:\n${progs.join('\n')}\n`);
  mkdirSync(counts);
  const proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, DIST, '-c', yaml], { env: BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', r));
  const out = slowReader(proc.stdout);
  proc.stdout.pause(); // nothing is read until the programs are gone
  await until(() => readdirSync(counts).length === names.length, 30_000, 'every program to have written all its lines');
  await until(() => childrenOf(proc.pid!).length > 0, 5000, 'pidone');
  const [pid] = childrenOf(proc.pid!);
  process.kill(pid!, 'SIGTERM');
  await until(() => childrenOf(pid!).length === 0, 30_000, 'the programs to exit');
  // pidone's close() has begun with the pipes still holding output; the reader comes back well
  // within the final flush deadline (2 s).
  await new Promise((r) => setTimeout(r, 500));
  proc.stdout.resume();
  await out.ended;
  assert.equal(await exited, 0, stderr);
  const arrived = new Map(names.map((n) => [n, 0]));
  for (const l of out.lines) {
    const m = /^(p\d\d) +\| (p\d\d) (\d{9}) x+$/.exec(l);
    if (m !== null && m[1] === m[2]) arrived.set(m[1]!, arrived.get(m[1]!)! + 1);
  }
  const total = [...arrived.values()].reduce((a, b) => a + b, 0);
  // On a machine too busy to drain 1.75 MB in time, the one line on stderr accounts for the rest.
  const notice = /^pidone: output not delivered: stdout: \d+ bytes \((\d+) lines of program output/m.exec(stderr);
  assert.equal(total + Number(notice?.[1] ?? 0), names.length * 500, `lines arrived (${total}) + lines said lost = lines written\n${stderr}`);
  if (notice === null) assert.match(out.lines.at(-1)!, /^pidone \| exiting with code 0: /);
  rmSync(dir, { recursive: true, force: true });
});

test('a stdout that is never read: pidone still exits within shutdown + the final flush deadline, and says what was lost', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-stuck-'));
  const progs = Array.from({ length: 10 }, (_, i) => `  w${i}: { command: ${JSON.stringify([process.execPath, join(ROOT, 'bench', 'output-writer.mjs'), `w${i}`, '100000', '100', 'line'])}, stop_timeout: 2s }`);
  const yaml = join(dir, 'pidone.yaml');
  writeFileSync(yaml, `settings: { color: never, shutdown_timeout: 3s, control: { socket: ${join(dir, 'ctl.sock')} } }\nprograms:\n${progs.join('\n')}\n`);
  const run = runPidone(['-c', yaml]);
  run.proc.stdout!.pause(); // never read while pidone lives
  const pid = await run.hostPid();
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = Date.now();
  process.kill(pid, 'SIGTERM');
  const exit = await run.exited;
  const took = Date.now() - t0;
  t.diagnostic(`exited ${took} ms after SIGTERM with a stdout never read (shutdown_timeout 3 s)`);
  // shutdown_timeout 3 s + the kill grace + FINAL_FLUSH_MS 2 s, with room for a loaded machine.
  assert.ok(took < 3000 + 5000 + 2000 + 5000, `exited ${took} ms after SIGTERM`);
  assert.notEqual(exit.code, null);
  const err = run.stderr().split('\n').filter(Boolean);
  const notice = err.findIndex((l) => l.startsWith('pidone: output not delivered: stdout: '));
  assert.ok(notice >= 0, run.stderr());
  assert.match(err[notice]!, /stdout: \d+ bytes \(\d+ lines of program output(, \d+ of pidone's)?\), not written within the 2000 ms final flush deadline/);
  assert.match(err[notice + 1]!, /^pidone [|!] exiting with code \d+: /, 'the final line follows the notice, on stderr');
});
