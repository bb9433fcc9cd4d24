// Turns the pieces of one splitter call into the bytes of one write, per output mode. This is
// the hot path: in prefix mode one Buffer is allocated per chunk and every line is copied into
// it once behind its prefix; raw mode hands out slices of the chunk without copying.
import { F_CONT, F_NOEOL, type LineSplitter } from './line-splitter.ts';
import type { PrefixPair } from './prefix.ts';
import { isoTime, jsonRecord } from './json-lines.ts';

const NL = 10;
const NEWLINE = Buffer.from('\n');

/** prefix mode: `[timestamp ]name | line\n` for every piece, in one Buffer. */
export function prefixBatch(sp: LineSplitter, pre: PrefixPair, ts: Buffer | null): Buffer {
  const n = sp.count;
  const tl = ts === null ? 0 : ts.length;
  const pl = pre.first.length; // cont has the same length ('+' instead of ' ')
  const out = Buffer.allocUnsafe(sp.bytes + sp.noeol + n * (tl + pl));
  const { bufs, starts, ends, flags } = sp;
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (ts !== null) {
      out.set(ts, o);
      o += tl;
    }
    const f = flags[i]!;
    out.set(f & F_CONT ? pre.cont : pre.first, o);
    o += pl;
    // A plain Uint8Array view and set(): Buffer#copy() and subarray() build a Buffer per call,
    // which made this loop three times slower (one call per line).
    const b = bufs[i]!;
    const start = starts[i]!;
    const len = ends[i]! - start;
    out.set(new Uint8Array(b.buffer, b.byteOffset + start, len), o);
    o += len;
    if (f & F_NOEOL) out[o++] = NL;
  }
  return out;
}

/**
 * The pieces' bytes as they were written, with neighbouring pieces of one buffer merged into
 * one slice; with addNewlines, a '\n' follows each piece that lacks one (raw stdout mode),
 * without it the bytes are exactly the program's (log files).
 */
export function rawSlices(sp: LineSplitter, addNewlines: boolean): Buffer[] {
  const out: Buffer[] = [];
  const { bufs, starts, ends, flags } = sp;
  let cur: Buffer | null = null;
  let s = 0;
  let e = 0;
  for (let i = 0; i < sp.count; i++) {
    const b = bufs[i]!;
    if (cur === b && starts[i] === e) {
      e = ends[i]!;
    } else {
      if (cur !== null) out.push(cur.subarray(s, e));
      cur = b;
      s = starts[i]!;
      e = ends[i]!;
    }
    if (addNewlines && flags[i]! & F_NOEOL) {
      out.push(cur.subarray(s, e), NEWLINE);
      cur = null;
    }
  }
  if (cur !== null) out.push(cur.subarray(s, e));
  return out;
}

/** The text of piece i without its newline (and without a '\r' before it). */
export function pieceText(sp: LineSplitter, i: number): string {
  let e = sp.ends[i]!;
  const b = sp.bufs[i]!;
  const s = sp.starts[i]!;
  if (!(sp.flags[i]! & F_NOEOL)) {
    e--; // the '\n'
    if (e > s && b[e - 1] === 13) e--;
  }
  return b.toString('utf8', s, e);
}

/** json mode: one record per piece, all in one Buffer. */
export function jsonBatch(sp: LineSplitter, time: number, bindings: string, texts: string[]): Buffer {
  let s = '';
  const iso = isoTime(time);
  for (let i = 0; i < sp.count; i++) {
    s += jsonRecord(iso, bindings, texts[i]!, (sp.flags[i]! & F_CONT) !== 0);
  }
  return Buffer.from(s);
}

/** The texts of all pieces (json mode and subscribers decode once and share them). */
export function pieceTexts(sp: LineSplitter): string[] {
  const texts = new Array<string>(sp.count);
  for (let i = 0; i < sp.count; i++) texts[i] = pieceText(sp, i);
  return texts;
}
