// The output layer: every program's stdout/stderr as whole lines (prefix, json or raw mode) to
// pidone's stdout or stderr as its route says (routes.ts), to its log files, to in-memory tails
// and to line subscribers; plus pidone's own lines. The daemon creates one sink and attaches
// each child's pipes to it.
//
// Flow per chunk read from a pipe: tail ring ← raw bytes; splitter → pieces (whole lines);
// pieces → one formatted write to the stream it is printed on, raw slices to the log file,
// decoded text to subscribers (decoded only when someone subscribed, or in json mode).
//
// Backpressure: when a printed stream or a log file has more than highWaterMark bytes waiting,
// EVERY attached pipe is paused until all of them drained to half of it, so programs block in
// write(2) and pidone's memory stays bounded (spec 5: output is never silently dropped).
// Exception: once stdout or stderr is broken (EPIPE), its output is dropped so programs never
// stall on it; this is said once and supervision goes on. Dropped output is counted and
// reported by close() (sink-close.ts), which reads every pipe to its end before the final line.
// Format decisions (separators, markers, timestamps, json shape): prefix.ts, json-lines.ts,
// and docs/output.md.
import type { Settings } from '../model/spec.ts';
import { DEFAULT_MAX_LINE } from './line-splitter.ts';
import { closeSink, writeNotice, type SinkInternals } from './sink-close.ts';
import { Intake, type Attached } from './intake.ts';
import { sameFd } from './own-output.ts';
import { Printer } from './printer.ts';
import { RingBuffer } from './ring-buffer.ts';
import { jsonBatch, pieceTexts, prefixBatch, rawSlices } from './batch.ts';
import { createEventLogger } from './json-lines.ts';
import { SELF_NAME, TimestampCache, selfPrefix, timestampText, useColor } from './prefix.ts';
import { Programs, type ProgramLogConfig } from './programs.ts';
import type { StreamName } from './prefix.ts';
import type { CloseOptions, CloseReport, EventLevel, LineSubscriber, LogSink, LogSinkOptions, LogSource } from './log-sink-api.ts';

export type { CloseOptions, CloseReport, EventLevel, LineSubscriber, LogSink, LogSinkOptions, LogSource, Undelivered } from './log-sink-api.ts';
export { FINAL_FLUSH_MS } from './log-sink-api.ts';
export type { ProgramLogConfig } from './programs.ts';
export type { StreamName } from './prefix.ts';

/** Creates the output layer over fd opts.out. */
export function createLogSink(opts: LogSinkOptions): LogSink {
  return new Sink(opts);
}

class Sink implements LogSink, SinkInternals {
  private readonly format: Settings['log_format'];
  private readonly colored: boolean;
  private readonly now: () => number;
  readonly errFd: number;
  private readonly outFd: number;
  private readonly hwm: number;
  private readonly timestamps: TimestampCache | null;
  readonly out: Printer;
  /** pidone's stderr, opened when a program stream is first printed there; out when they are one file. */
  private errOut: Printer | null = null;
  readonly programs: Programs;
  private readonly selfRing: RingBuffer;
  /** Line subscribers by program name (pidone included); kept across remove/add on reload. */
  private readonly subscribers = new Map<string, Set<LineSubscriber>>();
  private readonly logger;
  readonly intake: Intake;
  /** Where pidone's own lines go: stdout, or a capture while close() formats the last line. */
  private ownTarget: ((buf: Buffer) => void) | null = null;
  private closing: Promise<CloseReport> | null = null;
  /** The self ring's timestamp text, formatted once per millisecond. */
  private ringMs = -1;
  private ringTime = '';

  constructor(opts: LogSinkOptions) {
    this.format = opts.settings.log_format;
    this.colored = opts.settings.log_format !== 'json' && useColor(opts.settings.color, opts.isTTY, opts.env);
    this.now = opts.now ?? Date.now;
    this.intake = new Intake({ maxLine: opts.maxLine ?? DEFAULT_MAX_LINE, partialMs: opts.partialFlushMs ?? 1000, onLines: (a, n) => this.emit(a, n) });
    this.errFd = opts.errFd ?? 2;
    this.timestamps = opts.settings.timestamps && this.format !== 'json' ? new TimestampCache(this.colored) : null;
    const hwm = (this.hwm = opts.highWaterMark ?? 1024 * 1024);
    this.outFd = opts.out;
    this.out = this.printer('stdout', opts.out);
    const tailBytes = opts.tailBytes ?? 64 * 1024;
    this.selfRing = new RingBuffer(tailBytes);
    this.programs = new Programs({
      colored: this.colored,
      tailBytes,
      highWaterMark: hwm,
      ownFds: { stdout: opts.out, stderr: this.errFd },
      onFileError: (msg, level) => this.event(level ?? 'error', msg),
      onFileDrained: (f) => this.intake.drained(f),
    });
    for (const name of opts.names ?? []) this.programs.add(name);
    for (const p of opts.programs ?? []) this.programs.add(p);
    this.logger = this.format === 'json' ? createEventLogger((s) => this.writeOwn(Buffer.from(s)), this.now) : null;
  }

  attach(program: string, stream: StreamName, source: LogSource): () => void {
    return this.intake.attach(this.programs.get(program) ?? this.programs.add(program), stream, source);
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
    this.intake.flushPartials();
    await Promise.all([...this.printers().map((p) => p.flush()), this.programs.flush()]);
  }

  close(opts: CloseOptions = {}): Promise<CloseReport> {
    this.closing ??= closeSink(this, opts);
    return this.closing;
  }

  /** stdout, and stderr once a program stream is printed there (when it is another file). */
  printers(): Printer[] {
    return this.errOut === null || this.errOut === this.out ? [this.out] : [this.out, this.errOut];
  }

  /** A printed stream gave up (deadline): count what it held, and everything printed from now on. */
  abandon(p: Printer, reason: string): void {
    p.abandon(reason);
    this.intake.drained(p);
  }

  /** Sends the splitter's current pieces to the stream they are printed on, the log file and subscribers. */
  private emit(a: Attached, n: number): void {
    if (n === 0) return;
    const sp = a.splitter;
    const prog = a.prog;
    const subs = this.subscribers.get(prog.name);
    const to = prog.print[a.stream];
    const texts = (this.format === 'json' && to !== null) || subs !== undefined ? pieceTexts(sp) : null;
    if (to !== null) {
      const p = to === 'stdout' ? this.out : (this.errOut ??= sameFd(this.outFd, this.errFd) ? this.out : this.printer('stderr', this.errFd));
      // Formatted even when p is broken: what it misses is counted, to the byte.
      if (this.format === 'prefix') {
        this.put(p, prefixBatch(sp, prog.prefixes[a.stream], this.timestamps?.get(this.now()) ?? null));
      } else if (this.format === 'raw') {
        for (const b of rawSlices(sp, true)) this.put(p, b);
      } else {
        this.put(p, jsonBatch(sp, this.now(), prog.jsonBindings[a.stream], texts!));
      }
    }
    const file = prog.files[a.stream];
    if (file !== undefined) {
      for (const b of rawSlices(sp, false)) if (!file.write(b)) this.intake.congest(file);
    }
    if (texts !== null && subs !== undefined) {
      for (const t of texts) for (const fn of subs) safeCall(fn, a.stream, t);
    }
  }

  private put(p: Printer, buf: Buffer, own = false): void {
    if (!p.write(buf, own)) this.intake.congest(p);
  }

  private writeOwn(buf: Buffer): void {
    if (this.ownTarget !== null) this.ownTarget(buf);
    else this.put(this.out, buf, true);
  }

  private printer(target: 'stdout' | 'stderr', fd: number): Printer {
    return new Printer({ target, fd, highWaterMark: this.hwm, onDrain: (p) => this.intake.drained(p), onBroken: (p, err) => this.broken(p, err) });
  }

  /** Called once per printer: stdout's loss is said on stderr, stderr's on stdout. */
  private broken(p: Printer, err: NodeJS.ErrnoException): void {
    this.intake.drained(p);
    const why = `cannot write to ${p.target} (${err.code ?? err.message}); program output is no longer printed there (log files and tails go on), supervision continues`;
    if (p === this.out) writeNotice(this.errFd, `pidone: ${why}\n`);
    else this.event('warn', why);
  }
}

function safeCall(fn: LineSubscriber, stream: StreamName, line: string): void {
  try {
    fn(stream, line);
  } catch {
    // A failing subscriber (probe, log follower) must not break the output of everyone else.
  }
}
