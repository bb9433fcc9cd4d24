// Per-program log files (stdout_logfile / stderr_logfile) with supervisord's size rotation.
//
// Content: the program's bytes exactly as written (no prefixes, no added newlines), like
// supervisord's child logs. The sink hands over whole lines (and flagged pieces of very long
// or unfinished lines), so a file is rotated between lines, never inside one.
//
// Rotation (`*_maxbytes` > 0, regular files only): before a write that would take the file
// past maxbytes, the whole lines that still fit are written, then name.N-1 → name.N, …,
// name → name.1 (RotatingFileHandler's order; backups = 0 just truncates), and a fresh file
// is opened. So every file ends on a line boundary and holds at most maxbytes bytes, unless a
// single line is longer than maxbytes (then it is cut there). supervisord instead rotates
// right after the write that reached maxbytes, so its files overshoot by up to one read.
//
// Targets that are not regular files (FIFOs, /dev/stderr, character devices) are opened with
// O_APPEND and never rotated or sized, so there is no lseek and no "Illegal seek" (what
// supervisord reports for a log file that is /dev/stdout or a pipe). reopen() (SIGUSR2) closes and reopens the path, for external logrotate.
// A target that fails to open is reported once and its data dropped until the next reopen().
// Write failures (ENOSPC, EIO) are reported once, then counted (log-file-losses.ts).
// The callback API, promisified here: node:fs/promises would load 17 more of Node's own
// modules (readline among them) into every start of supervisor mode.
import { fdReserve } from './fd-reserve.ts';
import { close, constants, fstat, open, rename, writev, type Stats } from 'node:fs';
import { LogFileLosses, type Loss } from './log-file-losses.ts';

export type { Loss } from './log-file-losses.ts';

export interface LogFileSpec {
  readonly path: string;
  /** Rotate before the file would exceed this many bytes; 0 = never rotate. */
  readonly maxbytes: number;
  /** Rotated copies kept (path.1 … path.N). */
  readonly backups: number;
}

export interface LogFileOptions extends LogFileSpec {
  /** Reports a problem (open, write or rotation failure), or (warn) a summary of what it cost. */
  readonly onError: (message: string, level?: 'error' | 'warn') => void;
  /** write() returns false once this many bytes wait; onDrain fires at half of it. */
  readonly highWaterMark?: number;
  readonly onDrain?: () => void;
}

const NL = 10;
const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND;

/** One log file target: ordered async appends, rotation, reopen. */
export class LogFile {
  readonly path: string;
  private readonly maxbytes: number;
  private readonly backups: number;
  private readonly onError: (message: string, level?: 'error' | 'warn') => void;
  private readonly onDrain: () => void;
  private readonly hwm: number;
  private fh: number | null = null;
  /** Rotation applies: a regular file and maxbytes > 0 (known after open). */
  private rotates = false;
  private size = 0;
  private queue: Buffer[] = [];
  private queued = 0;
  private inFlight = 0;
  private running = false;
  private reopenWanted = false;
  private failed = false;
  private closed = false;
  private needDrain = false;
  private idleWaiters: (() => void)[] = [];
  private readonly losses: LogFileLosses;
  private abandoned = false;
  private abandonReason = '';
  /** Bytes of the batch in writeBatch() that reached the file. */
  private batchWritten = 0;

  constructor(opts: LogFileOptions & { readonly now?: () => number }) {
    this.path = opts.path;
    this.maxbytes = Math.max(0, opts.maxbytes);
    this.backups = Math.max(0, opts.backups);
    this.onError = opts.onError;
    this.onDrain = opts.onDrain ?? (() => {});
    this.hwm = opts.highWaterMark ?? 1024 * 1024;
    this.losses = new LogFileLosses(this.path, this.onError, opts.now ?? Date.now);
  }

  /** Bytes waiting or being written. */
  get pending(): number {
    return this.queued + this.inFlight;
  }

  /** Queues bytes (not to be modified afterwards); false means "congested until onDrain". */
  write(buf: Buffer): boolean {
    if (buf.length === 0) return true;
    if (this.abandoned || this.failed) {
      this.losses.dropped([buf], this.abandoned ? this.abandonReason : 'the file could not be opened');
      return true;
    }
    if (this.closed) return true;
    this.queue.push(buf);
    this.queued += buf.length;
    void this.pump();
    if (this.pending >= this.hwm) {
      this.needDrain = true;
      return false;
    }
    return true;
  }

  /** Closes and reopens the path after the current write (SIGUSR2, logrotate). */
  reopen(): void {
    if (this.closed) return;
    this.reopenWanted = true;
    this.failed = false;
    void this.pump();
  }

  /** Resolves when everything queued so far is written (or dropped after an error). */
  flush(): Promise<void> {
    if (this.pending === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes what is queued, then closes the file; later writes are ignored. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.closeFd();
  }

  /**
   * Gives up on what is queued (the file is too slow for the final flush deadline): it counts
   * as lost, and so does everything written from now on. A write in progress is left to finish.
   */
  abandon(reason: string): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.abandonReason = reason;
    const queue = this.queue;
    this.queue = [];
    this.queued = 0;
    this.losses.dropped(queue, reason);
    this.settle();
  }

  /** Everything this file did not get so far, or null: failed writes, and what was dropped. */
  lost(): Loss | null {
    return this.losses.total();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 || this.reopenWanted) {
        if (this.reopenWanted) {
          this.reopenWanted = false;
          await this.closeFd();
        }
        if (this.fh === null && !(await this.openFd(false))) {
          const queue = this.queue;
          this.queue = [];
          this.queued = 0;
          this.losses.dropped(queue, 'the file could not be opened');
          break;
        }
        const bufs = this.queue;
        const len = this.queued;
        this.queue = [];
        this.queued = 0;
        this.inFlight = len;
        await this.writeBatch(bufs, len);
        this.inFlight = 0;
        this.settle();
      }
    } finally {
      this.running = false;
      this.inFlight = 0;
      this.settle();
    }
  }

  private async writeBatch(bufs: Buffer[], len: number): Promise<void> {
    this.batchWritten = 0;
    try {
      await this.writeRotating(bufs, len);
      this.losses.succeeded();
    } catch (err) {
      this.losses.failed(unwritten(bufs, this.batchWritten), errText(err));
    }
  }

  private async writeRotating(bufs: Buffer[], len: number): Promise<void> {
    if (!this.rotates || this.size + len <= this.maxbytes) return this.writeAll(bufs);
    let data = bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs, len);
    while (data.length > 0 && this.fh !== null) {
      const room = this.maxbytes - this.size;
      if (data.length <= room) return this.writeAll([data]);
      let cut = room > 0 ? data.lastIndexOf(NL, room - 1) + 1 : 0;
      if (cut === 0) {
        if (this.size > 0) {
          await this.rotate();
          continue;
        }
        cut = room; // one line longer than the whole file: cut it at the limit
      }
      await this.writeAll([data.subarray(0, cut)]);
      data = data.subarray(cut);
      await this.rotate();
    }
    // The fresh file could not be opened (said by openFd()).
    if (data.length > 0) this.losses.dropped([data], 'the file could not be opened');
  }

  /** writev until every byte is out (a FIFO may take a write in parts); counts batchWritten. */
  private async writeAll(bufs: Buffer[]): Promise<void> {
    let rest = bufs;
    while (rest.length > 0 && this.fh !== null) {
      let total = 0;
      for (const b of rest) total += b.length;
      const bytesWritten = await call<number>((cb) => writev(this.fh!, rest, cb));
      this.batchWritten += bytesWritten;
      this.size += bytesWritten;
      if (bytesWritten >= total) return;
      rest = unwritten(rest, bytesWritten);
    }
  }

  private async rotate(): Promise<void> {
    await this.closeFd();
    const base = this.path;
    try {
      for (let i = this.backups - 1; i >= 1; i--) await renameIfExists(`${base}.${i}`, `${base}.${i + 1}`);
      if (this.backups > 0) await renameIfExists(base, `${base}.1`);
    } catch (err) {
      this.onError(`cannot rotate log file ${base} (${errText(err)})`);
    }
    await this.openFd(true);
  }

  private async openFd(truncate: boolean): Promise<boolean> {
    try {
      // At the descriptor limit the last few belong to the control socket (io/fd-reserve.ts);
      // the open completes later, so the reserve is checked again once it has its descriptor.
      fdReserve.admit(1);
      const fh = await call<number>((cb) => open(this.path, truncate ? APPEND | constants.O_TRUNC : APPEND, 0o666, cb));
      let st: Stats;
      try {
        fdReserve.admit(0);
        st = await call<Stats>((cb) => fstat(fh, cb));
      } catch (err) {
        close(fh, () => {});
        throw err;
      }
      this.fh = fh;
      this.rotates = st.isFile() && this.maxbytes > 0;
      this.size = st.isFile() ? st.size : 0;
      return true;
    } catch (err) {
      fdReserve.noteFailure(err);
      this.failed = true;
      this.onError(`cannot open log file ${this.path} (${errText(err)}); its output is dropped until logs are reopened (SIGUSR2 or reload)`);
      return false;
    }
  }

  private async closeFd(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh !== null) await new Promise<void>((resolve) => close(fh, () => resolve()));
  }

  private settle(): void {
    if (this.needDrain && this.pending <= this.hwm / 2) {
      this.needDrain = false;
      this.onDrain();
    }
    if (this.pending === 0 && !this.running && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** A callback-style fs call as a promise. */
function call<T>(fn: (cb: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

/** The parts of bufs after the first `skip` bytes. */
function unwritten(bufs: Buffer[], skip: number): Buffer[] {
  let i = 0;
  while (i < bufs.length && skip >= bufs[i]!.length) skip -= bufs[i++]!.length;
  const rest = bufs.slice(i);
  if (rest.length > 0 && skip > 0) rest[0] = rest[0]!.subarray(skip);
  return rest;
}


/** "ENOENT: no such file or directory" without Node's ", open '/path'" or ", write" tail. */
function errText(err: unknown): string {
  return (err as Error).message.replace(/, \w+( '.*')?$/, '');
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await call<void>((cb) => rename(from, to, cb));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
