// Cuts one byte stream (a program's stdout or stderr pipe) into whole lines, on Buffers only.
//
// The output of each feed()/flush() is a list of "pieces" kept in parallel arrays that are
// reused from call to call, so the hot path allocates nothing per line: a piece is the bytes
// bufs[i][starts[i], ends[i]) plus flags. A piece normally is one whole line with its '\n'.
// Two cases make pieces that are not whole lines, and both are flagged so the formatter can
// say so instead of silently tearing or gluing lines:
// - a line longer than maxLine (64 KiB) is cut into pieces of at most maxLine bytes (cut on a
//   UTF-8 character boundary when there is one nearby);
// - flush() hands out a pending partial line: at EOF, or when the sink decides a partial line
//   waited long enough (a prompt without newline), or before exit.
// A piece without its '\n' has F_NOEOL (the formatter adds one); a piece whose bytes continue
// the previous piece's line has F_CONT. Bytes are never changed, so concatenating the pieces
// of a stream (without the added newlines) gives back exactly what the program wrote.

/** Flag: this piece continues the line of the previous piece of the same stream. */
export const F_CONT = 1;
/** Flag: this piece does not end with '\n' (the output adds one to keep lines whole). */
export const F_NOEOL = 2;

/** Longest piece handed out; longer lines are cut and the rest is marked continued. */
export const DEFAULT_MAX_LINE = 64 * 1024;

const NL = 10;

/** Per-stream splitter: feed(chunk) / flush() fill the piece arrays and return the count. */
export class LineSplitter {
  /** Number of pieces produced by the last feed() or flush(). */
  count = 0;
  readonly bufs: Buffer[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly flags: number[] = [];
  /** Bytes of the pieces produced by the last call, without added newlines. */
  bytes = 0;
  /** Pieces of the last call that lack their '\n'. */
  noeol = 0;

  private readonly maxLine: number;
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** The next piece continues a line whose start was already handed out. */
  private continuing = false;

  constructor(maxLine: number = DEFAULT_MAX_LINE) {
    if (maxLine < 4) throw new RangeError(`maxLine must be at least 4 bytes, got ${maxLine}`);
    this.maxLine = maxLine;
  }

  /** Bytes of the incomplete last line held back until its newline arrives. */
  get pending(): number {
    return this.carryLen;
  }

  /** Splits one chunk; returns the number of pieces now in the arrays. */
  feed(chunk: Buffer): number {
    this.reset();
    const len = chunk.length;
    let pos = 0;
    if (this.carryLen > 0) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.hold(chunk, 0, len);
        return this.count;
      }
      // Complete the carried line; if it grew too long, hold() cuts it first.
      this.hold(chunk, 0, nl + 1);
      const line = this.takeCarry();
      this.push(line, 0, line.length, this.continuing ? F_CONT : 0);
      this.continuing = false;
      pos = nl + 1;
    }
    const max = this.maxLine;
    while (pos < len) {
      const nl = chunk.indexOf(NL, pos);
      if (nl === -1) break;
      const end = nl + 1;
      if (end - pos > max) {
        pos = this.cutLong(chunk, pos, end);
        this.push(chunk, pos, end, F_CONT);
      } else {
        this.push(chunk, pos, end, this.continuing ? F_CONT : 0);
      }
      this.continuing = false;
      pos = end;
    }
    if (pos < len) this.hold(chunk, pos, len);
    return this.count;
  }

  /** Hands out the held partial line (if any) as a piece without newline. */
  flush(): number {
    this.reset();
    if (this.carryLen > 0) {
      const rest = this.takeCarry();
      this.push(rest, 0, rest.length, F_NOEOL | (this.continuing ? F_CONT : 0));
      this.continuing = true;
    }
    return this.count;
  }

  /** Forgets the partial line and the continuation state (the stream was replaced). */
  clear(): void {
    this.reset();
    this.carry = [];
    this.carryLen = 0;
    this.continuing = false;
  }

  private reset(): void {
    this.count = 0;
    this.bytes = 0;
    this.noeol = 0;
  }

  private push(buf: Buffer, start: number, end: number, flags: number): void {
    const i = this.count++;
    this.bufs[i] = buf;
    this.starts[i] = start;
    this.ends[i] = end;
    this.flags[i] = flags;
    this.bytes += end - start;
    if (flags & F_NOEOL) this.noeol++;
  }

  /** Keeps bytes of an unfinished line (copied: the chunk may be reused by its producer). */
  private hold(chunk: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.carry.push(Buffer.from(chunk.subarray(start, end)));
    this.carryLen += end - start;
    if (this.carryLen > this.maxLine) {
      const all = this.takeCarry();
      const pos = this.cutLong(all, 0, all.length);
      if (pos < all.length) {
        this.carry.push(all.subarray(pos));
        this.carryLen = all.length - pos;
      }
    }
  }

  private takeCarry(): Buffer {
    const out = this.carry.length === 1 ? this.carry[0]! : Buffer.concat(this.carry, this.carryLen);
    this.carry = [];
    this.carryLen = 0;
    return out;
  }

  /**
   * Emits maxLine-sized pieces of buf[start, end) while more than maxLine bytes remain;
   * returns where the remainder (at most maxLine bytes) starts.
   */
  private cutLong(buf: Buffer, start: number, end: number): number {
    let pos = start;
    while (end - pos > this.maxLine) {
      const cut = utf8Boundary(buf, pos, pos + this.maxLine);
      this.push(buf, pos, cut, F_NOEOL | (this.continuing ? F_CONT : 0));
      this.continuing = true;
      pos = cut;
    }
    return pos;
  }
}

/**
 * Moves a cut back onto the start of a UTF-8 character (at most 3 bytes), so each piece of a
 * long line decodes on its own; bytes that are not UTF-8 just get cut where they are.
 */
function utf8Boundary(buf: Buffer, start: number, cut: number): number {
  for (let i = cut; i > cut - 4 && i > start; i--) {
    if ((buf[i]! & 0xc0) !== 0x80) return i;
  }
  return cut;
}
