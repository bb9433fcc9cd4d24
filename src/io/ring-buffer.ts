// A fixed-size byte ring holding the most recent output of one program stream, for `logs`,
// the web UI's tail and supervisord's tailProcessStdoutLog. It stores the bytes exactly as the
// program wrote them (no prefixes), like supervisord's log file, and counts every byte ever
// stored so a client can ask "what came after offset N" (supervisord's tail offsets).

/** Last-N-bytes store; memory is allocated once, on first write. */
export class RingBuffer {
  private readonly capacity: number;
  private buf: Buffer | null = null;
  /** Next write position in buf. */
  private head = 0;
  /** Bytes currently held (<= capacity). */
  private size = 0;
  /** Bytes ever pushed. */
  private totalBytes = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
  }

  /** Bytes ever stored (the offset just past the newest byte). */
  get total(): number {
    return this.totalBytes;
  }

  /** Appends data[start, end). */
  push(data: Buffer, start = 0, end = data.length): void {
    const n = end - start;
    if (n <= 0) return;
    this.totalBytes += n;
    const cap = this.capacity;
    if (cap === 0) return;
    if (this.buf === null) this.buf = Buffer.allocUnsafe(cap);
    if (n >= cap) {
      data.copy(this.buf, 0, end - cap, end);
      this.head = 0;
      this.size = cap;
      return;
    }
    const first = Math.min(n, cap - this.head);
    data.copy(this.buf, this.head, start, start + first);
    if (first < n) data.copy(this.buf, 0, start + first, end);
    this.head = (this.head + n) % cap;
    this.size = Math.min(cap, this.size + n);
  }

  /** A copy of the newest min(maxBytes, held) bytes, oldest first. */
  tail(maxBytes: number): Buffer {
    const n = Math.max(0, Math.min(Math.floor(maxBytes), this.size));
    if (n === 0 || this.buf === null) return Buffer.alloc(0);
    const cap = this.capacity;
    const start = (this.head - n + cap) % cap;
    if (start + n <= cap) return Buffer.from(this.buf.subarray(start, start + n));
    return Buffer.concat([this.buf.subarray(start, cap), this.buf.subarray(0, this.head)], n);
  }
}
