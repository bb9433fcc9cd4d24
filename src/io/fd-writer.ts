// An ordered, non-blocking writer to a file descriptor (pidone's stdout, usually fd 1).
//
// Why not process.stdout: Node writes to a stdout pipe synchronously on Linux, so a slow
// reader of pidone's output would freeze the event loop (control socket, signals, timers).
// Here each batch goes through fs.writev, which runs on libuv's thread pool: a blocking fd
// blocks a pool thread, never the loop. While one batch is in flight, new buffers queue up and
// leave together in the next writev, so a busy sink makes few, large writes.
//
// Failure policy: EAGAIN (the fd was made non-blocking by someone sharing it) is retried with
// a short backoff; a partial write is resumed; EPIPE or any other error marks the writer
// broken: queued and future data is dropped (write() keeps returning true so nothing waits on
// it) and onBroken is called once, with what the failed write and the queue held. The process
// goes on supervising.
import { fstatSync, writev } from 'node:fs';
import { DrainGate } from './drain-gate.ts';
import { openPipeWriter } from './pipe-writer.ts';

/** Buffers per writev call (Linux IOV_MAX is 1024). */
const MAX_IOV = 1024;
const RETRY_MIN_MS = 1;
const RETRY_MAX_MS = 50;

/** What a writer could not write when it was abandoned. */
export interface Dropped {
  readonly bytes: number;
  /** Newlines in those bytes that belong to program output ... */
  readonly lines: number;
  /** ... and to pidone's own lines (written with own = true). */
  readonly ownLines: number;
}

/** pidone's multiplexed output: FdWriter, or PipeWriter when stdout is a pipe. */
export interface OutWriter {
  /** Bytes queued or being written. */
  readonly pending: number;
  /** True after a fatal write error: everything written since is dropped. */
  readonly broken: boolean;
  /** Queues buf (not to be modified afterwards); false means "stop producing until onDrain". */
  write(buf: Buffer, own?: boolean): boolean;
  /** Resolves when everything queued so far has been written (or dropped by a broken fd). */
  flush(): Promise<void>;
  /** Gives up: drops what is queued or being written, says how much, writes nothing more. */
  abandon(): Dropped;
}

export type OutWriterOptions = FdWriterOptions;

/**
 * The writer for fd: a PipeWriter (libuv, non-blocking) when fd is a pipe, FIFO or socket,
 * which a stalled reader can block forever; else an FdWriter (regular files, terminals,
 * /dev/null).
 */
export function openOutWriter(opts: OutWriterOptions): OutWriter {
  let stream = false;
  try {
    const st = fstatSync(opts.fd);
    stream = st.isFIFO() || st.isSocket();
  } catch {
    // A closed fd: FdWriter reports it as broken on the first write.
  }
  return stream ? openPipeWriter(opts) : new FdWriter(opts);
}

/** Counts the bytes and lines of bufs, telling pidone's own lines (in own) from programs'. */
export function countDropped(bufs: readonly Buffer[], own: WeakSet<Buffer>): Dropped {
  let bytes = 0;
  let lines = 0;
  let ownLines = 0;
  for (const b of bufs) {
    bytes += b.length;
    let n = 0;
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
    if (own.has(b)) ownLines += n;
    else lines += n;
  }
  return { bytes, lines, ownLines };
}

export interface FdWriterOptions {
  readonly fd: number;
  /** write() returns false once this many bytes are queued or in flight. */
  readonly highWaterMark?: number;
  /** Called when the queue fell to half the high-water mark after write() returned false. */
  readonly onDrain?: () => void;
  /**
   * Called once when the fd fails for good (EPIPE, EBADF...), with what the failed write and
   * the queue held; later data is dropped.
   */
  readonly onBroken?: (err: NodeJS.ErrnoException, lost: Dropped) => void;
}

/** Ordered async writer with backpressure over a raw fd. */
export class FdWriter implements OutWriter {
  private readonly fd: number;
  private readonly gate: DrainGate;
  private readonly onBroken: (err: NodeJS.ErrnoException, lost: Dropped) => void;
  private queue: Buffer[] = [];
  private queued = 0;
  private inFlight = 0;
  private writing = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private kickScheduled = false;
  private retryMs = RETRY_MIN_MS;
  private isBroken = false;
  private inFlightBufs: Buffer[] = [];
  private readonly own = new WeakSet<Buffer>();

  constructor(opts: FdWriterOptions) {
    this.fd = opts.fd;
    this.gate = new DrainGate(opts.highWaterMark ?? 1024 * 1024, opts.onDrain ?? (() => {}));
    this.onBroken = opts.onBroken ?? (() => {});
  }

  /** Bytes queued or being written. */
  get pending(): number {
    return this.queued + this.inFlight;
  }

  /** True after a fatal write error: everything written since is dropped. */
  get broken(): boolean {
    return this.isBroken;
  }

  /** Queues buf (it must not be modified afterwards); false means "stop producing until onDrain". */
  write(buf: Buffer, own = false): boolean {
    if (this.isBroken) return true;
    if (buf.length > 0) {
      if (own) this.own.add(buf);
      this.queue.push(buf);
      this.queued += buf.length;
      if (!this.writing && this.retryTimer === null && !this.kickScheduled) {
        // Start on setImmediate, after this poll phase: the chunks of every pipe that became
        // readable together leave in one writev instead of one thread-pool round trip each.
        this.kickScheduled = true;
        setImmediate(() => {
          this.kickScheduled = false;
          if (!this.writing && this.retryTimer === null && this.queue.length > 0) this.kick();
        });
      }
    }
    return this.gate.admit(this.pending);
  }

  /** Resolves when everything queued so far has been written (or dropped by a broken fd). */
  flush(): Promise<void> {
    return this.gate.idle(this.pending, this.isBroken);
  }

  /**
   * Drops the queue. A write already in flight cannot be called back (on a blocked fd it keeps
   * its thread-pool thread), so its bytes count as dropped, though the fd may have taken part.
   */
  abandon(): Dropped {
    const dropped = countDropped([...this.inFlightBufs, ...this.queue], this.own);
    this.isBroken = true;
    this.queue = [];
    this.queued = 0;
    this.inFlight = 0;
    this.inFlightBufs = [];
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.settle();
    return dropped;
  }

  private kick(): void {
    const bufs = this.queue.length <= MAX_IOV ? this.queue : this.queue.slice(0, MAX_IOV);
    this.queue = bufs === this.queue ? [] : this.queue.slice(MAX_IOV);
    let total = 0;
    for (const b of bufs) total += b.length;
    this.queued -= total;
    this.inFlight = total;
    this.inFlightBufs = bufs;
    this.writing = true;
    writev(this.fd, bufs, null, (err, written) => this.done(err, written, bufs, total));
  }

  private done(err: NodeJS.ErrnoException | null, written: number, bufs: Buffer[], total: number): void {
    if (this.isBroken) return; // abandoned meanwhile
    this.writing = false;
    this.inFlightBufs = [];
    this.inFlight = 0;
    if (err && err.code !== 'EAGAIN') return this.fail(err, bufs);
    if (err || written < total) {
      // Put back what did not leave, in order, ahead of anything queued meanwhile.
      const rest = unwritten(bufs, err ? 0 : written);
      let restLen = 0;
      for (const b of rest) restLen += b.length;
      this.queue = rest.concat(this.queue);
      this.queued += restLen;
    }
    if (err) {
      // EAGAIN: the pipe is full and the fd non-blocking; poll until the reader catches up.
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.queue.length > 0 && !this.writing) this.kick();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    } else {
      this.retryMs = RETRY_MIN_MS;
      if (this.queue.length > 0) this.kick();
    }
    this.settle();
  }

  private fail(err: NodeJS.ErrnoException, failed: Buffer[]): void {
    const lost = countDropped([...failed, ...this.queue], this.own);
    this.isBroken = true;
    this.queue = [];
    this.queued = 0;
    this.settle();
    this.onBroken(err, lost);
  }

  /** Fires drain and idle notifications that the current queue size allows. */
  private settle(): void {
    this.gate.settle(this.pending, this.isBroken);
  }
}

/** The parts of bufs after the first `written` bytes. */
function unwritten(bufs: Buffer[], written: number): Buffer[] {
  let skip = written;
  let i = 0;
  while (i < bufs.length && skip >= bufs[i]!.length) skip -= bufs[i++]!.length;
  const rest = bufs.slice(i);
  if (rest.length > 0 && skip > 0) rest[0] = rest[0]!.subarray(skip);
  return rest;
}
