// The output layer: every program's stdout/stderr to pidone's stdout as whole lines (prefix,
// json or raw mode), to its log files, to in-memory tails and to line subscribers; plus
// pidone's own lines. The daemon creates one sink and attaches each child's pipes to it.
//
// Flow per chunk read from a pipe: tail ring ← raw bytes; splitter → pieces (whole lines);
// pieces → one formatted write to stdout, raw slices to the log file, decoded text to
// subscribers (decoded only when someone subscribed, or in json mode).
//
// Backpressure: when stdout or a log file has more than highWaterMark bytes waiting, EVERY
// attached pipe is paused until all of them drained to half of it, so programs block in
// write(2) and pidone's memory stays bounded (spec 5: output is never silently dropped).
// Exception: once stdout is broken (EPIPE), its output is dropped so programs never stall
// on it; this is said once on stderr and supervision goes on. Dropped output is counted and
// reported by close() (sink-close.ts), which reads every pipe to its end before the final line.
// Format decisions (separators, markers, timestamps, json shape): prefix.ts, json-lines.ts,
// and docs/output.md.
import type { Settings } from '../model/spec.ts';
import { LineSplitter, DEFAULT_MAX_LINE } from './line-splitter.ts';
import { openOutWriter, type Dropped, type OutWriter } from './fd-writer.ts';
import { closeSink, monoMs, writeNotice, type SinkInternals } from './sink-close.ts';
import { RingBuffer } from './ring-buffer.ts';
import { jsonBatch, pieceTexts, prefixBatch, rawSlices } from './batch.ts';
import { createEventLogger } from './json-lines.ts';
import { SELF_NAME, TimestampCache, selfPrefix, timestampText, useColor } from './prefix.ts';
import { Programs, type ProgramLogConfig, type ProgramOut } from './programs.ts';
import type { StreamName } from './prefix.ts';
import type { CloseOptions, CloseReport, EventLevel, LineSubscriber, LogSink, LogSinkOptions, LogSource } from './log-sink-api.ts';

export type { CloseOptions, CloseReport, EventLevel, LineSubscriber, LogSink, LogSinkOptions, LogSource, Undelivered } from './log-sink-api.ts';
export { FINAL_FLUSH_MS } from './log-sink-api.ts';
export type { ProgramLogConfig } from './programs.ts';
export type { StreamName } from './prefix.ts';

interface Attached {
  readonly prog: ProgramOut;
  readonly stream: StreamName;
  readonly source: LogSource;
  readonly splitter: LineSplitter;
  timer: NodeJS.Timeout | null;
  /** When the current partial line started (monoMs()). */
  since: number;
  done: boolean;
}

/** Creates the output layer over fd opts.out. */
export function createLogSink(opts: LogSinkOptions): LogSink {
  return new Sink(opts);
}

class Sink implements LogSink, SinkInternals {
  private readonly format: Settings['log_format'];
  private readonly colored: boolean;
  private readonly now: () => number;
  private readonly maxLine: number;
  private readonly partialMs: number;
  readonly errFd: number;
  private readonly timestamps: TimestampCache | null;
  readonly out: OutWriter;
  readonly programs: Programs;
  private readonly selfRing: RingBuffer;
  /** Line subscribers by program name (pidone included); kept across remove/add on reload. */
  private readonly subscribers = new Map<string, Set<LineSubscriber>>();
  private readonly logger;
  private readonly attached = new Set<Attached>();
  /** Writers over their high-water mark; while non-empty every source is paused. */
  private readonly congested = new Set<object>();
  private warnedBroken = false;
  /** Output stdout did not get (after EPIPE, or past close()'s deadline), and why. */
  readonly dropped = { bytes: 0, lines: 0, ownLines: 0 };
  dropReason = '';
  /** Where pidone's own lines go: stdout, or a capture while close() formats the last line. */
  private ownTarget: ((buf: Buffer) => void) | null = null;
  /** Called by finish() once close() waits for the pipes and the last one ended. */
  private allEnded: (() => void) | null = null;
  private closing: Promise<CloseReport> | null = null;
  /** The self ring's timestamp text, formatted once per millisecond. */
  private ringMs = -1;
  private ringTime = '';

  constructor(opts: LogSinkOptions) {
    this.format = opts.settings.log_format;
    this.colored = opts.settings.log_format !== 'json' && useColor(opts.settings.color, opts.isTTY, opts.env);
    this.now = opts.now ?? Date.now;
    this.maxLine = opts.maxLine ?? DEFAULT_MAX_LINE;
    this.partialMs = opts.partialFlushMs ?? 1000;
    this.errFd = opts.errFd ?? 2;
    this.timestamps = opts.settings.timestamps && this.format !== 'json' ? new TimestampCache(this.colored) : null;
    const hwm = opts.highWaterMark ?? 1024 * 1024;
    this.out = openOutWriter({
      fd: opts.out,
      highWaterMark: hwm,
      onDrain: () => this.drained(this.out),
      onBroken: (err) => this.outBroken(err),
    });
    const tailBytes = opts.tailBytes ?? 64 * 1024;
    this.selfRing = new RingBuffer(tailBytes);
    this.programs = new Programs({
      colored: this.colored,
      tailBytes,
      highWaterMark: hwm,
      ownFds: [opts.out, this.errFd],
      onFileError: (msg, level) => this.event(level ?? 'error', msg),
      onFileDrained: (f) => this.drained(f),
    });
    for (const name of opts.names ?? []) this.programs.add(name);
    for (const p of opts.programs ?? []) this.programs.add(p);
    this.logger = this.format === 'json' ? createEventLogger((s) => this.writeOwn(Buffer.from(s)), this.now) : null;
  }

  attach(program: string, stream: StreamName, source: LogSource): () => void {
    const a: Attached = {
      prog: this.programs.get(program) ?? this.programs.add(program),
      stream,
      source,
      splitter: new LineSplitter(this.maxLine),
      timer: null,
      since: 0,
      done: false,
    };
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

  event(level: EventLevel, message: string, fields?: Record<string, unknown>): void {
    const time = this.now();
    if (this.ownTarget === null) {
      if (time !== this.ringMs) {
        this.ringMs = time;
        this.ringTime = timestampText(time, false);
      }
      this.selfRing.push(Buffer.from(`${this.ringTime}${level.toUpperCase()} ${message}\n`));
      for (const fn of this.subscribers.get(SELF_NAME) ?? []) safeCall(fn, 'stdout', message);
    }
    if (this.logger !== null) {
      this.logger[level](fields ?? {}, message);
      return;
    }
    const head = (this.timestamps?.get(time).toString() ?? '') + selfPrefix(this.programs.width, level, this.colored);
    let text = '';
    for (const line of message.split('\n')) text += `${head}${line}\n`;
    this.writeOwn(Buffer.from(text));
  }

  /** The bytes event() would print for one of pidone's lines, without printing or recording them. */
  formatOwn(level: EventLevel, message: string, fields?: Record<string, unknown>): Buffer {
    const parts: Buffer[] = [];
    this.ownTarget = (b) => parts.push(b);
    try {
      this.event(level, message, fields);
    } finally {
      this.ownTarget = null;
    }
    return Buffer.concat(parts);
  }

  subscribe(program: string, fn: LineSubscriber): () => void {
    let set = this.subscribers.get(program);
    if (set === undefined) this.subscribers.set(program, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.subscribers.get(program) === set) this.subscribers.delete(program);
    };
  }

  tail(program: string, stream: StreamName, maxBytes: number): Buffer {
    if (program === SELF_NAME) return this.selfRing.tail(maxBytes);
    return this.programs.get(program)?.rings[stream].tail(maxBytes) ?? Buffer.alloc(0);
  }

  written(program: string, stream: StreamName): number {
    if (program === SELF_NAME) return this.selfRing.total;
    return this.programs.get(program)?.rings[stream].total ?? 0;
  }

  clear(program: string, stream: StreamName): void {
    if (program === SELF_NAME) this.selfRing.clear();
    else this.programs.get(program)?.rings[stream].clear();
  }

  addProgram(program: string | ProgramLogConfig): void {
    this.programs.add(program);
  }

  removeProgram(name: string): void {
    this.programs.remove(name);
  }

  reopen(): void {
    this.programs.reopen();
  }

  async flush(): Promise<void> {
    for (const a of this.attached) {
      if (a.splitter.pending > 0) this.emit(a, a.splitter.flush());
    }
    await Promise.all([this.out.flush(), this.programs.flush()]);
  }

  close(opts: CloseOptions = {}): Promise<CloseReport> {
    this.closing ??= closeSink(this, opts);
    return this.closing;
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

  /** Stdout gave up (deadline): count what it held, and everything printed from now on. */
  abandonOut(reason: string): void {
    this.countDropped(this.out.abandon());
    this.dropReason ||= reason;
    this.drained(this.out);
  }

  private onData(a: Attached, chunk: Buffer): void {
    if (a.done) return;
    a.prog.rings[a.stream].push(chunk);
    const sp = a.splitter;
    const hadPartial = sp.pending > 0;
    const n = sp.feed(chunk);
    if (n > 0) this.emit(a, n);
    if (sp.pending > 0) {
      if (!hadPartial || n > 0) a.since = monoMs();
      this.armPartial(a);
    }
  }

  /** Sends the splitter's current pieces to stdout, the log file and subscribers. */
  private emit(a: Attached, n: number): void {
    if (n === 0) return;
    const sp = a.splitter;
    const prog = a.prog;
    const subs = this.subscribers.get(prog.name);
    const texts = this.format === 'json' || subs !== undefined ? pieceTexts(sp) : null;
    // Formatted even when stdout is broken: what it misses is counted, to the byte.
    if (this.format === 'prefix') {
      this.writeOut(prefixBatch(sp, prog.prefixes[a.stream], this.timestamps?.get(this.now()) ?? null));
    } else if (this.format === 'raw') {
      for (const b of rawSlices(sp, true)) this.writeOut(b);
    } else {
      this.writeOut(jsonBatch(sp, this.now(), prog.jsonBindings[a.stream], texts!));
    }
    const file = prog.files[a.stream];
    if (file !== undefined) {
      for (const b of rawSlices(sp, false)) if (!file.write(b)) this.congest(file);
    }
    if (texts !== null && subs !== undefined) {
      for (const t of texts) for (const fn of subs) safeCall(fn, a.stream, t);
    }
  }

  private writeOut(buf: Buffer): void {
    if (this.out.broken) this.countDropped({ bytes: buf.length, lines: newlines(buf), ownLines: 0 });
    else if (!this.out.write(buf)) this.congest(this.out);
  }

  private writeOwn(buf: Buffer): void {
    if (this.ownTarget !== null) this.ownTarget(buf);
    else if (this.out.broken) this.countDropped({ bytes: buf.length, lines: 0, ownLines: newlines(buf) });
    else if (!this.out.write(buf, true)) this.congest(this.out);
  }

  private countDropped(d: Dropped): void {
    this.dropped.bytes += d.bytes;
    this.dropped.lines += d.lines;
    this.dropped.ownLines += d.ownLines;
  }

  /** Prints a partial line once it has waited partialMs (a prompt, a progress bar). */
  private armPartial(a: Attached): void {
    if (this.partialMs <= 0 || a.timer !== null) return;
    a.timer = setTimeout(() => {
      a.timer = null;
      if (a.done || a.splitter.pending === 0) return;
      // While paused by backpressure the program is blocked by us, not waiting at a prompt.
      if (this.congested.size === 0 && monoMs() - a.since >= this.partialMs) this.emit(a, a.splitter.flush());
      else this.armPartial(a);
    }, this.partialMs);
    a.timer.unref();
  }

  /** The stream ended (or was detached): print its last partial line and forget it. */
  private finish(a: Attached): void {
    if (a.done) return;
    a.done = true;
    if (a.timer !== null) clearTimeout(a.timer);
    a.timer = null;
    this.emit(a, a.splitter.flush());
    this.attached.delete(a);
    if (this.attached.size === 0 && this.allEnded !== null) {
      const done = this.allEnded;
      this.allEnded = null;
      done();
    }
  }

  private congest(writer: object): void {
    if (this.congested.has(writer)) return;
    this.congested.add(writer);
    if (this.congested.size === 1) for (const a of this.attached) a.source.pause();
  }

  private drained(writer: object): void {
    if (!this.congested.delete(writer) || this.congested.size > 0) return;
    const now = monoMs();
    for (const a of this.attached) {
      a.since = now; // the pause was ours: give partial lines their full wait again
      a.source.resume();
    }
  }

  private outBroken(err: NodeJS.ErrnoException): void {
    this.drained(this.out);
    this.dropReason ||= `stdout failed: ${err.code ?? err.message}`;
    if (this.warnedBroken) return;
    this.warnedBroken = true;
    writeNotice(this.errFd, `pidone: cannot write to stdout (${err.code ?? err.message}); program output is no longer printed there (log files and tails go on), supervision continues\n`);
  }
}

function newlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

function safeCall(fn: LineSubscriber, stream: StreamName, line: string): void {
  try {
    fn(stream, line);
  } catch {
    // A failing subscriber (probe, log follower) must not break the output of everyone else.
  }
}
