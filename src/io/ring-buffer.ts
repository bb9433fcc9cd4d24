// A bounded byte ring holding the most recent output of one program stream, for `logs`, the
// web UI's tail and supervisord's readProcessStdoutLog/tailProcessStdoutLog. It stores the bytes
// exactly as the program wrote them (no prefixes) and behaves as supervisord's log file of the
// same stdout_logfile_maxbytes would: `total` is that file's size, and a chunk that brings it to
// maxbytes or more empties it (supervisord rotates after each write that reaches maxbytes), so
// offsets are the ones supervisord would give. Only the newest `capacity` bytes are kept, and
// memory grows with what the program really wrote, up to the capacity.

/** Largest ring a program stream gets, whatever its maxbytes says (supervisord's default is 50MB). */
export const RING_MAX = 1024 * 1024;
const FIRST_ALLOCATION = 4096;

/** Last-N-bytes store with supervisord's size-based rollover. */
export class RingBuffer {
  private readonly capacity: number;
  private readonly rollover: number;
  private buf: Buffer | null = null;
  /** Next write position in buf. */
  private head = 0;
  /** Bytes currently held (<= buf.length, <= total). */
  private size = 0;
  /** Bytes stored since the last rollover. */
  private fileBytes = 0;

  /** rollover: the size at which the "file" starts over empty; 0 = never (every byte counts). */
  constructor(capacity: number, rollover = 0) {
    this.capacity = Math.max(0, Math.floor(capacity));
    this.rollover = Math.max(0, Math.floor(rollover));
  }

  /** The size of the log file this ring stands for: the offset just past the newest byte. */
  get total(): number {
    return this.fileBytes;
  }

  /** Appends data[start, end): one write of the program, as read from its pipe. */
  push(data: Buffer, start = 0, end = data.length): void {
    const n = end - start;
    if (n <= 0) return;
    this.fileBytes += n;
    if (this.rollover > 0 && this.fileBytes >= this.rollover) {
      this.fileBytes = 0;
      this.size = 0;
      this.head = 0;
      return;
    }
    if (this.capacity === 0) return;
    const buf = this.room(this.size + n);
    const cap = buf.length;
    if (n >= cap) {
      data.copy(buf, 0, end - cap, end);
      this.head = 0;
      this.size = cap;
      return;
    }
    const first = Math.min(n, cap - this.head);
    data.copy(buf, this.head, start, start + first);
    if (first < n) data.copy(buf, 0, start + first, end);
    this.head = (this.head + n) % cap;
    this.size = Math.min(cap, this.size + n);
  }

  /** The "file" starts over empty, as supervisord's clearProcessLogs truncates it. */
  clear(): void {
    this.fileBytes = 0;
    this.size = 0;
    this.head = 0;
  }

  /** A copy of the newest min(maxBytes, held) bytes, oldest first. */
  tail(maxBytes: number): Buffer {
    const n = Math.max(0, Math.min(Math.floor(maxBytes), this.size));
    if (n === 0 || this.buf === null) return Buffer.alloc(0);
    const cap = this.buf.length;
    const start = (this.head - n + cap) % cap;
    if (start + n <= cap) return Buffer.from(this.buf.subarray(start, start + n));
    return Buffer.concat([this.buf.subarray(start, cap), this.buf.subarray(0, this.head)], n);
  }

  /** The buffer, grown (by doubling, up to the capacity) to hold `want` bytes if it can. */
  private room(want: number): Buffer {
    const have = this.buf?.length ?? 0;
    if (have >= Math.min(want, this.capacity)) return this.buf!;
    let size = Math.max(have * 2, FIRST_ALLOCATION);
    while (size < want) size *= 2;
    const grown = Buffer.allocUnsafe(Math.min(size, this.capacity));
    const kept = this.tail(this.size);
    kept.copy(grown, 0);
    this.buf = grown;
    this.head = kept.length % grown.length;
    return grown;
  }
}

/**
 * The ring for one stream of a program with this `*_logfile_maxbytes`: the file it stands for
 * rolls over at maxbytes as supervisord's does, and the ring keeps all of it up to RING_MAX
 * (maxbytes 0, supervisord's "never rotate", keeps the newest RING_MAX bytes). Without a
 * config (pidone's own lines, tests) it keeps `fallback` bytes and never rolls over.
 */
export function logRing(maxbytes: number | undefined, fallback: number): RingBuffer {
  if (maxbytes === undefined) return new RingBuffer(fallback);
  return new RingBuffer(maxbytes > 0 ? Math.min(maxbytes, RING_MAX) : RING_MAX, maxbytes);
}
