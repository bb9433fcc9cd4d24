// Program and main-log reads over the log sink's in-memory tails, with supervisord's offset
// arithmetic (readFile/tailFile, supervisord.md 4.5). Offsets count every byte the program
// ever wrote on the stream, as a log file that is never rotated would; only the newest
// tailBytes are kept, so reads before that start where the kept bytes do. "Clearing" a log
// moves the start of what reads return; pidone never truncates the files a config names.
import type { StreamName } from '../io/prefix.ts';
import type { ControlContext } from './context.ts';
import { rpcFault } from './faults.ts';

/** The name the log sink uses for pidone's own lines (supervisord's main log). */
export const MAIN_LOG = 'pidone';

/** Reads the in-memory logs. */
export class Logs {
  readonly #sink: ControlContext['sink'];
  /** program\0stream → offset before which a clear hid everything. */
  readonly #cleared = new Map<string, number>();

  constructor(sink: ControlContext['sink']) {
    this.#sink = sink;
  }

  /** Bytes ever written (the end offset). */
  size(program: string, stream: StreamName): number {
    return this.#sink.written(program, stream);
  }

  /** The bytes [from, to) that are still kept (and not cleared). */
  range(program: string, stream: StreamName, from: number, to: number): Buffer {
    const size = this.size(program, stream);
    const start = Math.max(from, this.#cleared.get(`${program}\0${stream}`) ?? 0);
    const end = Math.min(to, size);
    if (end <= start) return Buffer.alloc(0);
    const tail = this.#sink.tail(program, stream, size - start);
    // tail() holds the newest bytes ending at `size`: cut the window out of its end.
    return tail.subarray(Math.max(0, tail.length - (size - start)), Math.max(0, tail.length - (size - end)));
  }

  /** The newest n bytes. */
  last(program: string, stream: StreamName, n: number): Buffer {
    const size = this.size(program, stream);
    return this.range(program, stream, Math.max(0, size - n), size);
  }

  /** supervisord's readFile: BAD_ARGUMENTS for a negative offset with a length, or a negative length. */
  read(program: string, stream: StreamName, offset: number, length: number): Buffer {
    const size = this.size(program, stream);
    if (offset < 0) {
      if (length !== 0) throw rpcFault('BAD_ARGUMENTS');
      return this.last(program, stream, -offset);
    }
    if (length < 0) throw rpcFault('BAD_ARGUMENTS');
    return this.range(program, stream, offset, length === 0 ? size : offset + length);
  }

  /** supervisord's tailFile: [bytes, new offset, overflow]. */
  tail(program: string, stream: StreamName, offset: number, length: number): [Buffer, number, boolean] {
    const size = this.size(program, stream);
    let overflow = false;
    if (size > offset + length) {
      overflow = true;
      offset = size - 1;
    }
    if (offset + length > size) {
      if (offset > size - 1) length = 0;
      offset = size - length;
    }
    offset = Math.max(0, offset);
    length = Math.max(0, length);
    const data = length === 0 ? Buffer.alloc(0) : this.range(program, stream, offset, offset + length);
    return [data, size, overflow];
  }

  /** Hides everything written so far from later reads (supervisord's clearProcessLogs). */
  clear(program: string, streams: readonly StreamName[]): void {
    for (const s of streams) this.#cleared.set(`${program}\0${s}`, this.size(program, s));
  }
}

/** Bytes as text for clients: invalid or cut UTF-8 becomes U+FFFD (supervisord answers HTTP 500). */
export function decodeLog(b: Buffer): string {
  return b.toString('utf8');
}
