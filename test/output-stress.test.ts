// The output layer under load, with real processes: the bundled harness (bench/output-harness.ts)
// runs writers (bench/output-writer.mjs) with their pipes attached to a LogSink on its fd 1,
// which is a pipe this test reads. Asserts bytes: whole lines, exact counts, bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { harnessPath, writerArgv } from './support/output.ts';

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the harness to the end, collecting stdout. */
async function runHarness(spec: object): Promise<Run> {
  const child = spawn(process.execPath, [await harnessPath(), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, stdout: Buffer.concat(out), stderr };
}

test('many writers at full speed: only whole lines, exact counts and order per program and stream', async () => {
  const N = 20000;
  const programs = [
    { name: 'p1', argv: writerArgv('p1', N, 100, 'block', 1) },
    { name: 'p2', argv: writerArgv('p2', N, 100, 'block', 2) },
    { name: 'p3', argv: writerArgv('p3', N, 100, 'line', 1) },
    { name: 'p4', argv: writerArgv('p4', N, 100, 'line', 2) },
    { name: 'p5', argv: writerArgv('p5', N, 333, 'block', 1) },
    { name: 'p6', argv: writerArgv('p6', N, 57, 'block', 1) },
    { name: 'a-long-program', argv: writerArgv('a-long-program', N, 100, 'block', 2) },
    { name: 'p8', argv: writerArgv('p8', N, 4000, 'block', 1) },
  ];
  const run = await runHarness({ programs });
  assert.equal(run.code, 0, run.stderr);
  const width = 'a-long-program'.length;
  const expectedSep = new Map([['p2', '!'], ['p4', '!'], ['a-long-program', '!']]);
  const next = new Map<string, number>();
  let own = 0;
  const text = run.stdout.toString('latin1');
  assert.equal(text.endsWith('\n'), true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('pidone'.padEnd(width) + ' | exited: ')) {
      own++;
      continue;
    }
    const m = /^(\S+) +([|!]) (\S+) (\d{9}) (x+)$/.exec(line);
    assert.ok(m, `torn line: ${JSON.stringify(line.slice(0, 200))}`);
    const [, name, sep, id, seq] = m;
    assert.equal(line.indexOf(sep!), width + 1, 'padding');
    assert.equal(name, id, 'prefix names the writer of the line');
    assert.equal(sep, expectedSep.get(id!) ?? '|');
    assert.equal(Number(seq), next.get(id!) ?? 0, `order of ${id}`);
    next.set(id!, Number(seq) + 1);
  }
  assert.equal(own, programs.length);
  for (const p of programs) assert.equal(next.get(p.name), N, p.name);
});

test('backpressure: 300 MB into a slowly read stdout: exact line count, peak RSS under 100 MB', { timeout: 120_000 }, async () => {
  const LINES = 3_000_000; // x 100 bytes
  const child = spawn(process.execPath, [await harnessPath(), JSON.stringify({ programs: [{ name: 'w', argv: writerArgv('w', LINES) }] })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  const LINE = 'w      | '.length + 100;
  let lines = 0;
  let others = 0;
  let cur = 0;
  let bytes = 0;
  let nextPause = 50e6;
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, 1500)); // nobody reads: the writer must block, not pidone's memory grow
  child.stdout.on('data', (c: Buffer) => {
    let pos = 0;
    for (;;) {
      const nl = c.indexOf(10, pos);
      if (nl === -1) break;
      cur += nl - pos + 1;
      if (cur === LINE) lines++;
      else others++;
      cur = 0;
      pos = nl + 1;
    }
    cur += c.length - pos;
    bytes += c.length;
    if (bytes >= nextPause) {
      // Read in bursts: stall every 50 MB for a moment.
      nextPause += 50e6;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 200);
    }
  });
  child.stdout.resume();
  const code = await closed;
  assert.equal(code, 0, stderr);
  assert.equal(lines, LINES, `others=${others} stderr=${stderr}`);
  assert.equal(others, 1); // pidone's "exited: w" line
  const hwm = Number(/vmhwm_kb=(\d+)/.exec(stderr)?.[1]);
  assert.ok(hwm > 0 && hwm < 100 * 1024, `peak RSS ${hwm} kB`);
});

test('EPIPE on stdout: said once on stderr, programs keep running to the end, exit 0', async () => {
  const child = spawn(
    process.execPath,
    [await harnessPath(), JSON.stringify({ programs: [{ name: 'w', argv: writerArgv('w', 200_000) }, { name: 'v', argv: writerArgv('v', 200_000, 100, 'line') }] })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 0, stderr);
  assert.equal(stderr.match(/cannot write to stdout \(EPIPE\)/g)?.length, 1, stderr);
});
