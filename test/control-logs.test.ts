// Log reads as supervisord answers them on its log files: a model of supervisord's file (a
// write that brings it to maxbytes empties it; readFile and tailFile as supervisord.md 4.5
// gives them) against pidone's ring and Logs, on random writes and reads.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Logs } from '../src/control/logs.ts';
import type { StreamName } from '../src/io/prefix.ts';
import { RING_MAX, RingBuffer, logRing } from '../src/io/ring-buffer.ts';
import { RpcFault } from '../src/control/xmlrpc.ts';
import { prng } from './support/prng.ts';

/** supervisord's log file of one stream: RotatingFileHandler with maxbytes, no backups read. */
class SupervisordFile {
  data = Buffer.alloc(0);
  readonly maxbytes: number;
  constructor(maxbytes: number) {
    this.maxbytes = maxbytes;
  }
  write(chunk: Buffer): void {
    this.data = Buffer.concat([this.data, chunk]);
    if (this.maxbytes > 0 && this.data.length >= this.maxbytes) this.data = Buffer.alloc(0);
  }
  clear(): void {
    this.data = Buffer.alloc(0);
  }
  readFile(offset: number, length: number): Buffer | 'BAD_ARGUMENTS' {
    const sz = this.data.length;
    if (offset < 0) {
      if (length !== 0) return 'BAD_ARGUMENTS';
      return this.data.subarray(Math.max(0, sz + offset), sz);
    }
    if (length < 0) return 'BAD_ARGUMENTS';
    return this.data.subarray(offset, length === 0 ? sz : offset + length);
  }
  tailFile(offset: number, length: number): [Buffer, number, boolean] {
    const sz = this.data.length;
    let overflow = false;
    if (sz > offset + length) {
      overflow = true;
      offset = sz - 1;
    }
    if (offset + length > sz) {
      if (offset > sz - 1) length = 0;
      offset = sz - length;
    }
    offset = Math.max(0, offset);
    length = Math.max(0, length);
    return [length === 0 ? Buffer.alloc(0) : this.data.subarray(offset, offset + length), sz, overflow];
  }
}

/** The part of the log sink Logs reads, over real rings. */
function ringSink(rings: Map<string, RingBuffer>) {
  const ring = (p: string, s: StreamName) => rings.get(`${p}/${s}`);
  return {
    written: (p: string, s: StreamName) => ring(p, s)?.total ?? 0,
    tail: (p: string, s: StreamName, n: number) => ring(p, s)?.tail(n) ?? Buffer.alloc(0),
    clear: (p: string, s: StreamName) => ring(p, s)?.clear(),
    subscribe: () => () => {},
    event: () => {},
  };
}

function readOrFault(logs: Logs, offset: number, length: number): Buffer | string {
  try {
    return logs.read('p', 'stdout', offset, length);
  } catch (err) {
    if (err instanceof RpcFault) return err.message;
    throw err;
  }
}

test('offsets, reads and tails equal supervisord\'s on a file that rolls over at maxbytes', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const rnd = prng(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const maxbytes = int(0, 5) === 0 ? 0 : int(8, 300);
    const ring = logRing(maxbytes, 64);
    const logs = new Logs(ringSink(new Map([['p/stdout', ring]])));
    const file = new SupervisordFile(maxbytes);
    let written = 0;
    for (let op = 0; op < 60; op++) {
      const what = `seed ${seed} op ${op} (maxbytes ${maxbytes}, ${written} bytes written)`;
      if (rnd() < 0.5) {
        const chunk = Buffer.from(Array.from({ length: int(1, 90) }, () => String.fromCharCode(97 + int(0, 25))).join(''));
        written += chunk.length;
        ring.push(chunk);
        file.write(chunk);
        continue;
      }
      const size = file.data.length;
      // maxbytes 0 never rolls over: the ring keeps all until RING_MAX, far above these sizes.
      const offset = int(0, 3) === 0 ? -int(0, size + 10) : int(0, size + 10);
      const length = int(0, 4) === 0 ? -int(1, 5) : int(0, 2) === 0 ? 0 : int(0, size + 10);
      const want = file.readFile(offset, length);
      const got = readOrFault(logs, offset, length);
      assert.deepEqual(got, typeof want === 'string' ? want : want, `read ${offset} ${length}: ${what}`);
      if (length >= 0 && offset >= 0) {
        assert.deepEqual(logs.tail('p', 'stdout', offset, length), file.tailFile(offset, length), `tail ${offset} ${length}: ${what}`);
      }
    }
  }
});

test('clear starts the file over: offset 0 is the first byte written after it', () => {
  const ring = logRing(1000, 64);
  const logs = new Logs(ringSink(new Map([['p/stdout', ring]])));
  ring.push(Buffer.from('before\n'));
  logs.clear('p', ['stdout']);
  assert.deepEqual(logs.tail('p', 'stdout', 0, 10), [Buffer.alloc(0), 0, false]);
  ring.push(Buffer.from('after\n'));
  assert.equal(logs.read('p', 'stdout', 0, 0).toString(), 'after\n');
  assert.deepEqual(logs.tail('p', 'stdout', 0, 3), [Buffer.from('er\n'), 6, true]);
  assert.equal(logs.last('p', 'stdout', 100).toString(), 'after\n');
  // The cleared file rolls over at 1000 bytes written since the clear, as supervisord's truncated file does.
  ring.push(Buffer.alloc(995, 'x'));
  ring.push(Buffer.from('new\n'));
  assert.equal(logs.size('p', 'stdout'), 4);
  assert.equal(logs.read('p', 'stdout', 0, 0).toString(), 'new\n');
});

test('a ring holds what its program wrote, up to min(maxbytes, 1 MiB); memory follows the output', () => {
  const big = logRing(50 * 1024 * 1024, 64); // supervisord's default maxbytes
  big.push(Buffer.from('hello\n'));
  assert.ok(((big as unknown as { buf: Buffer }).buf).length <= 4096, 'a quiet program costs a page, not the capacity');
  const chunk = Buffer.alloc(64 * 1024, 'y');
  for (let i = 0; i < 40; i++) big.push(chunk);
  assert.equal(big.total, 6 + 40 * chunk.length, 'no rollover below 50MB');
  assert.equal(big.tail(Infinity).length, RING_MAX, 'kept: the newest 1 MiB');
  assert.equal(((big as unknown as { buf: Buffer }).buf).length, RING_MAX);
  const small = new RingBuffer(10, 0);
  small.push(Buffer.from('0123456789abcdef'));
  assert.equal(small.total, 16, 'rollover 0: every byte counts, the newest capacity are kept');
  assert.equal(small.tail(100).toString(), '6789abcdef');
  const rolled = logRing(1024, 64);
  for (const n of [600, 600, 300]) rolled.push(Buffer.alloc(n, String(n)[0]));
  assert.equal(rolled.total, 300, 'supervisord: 600, then 1200 >= 1024 empties the file, then 300');
  assert.equal(rolled.tail(1000).toString(), '3'.repeat(300));
});
