// What one log file did not get, and how that is said: the first failed write (ENOSPC, EIO)
// in one line, the rest counted, with a summary once writes succeed again, at most once a
// minute while they do not, and in all at close (LogFile.lost(), the sink's close report).
// Data dropped without a write (the file could not be opened, or was given up at the final
// flush deadline) is counted too, without a line of its own.

/** While writes keep failing, at most one summary line per this many ms. */
export const LOSS_REPORT_MS = 60_000;

/** Output a file did not get: bytes and lines (newlines), and why. */
export interface Loss {
  readonly bytes: number;
  readonly lines: number;
  readonly reason: string;
}

interface Failing {
  reason: string;
  /** Lost since the last summary, and in all. */
  bytes: number;
  lines: number;
  writes: number;
  totalBytes: number;
  totalLines: number;
  reportedAt: number;
}

export class LogFileLosses {
  private readonly path: string;
  private readonly say: (message: string, level?: 'error' | 'warn') => void;
  private readonly now: () => number;
  private failing: Failing | null = null;
  /** Lost for good: failures already over, and data dropped without a write. */
  private bytes = 0;
  private lines = 0;
  private reason = '';

  constructor(path: string, say: (message: string, level?: 'error' | 'warn') => void, now: () => number) {
    this.path = path;
    this.say = say;
    this.now = now;
  }

  /** Everything lost so far, or null. */
  total(): Loss | null {
    const f = this.failing;
    const bytes = this.bytes + (f?.totalBytes ?? 0);
    if (bytes === 0) return null;
    return { bytes, lines: this.lines + (f?.totalLines ?? 0), reason: f?.reason ?? this.reason };
  }

  /** Bytes dropped without a write. */
  dropped(bufs: readonly Buffer[], reason: string): void {
    for (const b of bufs) {
      this.bytes += b.length;
      this.lines += newlines(b);
    }
    if (this.failing === null) this.reason = reason;
  }

  /** A write failed and these bytes did not reach the file: said the first time, then counted. */
  failed(left: readonly Buffer[], reason: string): void {
    let bytes = 0;
    let lines = 0;
    for (const b of left) {
      bytes += b.length;
      lines += newlines(b);
    }
    const now = this.now();
    let f = this.failing;
    if (f === null || f.reason !== reason) {
      if (f !== null) this.summarise(f, now, 'then');
      f = this.failing = { reason, bytes: 0, lines: 0, writes: 0, totalBytes: 0, totalLines: 0, reportedAt: now };
      this.say(`cannot write log file ${this.path} (${reason}); its output is lost meanwhile (counted, summed up at most once a minute)`);
    }
    f.bytes += bytes;
    f.lines += lines;
    f.totalBytes += bytes;
    f.totalLines += lines;
    f.writes++;
    if (now - f.reportedAt >= LOSS_REPORT_MS) this.summarise(f, now, 'still failing');
  }

  /** A write succeeded: if writes had been failing, the summary of what they cost. */
  succeeded(): void {
    const f = this.failing;
    if (f === null) return;
    this.summarise(f, this.now(), 'writable again');
    this.bytes += f.totalBytes;
    this.lines += f.totalLines;
    this.reason = f.reason;
    this.failing = null;
  }

  private summarise(f: Failing, now: number, state: string): void {
    if (f.writes > 0) {
      this.say(`log file ${this.path} ${state}: lost ${f.bytes} bytes (${f.lines} lines) in ${f.writes} failed writes since ${new Date(f.reportedAt).toISOString()} (${f.reason})`, 'warn');
    }
    f.bytes = 0;
    f.lines = 0;
    f.writes = 0;
    f.reportedAt = now;
  }
}

export function newlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}
