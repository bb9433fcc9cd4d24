// Backpressure through the real daemon: a program writes 1 GB while pidone's stdout is read
// slowly and in bursts. pidone must make the program wait (not buffer), deliver every line
// whole and in order, and keep its memory bounded.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, ROOT } from './support/pid1.ts';

test('1 GB from a program into a slowly read stdout: every line whole, pidone RSS under 100 MB', { timeout: 300_000 }, async () => {
  const LINES = 10_000_000; // x 100 bytes = 1 GB
  const dir = mkdtempSync(join(tmpdir(), 'pidone-1gb-'));
  const file = join(dir, 'pidone.yaml');
  const writer = [process.execPath, join(ROOT, 'bench', 'output-writer.mjs'), 'w', String(LINES), '100', 'block'];
  writeFileSync(file, `settings: { color: never }\nprograms:\n  w: { command: ${JSON.stringify(writer)}, oneshot: true }\n`);
  const child = spawn(process.execPath, [DIST, '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let hwmKb = 0;
  const poll = setInterval(() => {
    try {
      hwmKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? hwmKb);
    } catch {
      // it has exited
    }
  }, 50);
  const closed = new Promise<number | null>((r) => child.on('close', r));
  const prefix = Buffer.from('w      | w ');
  let carry: Buffer = Buffer.alloc(0);
  let lines = 0;
  let bad = 0;
  let own = 0;
  let bytes = 0;
  let nextStall = 100e6;
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, 1000)); // nobody reads at first: the program must block
  child.stdout.on('data', (chunk: Buffer) => {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl !== -1; nl = buf.indexOf(10, pos)) {
      if (buf.compare(prefix, 0, prefix.length, pos, pos + prefix.length) === 0) {
        // "w      | w 000001234 xxx...": whole (109 bytes with the newline) and in sequence.
        if (nl - pos + 1 !== prefix.length - 2 + 100 || Number(buf.toString('latin1', pos + prefix.length, pos + prefix.length + 9)) !== lines) bad++;
        lines++;
      } else own++;
      pos = nl + 1;
    }
    carry = buf.subarray(pos);
    bytes += chunk.length;
    if (bytes >= nextStall) {
      // A slow consumer: stop reading for a while every 100 MB.
      nextStall += 100e6;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 150);
    }
  });
  child.stdout.resume();
  const code = await closed;
  clearInterval(poll);
  assert.equal(code, 0, stderr);
  assert.equal(bad, 0, 'torn or out-of-order lines');
  assert.equal(lines, LINES);
  assert.ok(own >= 2, 'pidone\'s own lines are there too');
  assert.ok(hwmKb > 0 && hwmKb < 100 * 1024, `pidone's peak RSS ${hwmKb} kB`);
});
