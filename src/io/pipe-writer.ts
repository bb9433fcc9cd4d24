// The writer for a stdout that is a pipe, FIFO or socket (a container runtime's log pipe,
// `| cat`, journald's stream socket).
//
// Why not FdWriter's fs.writev: on a blocking pipe whose reader stopped, the write blocks a
// thread-pool thread, and Node cannot exit while a pool thread is blocked (process.exit joins
// the pool), so a stuck reader would keep pidone alive past every deadline. Here the fd is
// handed to libuv as a non-blocking stream: writes wait in epoll for room, never in a thread,
// and close() can always drop what is left. O_NONBLOCK belongs to the open file description,
// shared with whoever else holds it (a shell's `(pidone; echo done) | cat` would see EAGAIN),
// so a pipe or FIFO is first opened a second time through /proc/self/fd/1: a description of
// pidone's own. A socket cannot be reopened that way; its description is pidone's alone in
// practice (a runtime or journald holds the other end), so it is used as it is.
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { OutWriter, OutWriterOptions, Dropped } from './fd-writer.ts';
import { countDropped } from './fd-writer.ts';
import { DrainGate } from './drain-gate.ts';

/** A writer for a pipe or FIFO: on a description of its own where /proc allows, else on fd. */
export function openPipeWriter(opts: OutWriterOptions): PipeWriter {
  try {
    const fd = openSync(`/proc/self/fd/${opts.fd}`, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    return new PipeWriter(fd, true, opts);
  } catch {
    return new PipeWriter(opts.fd, false, opts); // no /proc
  }
}

export class PipeWriter implements OutWriter {
  private readonly socket: Socket;
  private readonly gate: DrainGate;
  private readonly onBroken: (err: NodeJS.ErrnoException, lost: Dropped) => void;
  /** fd is pidone's own description, closed by abandon(); else it is left open. */
  private readonly owned: boolean;
  /** Waiting for the batch in flight; they leave together in the next writev. */
  private queue: Buffer[] = [];
  private queued = 0;
  /** The one batch handed to libuv, until its callback: so libuv's queue is that batch's rest. */
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private kickScheduled = false;
  private isBroken = false;
  private readonly own = new WeakSet<Buffer>();

  constructor(fd: number, owned: boolean, opts: OutWriterOptions) {
    this.owned = owned;
    this.gate = new DrainGate(opts.highWaterMark ?? 1024 * 1024, opts.onDrain ?? (() => {}));
    this.onBroken = opts.onBroken ?? (() => {});
    this.socket = new Socket({ fd, readable: false, writable: true });
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err));
  }

  get pending(): number {
    return this.queued + this.batchBytes;
  }

  get broken(): boolean {
    return this.isBroken;
  }

  write(buf: Buffer, own = false): boolean {
    if (this.isBroken) return true;
    if (buf.length > 0) {
      if (own) this.own.add(buf);
      this.queue.push(buf);
      this.queued += buf.length;
      if (this.batchBytes === 0 && !this.kickScheduled) {
        // On setImmediate, after this poll phase: the chunks of every pipe that became
        // readable together leave in one writev.
        this.kickScheduled = true;
        setImmediate(() => {
          this.kickScheduled = false;
          if (this.batchBytes === 0) this.kick();
        });
      }
    }
    return this.gate.admit(this.pending);
  }

  flush(): Promise<void> {
    return this.gate.idle(this.pending, this.isBroken);
  }

  /** Drops what is left; the batch in flight counts from the first byte libuv has not written. */
  abandon(): Dropped {
    if (this.isBroken) return { bytes: 0, lines: 0, ownLines: 0 };
    const rest = (this.socket as unknown as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize;
    const unsent = typeof rest === 'number' ? tail(this.batch, Math.min(rest, this.batchBytes), this.own) : this.batch;
    const dropped = countDropped([...unsent, ...this.queue], this.own);
    this.stop();
    return dropped;
  }

  private kick(): void {
    if (this.isBroken || this.queue.length === 0) return;
    const bufs = this.queue;
    this.batch = bufs;
    this.batchBytes = this.queued;
    this.queue = [];
    this.queued = 0;
    this.socket.cork();
    for (let i = 0; i < bufs.length - 1; i++) this.socket.write(bufs[i]!);
    this.socket.write(bufs[bufs.length - 1]!, (err) => this.written(err));
    this.socket.uncork();
  }

  private written(err: Error | null | undefined): void {
    if (this.isBroken) return;
    if (err) return this.fail(err as NodeJS.ErrnoException);
    this.batch = [];
    this.batchBytes = 0;
    if (this.queue.length > 0) this.kick();
    this.settle();
  }

  private fail(err: NodeJS.ErrnoException): void {
    if (this.isBroken) return;
    // The reader is gone (EPIPE): nobody reads what the failed batch left in the pipe either.
    const lost = countDropped([...this.batch, ...this.queue], this.own);
    this.stop();
    this.onBroken(err, lost);
  }

  private stop(): void {
    this.isBroken = true;
    this.queue = [];
    this.queued = 0;
    this.batch = [];
    this.batchBytes = 0;
    // Closing fd 1 itself would let the next open() take its number; a write libuv still
    // holds for it is harmless (Node exits without waiting for it).
    if (this.owned) this.socket.destroy();
    this.settle();
  }

  private settle(): void {
    this.gate.settle(this.pending, this.isBroken);
  }
}

/** The last n bytes of bufs, as slices (a slice of one of pidone's own lines is its own too). */
function tail(bufs: readonly Buffer[], n: number, own: WeakSet<Buffer>): Buffer[] {
  const out: Buffer[] = [];
  for (let i = bufs.length - 1; i >= 0 && n > 0; i--) {
    const b = bufs[i]!;
    const part = n >= b.length ? b : b.subarray(b.length - n);
    if (part !== b && own.has(b)) own.add(part);
    out.unshift(part);
    n -= b.length;
  }
  return out;
}
