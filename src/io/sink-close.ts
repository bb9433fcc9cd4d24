// The end of pidone's output: LogSink.close(). Programs have stopped, but what they wrote may
// still sit in their pipes (paused by backpressure) or in pidone's queues. close() reads every
// pipe to its end and writes it all out, then pidone's final line, so that line is last, all
// within a deadline: a stdout nobody reads must not keep pidone alive past shutdown_timeout +
// the kill grace + FINAL_FLUSH_MS. What misses the deadline is dropped and counted, and so is
// what stdout (or stderr, for program streams printed there) lost to EPIPE and log files to
// ENOSPC; one line on stderr says how much and why, before the final line.
//
// Time line of a deadline D: until D - 2s, deliver (backpressure holds, memory stays bounded);
// then give up on every writer that still has output waiting, read the pipes to their end
// only to count what is lost, until D - s; the last slice s is for the final line.
// s = min(250 ms, D / 5): the final line is the one line that must get out, and on a loaded
// machine a tenth of a 500 ms deadline was not always enough for it to reach even a file.
import { closeSync, constants, fstatSync, openSync, writeSync } from 'node:fs';
import type { Intake } from './intake.ts';
import { FINAL_FLUSH_MS, type CloseOptions, type CloseReport, type EventLevel, type Undelivered } from './log-sink-api.ts';
import type { Printer } from './printer.ts';
import type { Programs } from './programs.ts';

/** A monotonic clock in ms (not performance.now(): node:perf_hooks costs start-up time). */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** What closeSink() needs of the sink (log-sink.ts). */
export interface SinkInternals {
  /** pidone's stdout: program lines and its own, the final line last. */
  readonly out: Printer;
  readonly programs: Programs;
  readonly intake: Intake;
  readonly errFd: number;
  /** out, and stderr when program streams are printed there. */
  printers(): Printer[];
  abandon(p: Printer, reason: string): void;
  event(level: EventLevel, message: string, fields?: Record<string, unknown>): void;
  formatOwn(level: EventLevel, message: string, fields?: Record<string, unknown>): Buffer;
}

export async function closeSink(s: SinkInternals, opts: CloseOptions): Promise<CloseReport> {
  const deadlineMs = Math.max(0, opts.deadlineMs ?? FINAL_FLUSH_MS);
  const end = monoMs() + deadlineMs;
  const slice = Math.min(250, deadlineMs / 5);
  const late = `not written within the ${deadlineMs} ms final flush deadline`;

  let delivered = await settledBy(s.intake.pipesEnded(), end - 2 * slice);
  delivered &&= await settledBy(Promise.all([...s.printers().map((p) => p.flush()), s.programs.flush()]), end - 2 * slice);
  let openStreams = 0;
  if (!delivered) {
    for (const p of s.printers()) if (p.pending > 0) s.abandon(p, `${late} (${p.target} is not being read fast enough)`);
    s.programs.abandonSlow(late);
    s.intake.resumeAll();
    await settledBy(s.intake.pipesEnded(), end - slice);
    openStreams = s.intake.detachAll();
  }

  const before = undelivered(s);
  if (before.length > 0 || openStreams > 0) writeNotice(s.errFd, describe(before, openStreams));
  const last = opts.last;
  if (last !== undefined && !s.out.broken) {
    s.event(last.level, last.message, last.fields);
    if (!(await settledBy(s.out.flush(), end))) {
      s.abandon(s.out, `${late} (stdout is not being read)`);
      writeNotice(s.errFd, describe(undelivered(s).filter((u) => u.target === 'stdout'), 0));
      writeNotice(s.errFd, s.formatOwn(last.level, last.message, last.fields));
    }
  } else if (last !== undefined) {
    writeNotice(s.errFd, s.formatOwn(last.level, last.message, last.fields));
  }
  await settledBy(s.programs.close(), end);
  return { undelivered: undelivered(s), openStreams };
}

function undelivered(s: SinkInternals): Undelivered[] {
  const out: Undelivered[] = [];
  for (const p of s.printers()) {
    const d = p.dropped;
    if (d.bytes > 0) out.push({ target: p.target, bytes: d.bytes, lines: d.lines, ownLines: d.ownLines, reason: p.reason });
  }
  for (const { path, loss } of s.programs.losses()) out.push({ target: path, bytes: loss.bytes, lines: loss.lines, ownLines: 0, reason: loss.reason });
  return out;
}

function describe(list: readonly Undelivered[], openStreams: number): string {
  const parts = list.map((u) => `${u.target}: ${u.bytes} bytes (${u.lines} lines of program output${u.ownLines > 0 ? `, ${u.ownLines} of pidone's` : ''}), ${u.reason}`);
  if (openStreams > 0) parts.push(`${openStreams} program stream(s) were still open at the deadline; what they held is not counted`);
  return `pidone: output not delivered: ${parts.join('; ')}\n`;
}

/** Whether p settled before monoMs() reached `at`. */
function settledBy(p: Promise<unknown>, at: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, at - monoMs()));
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    p.then(done, done);
  });
}

/**
 * Writes one of pidone's notices to fd (stderr) without ever blocking: when fd is a pipe, on
 * a non-blocking description of its own (pipe-writer.ts says why), so a stuck stderr loses the
 * notice instead of holding pidone past its deadline.
 */
export function writeNotice(fd: number, text: string | Buffer): void {
  let target = fd;
  try {
    if (fstatSync(fd).isFIFO()) target = openSync(`/proc/self/fd/${fd}`, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    // No /proc: the fd as it is.
  }
  try {
    writeSync(target, typeof text === 'string' ? Buffer.from(text) : text);
  } catch {
    // stderr full or closed: nobody to tell.
  } finally {
    if (target !== fd) closeSync(target);
  }
}
