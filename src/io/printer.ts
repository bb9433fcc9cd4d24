// One of pidone's own output streams as the sink prints on it: stdout (the multiplexed output
// and pidone's own lines), or stderr for the program streams a config routes there
// (stderr_logfile=/dev/stderr). A non-blocking writer (fd-writer.ts says why), plus the account
// of what it did not deliver (after EPIPE, or past close()'s deadline) for the close report.
import { openOutWriter, type Dropped, type OutWriter } from './fd-writer.ts';
import type { OwnStream } from './own-output.ts';

export interface PrinterOptions {
  readonly target: OwnStream;
  readonly fd: number;
  readonly highWaterMark: number;
  /** The writer fell to half its high-water mark after write() returned false. */
  readonly onDrain: (p: Printer) => void;
  /** The fd failed for good (EPIPE...); from now on its output is dropped and counted. */
  readonly onBroken: (p: Printer, err: NodeJS.ErrnoException) => void;
}

export class Printer {
  readonly target: OwnStream;
  private readonly writer: OutWriter;
  /** What this stream did not get, and why. */
  readonly dropped = { bytes: 0, lines: 0, ownLines: 0 };
  reason = '';

  constructor(opts: PrinterOptions) {
    this.target = opts.target;
    this.writer = openOutWriter({
      fd: opts.fd,
      highWaterMark: opts.highWaterMark,
      onDrain: () => opts.onDrain(this),
      onBroken: (err, lost) => {
        this.count(lost);
        this.reason ||= `${this.target} failed: ${err.code ?? err.message}`;
        opts.onBroken(this, err);
      },
    });
  }

  get broken(): boolean {
    return this.writer.broken;
  }

  get pending(): number {
    return this.writer.pending;
  }

  /**
   * Queues buf (own: one of pidone's lines); false means "stop producing until onDrain". Once
   * the fd is broken, buf is counted as lost instead, to the byte.
   */
  write(buf: Buffer, own = false): boolean {
    if (!this.writer.broken) return this.writer.write(buf, own);
    const n = newlines(buf);
    this.count({ bytes: buf.length, lines: own ? 0 : n, ownLines: own ? n : 0 });
    return true;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Gives up (the final flush deadline passed): what is queued is dropped and counted. */
  abandon(reason: string): void {
    this.count(this.writer.abandon());
    this.reason ||= reason;
  }

  private count(d: Dropped): void {
    this.dropped.bytes += d.bytes;
    this.dropped.lines += d.lines;
    this.dropped.ownLines += d.ownLines;
  }
}

function newlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}
