// The output layer's public surface: what the daemon (main.ts, the supervisor's wiring, the
// control server) calls. The implementation is log-sink.ts; createLogSink() builds one.
import type { Settings } from '../model/spec.ts';
import type { ProgramLogConfig } from './programs.ts';
import type { StreamName } from './prefix.ts';

/** What attach() needs of a pipe: a net.Socket or any Readable emitting Buffers. */
export interface LogSource {
  pause(): unknown;
  resume(): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- must accept net.Socket's overloads
  on(event: 'data' | 'end' | 'close' | 'error', listener: (arg: any) => void): unknown;
}

export type LineSubscriber = (stream: StreamName, line: string) => void;
export type EventLevel = 'info' | 'warn' | 'error';

/**
 * How long close() may spend delivering what programs wrote before pidone exits: reading
 * their pipes to the end and writing it all out. A shutdown takes at most shutdown_timeout +
 * the kill grace + this (docs/output.md).
 */
export const FINAL_FLUSH_MS = 2000;

/** One of pidone's own lines, as event() takes it. */
export interface OwnLine {
  readonly level: EventLevel;
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

export interface CloseOptions {
  /** Give up delivering after this many ms; default FINAL_FLUSH_MS. */
  readonly deadlineMs?: number;
  /**
   * pidone's final line: printed after every line of every program, so it is always last.
   * If stdout could not take everything, it goes to stderr after the line saying what was lost.
   */
  readonly last?: OwnLine;
}

/** Output that did not reach one target. */
export interface Undelivered {
  /** "stdout", "stderr" or a log file's path. */
  readonly target: string;
  /** Bytes as they would have been written (with prefixes on stdout). */
  readonly bytes: number;
  /** Lines of program output among them. */
  readonly lines: number;
  /** pidone's own lines among them (stdout only). */
  readonly ownLines: number;
  readonly reason: string;
}

export interface CloseReport {
  /** Empty when every byte was delivered. Said on stderr in one line when not. */
  readonly undelivered: readonly Undelivered[];
  /** Program streams still open when the deadline passed (their unread output is not counted). */
  readonly openStreams: number;
}

export interface LogSinkOptions {
  readonly settings: Pick<Settings, 'log_format' | 'timestamps' | 'color'>;
  /** Program names known up front (for padding); same as programs without log files. */
  readonly names?: readonly string[];
  /** Programs with their log file settings (a ProgramSpec fits). */
  readonly programs?: readonly ProgramLogConfig[];
  /** Where the multiplexed output goes: a file descriptor, usually 1. */
  readonly out: number;
  readonly isTTY: boolean;
  readonly env: Record<string, string | undefined>;
  /** Wall clock in ms, for timestamps and json `time`. */
  readonly now?: () => number;
  /** Bytes kept per program stream for tail(); default 64 KiB. */
  readonly tailBytes?: number;
  /** Longest line printed in one piece; default 64 KiB. */
  readonly maxLine?: number;
  /** Bytes waiting on stdout or on one file before every pipe is paused; default 1 MiB. */
  readonly highWaterMark?: number;
  /**
   * A partial line (no newline yet) that waited this long is printed, so prompts and progress
   * output show up; its rest is marked continued. Time spent paused by backpressure does not
   * count. Default 1000 ms; 0 = only at EOF and flush().
   */
  readonly partialFlushMs?: number;
  /**
   * pidone's stderr: where program streams routed there (stderr_logfile=/dev/stderr) are
   * printed, and notices about lost output ("stdout is gone", the close report); default 2.
   */
  readonly errFd?: number;
}

export interface LogSink {
  /** Reads one program stream until it ends; returns a function that stops reading it. */
  attach(program: string, stream: StreamName, source: LogSource): () => void;
  /** Prints one of pidone's own lines (fields show only in json mode). */
  event(level: EventLevel, message: string, fields?: Record<string, unknown>): void;
  /**
   * Calls fn with every line of program (text without "\n" or "\r\n"; pieces of cut lines
   * come one by one); "pidone" gets pidone's own messages. Returns unsubscribe.
   */
  subscribe(program: string, fn: LineSubscriber): () => void;
  /** The newest maxBytes bytes (at most tailBytes) the program wrote on stream. */
  tail(program: string, stream: StreamName, maxBytes: number): Buffer;
  /** The size of the program's log "file" on stream: supervisord's tail offsets (it starts over at maxbytes and when cleared). */
  written(program: string, stream: StreamName): number;
  /** supervisord's clearProcessLogs: the stream's log "file" starts over empty. */
  clear(program: string, stream: StreamName): void;
  /** Adds a program, or updates its log files (reload); re-pads names. */
  addProgram(program: string | ProgramLogConfig): void;
  /** Forgets a program (reload): padding, colour, tails, files; subscribers stay. */
  removeProgram(name: string): void;
  /** Reopens every log file (SIGUSR2). */
  reopen(): void;
  /** Prints pending partial lines and resolves when everything is written. */
  flush(): Promise<void>;
  /**
   * Reads every attached pipe to its end (paused or not), prints opts.last after all of it,
   * writes everything out and closes the log files, all within opts.deadlineMs. What could not
   * be delivered by then is dropped, counted, and said in one line on stderr.
   */
  close(opts?: CloseOptions): Promise<CloseReport>;
}
