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
  /** Where the one-time "stdout is gone" notice goes; default 2. */
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
  /** flush(), then closes the log files and stops timers. */
  close(): Promise<void>;
}
