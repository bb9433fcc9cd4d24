// Reading the program pipes for the sink (log-sink.ts): each attached stream's bytes go to its
// tail ring as read, and are cut into whole lines (line-splitter.ts) that onLines() prints,
// files and hands to subscribers. A partial line (a prompt, a progress bar) is let out once it
// waited partialMs. Backpressure: while any writer is congested, EVERY pipe is paused, so
// programs block in write(2) and pidone's memory stays bounded; time paused does not count
// toward a partial line's wait, since the program was blocked by pidone, not at a prompt.
import type { LogSource } from './log-sink-api.ts';
import { LineSplitter } from './line-splitter.ts';
import type { StreamName } from './prefix.ts';
import type { ProgramOut } from './programs.ts';
import { monoMs } from './sink-close.ts';

export interface Attached {
  readonly prog: ProgramOut;
  readonly stream: StreamName;
  readonly source: LogSource;
  readonly splitter: LineSplitter;
  timer: NodeJS.Timeout | null;
  /** When the current partial line started (monoMs()). */
  since: number;
  done: boolean;
}

export interface IntakeOptions {
  readonly maxLine: number;
  /** 0: partial lines wait for their newline, the stream's end or flush(). */
  readonly partialMs: number;
  /** The splitter of a holds n pieces to send on. */
  readonly onLines: (a: Attached, n: number) => void;
}

export class Intake {
  private readonly opts: IntakeOptions;
  private readonly attached = new Set<Attached>();
  /** Writers over their high-water mark; while non-empty every source is paused. */
  private readonly congested = new Set<object>();
  /** Called by finish() once close() waits for the pipes and the last one ended. */
  private allEnded: (() => void) | null = null;

  constructor(opts: IntakeOptions) {
    this.opts = opts;
  }

  /** Reads one program stream until it ends; returns a function that stops reading it. */
  attach(prog: ProgramOut, stream: StreamName, source: LogSource): () => void {
    const a: Attached = { prog, stream, source, splitter: new LineSplitter(this.opts.maxLine), timer: null, since: 0, done: false };
    this.attached.add(a);
    if (this.congested.size > 0) source.pause();
    source.on('data', (chunk: Buffer) => this.onData(a, chunk));
    source.on('end', () => this.finish(a));
    source.on('close', () => this.finish(a));
    source.on('error', () => this.finish(a)); // EIO and friends: the pipe is as good as closed
    return () => {
      if (a.done) return;
      this.finish(a);
      if (this.congested.size > 0) source.resume();
    };
  }

  /** Sends on every pending partial line (flush()). */
  flushPartials(): void {
    for (const a of this.attached) {
      if (a.splitter.pending > 0) this.opts.onLines(a, a.splitter.flush());
    }
  }

  /** Resolves once every attached pipe has ended (for close()). */
  pipesEnded(): Promise<void> {
    if (this.attached.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.allEnded = resolve));
  }

  /** Reads every pipe from now on, whatever the backpressure (close(), once writers gave up). */
  resumeAll(): void {
    this.congested.clear();
    for (const a of this.attached) a.source.resume();
  }

  /** Stops reading the pipes still open; returns how many there were. */
  detachAll(): number {
    const n = this.attached.size;
    for (const a of [...this.attached]) {
      a.done = true;
      if (a.timer !== null) clearTimeout(a.timer);
      this.attached.delete(a);
      a.source.pause();
    }
    return n;
  }

  /** writer has too much waiting: every pipe pauses. */
  congest(writer: object): void {
    if (this.congested.has(writer)) return;
    this.congested.add(writer);
    if (this.congested.size === 1) for (const a of this.attached) a.source.pause();
  }

  /** writer is down to its low-water mark (or gone): the pipes resume once no writer is congested. */
  drained(writer: object): void {
    if (!this.congested.delete(writer) || this.congested.size > 0) return;
    const now = monoMs();
    for (const a of this.attached) {
      a.since = now; // the pause was ours: give partial lines their full wait again
      a.source.resume();
    }
  }

  private onData(a: Attached, chunk: Buffer): void {
    if (a.done) return;
    a.prog.rings[a.stream].push(chunk);
    const sp = a.splitter;
    const hadPartial = sp.pending > 0;
    const n = sp.feed(chunk);
    if (n > 0) this.opts.onLines(a, n);
    if (sp.pending > 0) {
      if (!hadPartial || n > 0) a.since = monoMs();
      this.armPartial(a);
    }
  }

  /** Sends on a partial line once it has waited partialMs. */
  private armPartial(a: Attached): void {
    const ms = this.opts.partialMs;
    if (ms <= 0 || a.timer !== null) return;
    a.timer = setTimeout(() => {
      a.timer = null;
      if (a.done || a.splitter.pending === 0) return;
      if (this.congested.size === 0 && monoMs() - a.since >= ms) this.opts.onLines(a, a.splitter.flush());
      else this.armPartial(a);
    }, ms);
    a.timer.unref();
  }

  /** The stream ended (or was detached): send on its last partial line and forget it. */
  private finish(a: Attached): void {
    if (a.done) return;
    a.done = true;
    if (a.timer !== null) clearTimeout(a.timer);
    a.timer = null;
    this.opts.onLines(a, a.splitter.flush());
    this.attached.delete(a);
    if (this.attached.size === 0 && this.allEnded !== null) {
      const done = this.allEnded;
      this.allEnded = null;
      done();
    }
  }
}
