// Program and main-log reads over the log sink's in-memory logs, with supervisord's offset
// arithmetic (readFile/tailFile, supervisord.md 4.5). Each program stream stands for the log
// file supervisord would write: offsets count from the start of that file, which starts over
// when it reaches stdout_logfile_maxbytes (as supervisord's rotation does) and when it is
// cleared. The ring keeps up to 1 MiB of it (io/ring-buffer.ts); a read that starts before
// what is kept starts where the kept bytes do. pidone never truncates the files a config names.
import type { StreamName } from '../io/prefix.ts';
import type { ControlContext } from './context.ts';
import { rpcFault } from './faults.ts';

/** The name the log sink uses for pidone's own lines (supervisord's main log). */
export const MAIN_LOG = 'pidone';

/** Reads the in-memory logs. */
export class Logs {
  readonly #sink: ControlContext['sink'];

  constructor(sink: ControlContext['sink']) {
    this.#sink = sink;
  }

  /** The size of the log "file" (its end offset). */
  size(program: string, stream: StreamName): number {
    return this.#sink.written(program, stream);
  }

  /** The bytes [from, to) of the file, as far as they are kept. */
  range(program: string, stream: StreamName, from: number, to: number): Buffer {
    const size = this.size(program, stream);
    const start = Math.max(0, from);
    const end = Math.min(to, size);
    if (end <= start) return Buffer.alloc(0);
    // tail() holds the newest bytes, ending at offset `size`.
    const tail = this.#sink.tail(program, stream, size - start);
    const first = size - tail.length;
    if (end <= first) return Buffer.alloc(0);
    return tail.subarray(Math.max(0, start - first), end - first);
  }

  /** The newest n bytes. */
  last(program: string, stream: StreamName, n: number): Buffer {
    const size = this.size(program, stream);
    return this.range(program, stream, size - n, size);
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

  /** supervisord's clearProcessLogs: the file starts over empty (later offsets count from 0). */
  clear(program: string, streams: readonly StreamName[]): void {
    for (const s of streams) this.#sink.clear(program, s);
  }
}

/** Bytes as text for clients: invalid or cut UTF-8 becomes U+FFFD (supervisord answers HTTP 500). */
export function decodeLog(b: Buffer): string {
  return b.toString('utf8');
}
