// The parent's end of a program's stdin pipe. supervisord keeps it open for the program's life:
// a program that reads stdin waits for input instead of seeing EOF, sendProcessStdin and
// `supervisorctl fg` write to it, and event listeners get their events on it. A write goes to
// the pipe at once when it has room, so a pipe the program closed (EPIPE) is known at once, as
// supervisord answers NO_FILE at once; what the pipe cannot take yet waits, in order and
// bounded, until the program reads.
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { ProgramSpec } from '../model/spec.ts';

/** Bytes that may wait for a program that does not read its stdin. */
export const STDIN_QUEUE_LIMIT = 1024 * 1024;

/** `closed`: the program closed its stdin, or is gone; `full`: it has not read what waits. */
export type StdinWrite = 'ok' | 'closed' | 'full';

export class StdinPipe {
  readonly #fd: number;
  readonly #socket: Socket;
  #closed = false;

  /** Takes over fd (the write end of the pipe); net.Socket makes it non-blocking. */
  constructor(fd: number) {
    this.#fd = fd;
    this.#socket = new Socket({ fd, readable: false, writable: true });
    this.#socket.on('error', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Uint8Array): StdinWrite {
    if (this.#closed) return 'closed';
    const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const waiting = this.#socket.writableLength;
    if (waiting + buf.length > STDIN_QUEUE_LIMIT) return 'full';
    if (waiting > 0) {
      this.#socket.write(buf);
      return 'ok';
    }
    let n = 0;
    try {
      n = writeSync(this.#fd, buf);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') {
        this.close();
        return 'closed';
      }
    }
    if (n < buf.length) this.#socket.write(buf.subarray(n));
    return 'ok';
  }

  /** Closes the pipe (the program was reaped): nothing more is written. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
  }
}

/** What reads a readable pipe: a net.Socket. */
export interface ProtocolSource {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'close' | 'end', fn: () => void): unknown;
}

/** Told of each child's stdin pipe and, for an event listener, of its stdout (the protocol's channel). */
export interface StdioObserver {
  opened(spec: ProgramSpec, pid: number, stdin: StdinPipe, protocol: ProtocolSource | null): void;
  /** The child was reaped: its stdin is closed. */
  closed(spec: ProgramSpec, pid: number): void;
}

/** The stdin pipes of the running programs, by process name (sendProcessStdin). */
export class StdinTable implements StdioObserver {
  readonly #pipes = new Map<string, { readonly pid: number; readonly pipe: StdinPipe }>();
  readonly #listeners: StdioObserver[] = [];

  /** Also tells `other` of every child (the event-listener pools). */
  chain(other: StdioObserver): void {
    this.#listeners.push(other);
  }

  opened(spec: ProgramSpec, pid: number, stdin: StdinPipe, protocol: ProtocolSource | null): void {
    this.#pipes.get(spec.name)?.pipe.close();
    this.#pipes.set(spec.name, { pid, pipe: stdin });
    for (const l of this.#listeners) l.opened(spec, pid, stdin, protocol);
  }

  closed(spec: ProgramSpec, pid: number): void {
    const p = this.#pipes.get(spec.name);
    if (p !== undefined && p.pid === pid) {
      p.pipe.close();
      this.#pipes.delete(spec.name);
    }
    for (const l of this.#listeners) l.closed(spec, pid);
  }

  /** Writes to a program's stdin; `none` when it has no pipe (stdin: null, or not running). */
  write(name: string, data: string | Uint8Array): StdinWrite | 'none' {
    const p = this.#pipes.get(name);
    return p === undefined ? 'none' : p.pipe.write(data);
  }
}
