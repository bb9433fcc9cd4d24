// FdWriter against a real non-blocking pipe: EAGAIN and partial writes keep order and bytes,
// backpressure signals, EPIPE reported once and then ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { FdWriter } from '../src/io/fd-writer.ts';

/** The parent's end of a child's stdin pipe: libuv made it O_NONBLOCK, so writes can EAGAIN. */
function stdinFd(child: ChildProcess): number {
  const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
  assert.ok(fd > 2);
  return fd;
}

test('EAGAIN and partial writes on a full non-blocking pipe: every byte arrives, in order', async () => {
  // The reader starts late, so the pipe fills and writes fail with EAGAIN for a while.
  const child = spawn('sh', ['-c', 'sleep 0.3; md5sum'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  let drains = 0;
  const w = new FdWriter({ fd: stdinFd(child), highWaterMark: 256 * 1024, onDrain: () => drains++ });
  const { createHash } = await import('node:crypto');
  const hash = createHash('md5');
  let blocked = 0;
  for (let i = 0; i < 200; i++) {
    const buf = Buffer.alloc(50_000 + i, i % 251);
    hash.update(buf);
    if (!w.write(buf)) {
      blocked++;
      await new Promise<void>((r) => {
        const poll = setInterval(() => w.pending <= 128 * 1024 && (clearInterval(poll), r()), 1);
      });
    }
  }
  await w.flush();
  assert.equal(w.pending, 0);
  assert.ok(blocked > 0 && drains > 0, `blocked ${blocked}, drains ${drains}`);
  child.stdin!.destroy();
  await new Promise((r) => child.on('close', r));
  assert.equal(out.split(' ')[0], hash.digest('hex'));
});

test('EPIPE: onBroken once, later writes are dropped without error', async () => {
  const child = spawn('sh', ['-c', 'exec 0<&-; sleep 0.2'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const fd = stdinFd(child);
  await new Promise((r) => setTimeout(r, 100)); // the child closed its end: no reader left
  const errors: string[] = [];
  const w = new FdWriter({ fd, onBroken: (e) => errors.push(e.code ?? '') });
  w.write(Buffer.from('a\n'));
  await w.flush();
  assert.equal(w.broken, true);
  assert.equal(w.write(Buffer.alloc(10 << 20)), true);
  await w.flush();
  assert.deepEqual(errors, ['EPIPE']);
  child.stdin!.destroy();
  await new Promise((r) => child.on('close', r));
});
