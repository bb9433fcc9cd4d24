// The "name | " prefixes of prefix mode, colours, and timestamps. Pure functions over strings
// and Buffers; the sink precomputes one prefix Buffer per (program, stream, piece kind) and
// rebuilds them only when the set of names (and so the padding) changes.
//
// Line shapes (documented in docs/output.md):
//   web    | a stdout line            separator '|' for stdout
//   web    ! a stderr line            separator '!' for stderr (readable without colour)
//   web    |+rest of a long line      '+' after the separator: this piece continues the previous
//                                     line of the same stream (a line over 64 KiB, or a partial
//                                     line printed after waiting, or at EOF)
//   pidone | spawned: 'web' with pid 7    pidone's own info lines; warn/error use '!'
// With timestamps, every line starts with an ISO-8601 UTC time with milliseconds:
//   2025-11-25T01:22:03.123Z web    | a stdout line
import type { ColorMode } from '../model/spec.ts';

export type StreamName = 'stdout' | 'stderr';

/** The name pidone's own lines carry; it takes part in the padding like a program name. */
export const SELF_NAME = 'pidone';

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
const RED = `${ESC}31m`;
const DIM = `${ESC}2m`;
const BOLD = `${ESC}1m`;
/**
 * Program colours in the order they are handed out (red is kept for stderr markers).
 * Normal then bright variants of cyan, yellow, green, magenta, blue: readable on dark and
 * light terminals, as concurrently's and process-compose's palettes are.
 */
export const PALETTE: readonly string[] = [
  `${ESC}36m`, `${ESC}33m`, `${ESC}32m`, `${ESC}35m`, `${ESC}34m`,
  `${ESC}96m`, `${ESC}93m`, `${ESC}92m`, `${ESC}95m`, `${ESC}94m`,
];

/**
 * Whether to colour: FORCE_COLOR wins when set ("0"/"false" means off, any other value on),
 * then a non-empty NO_COLOR turns colour off (no-color.org), then settings.color, where auto
 * means "stdout is a TTY". Environment beats the config file, as spec section 3 asks.
 */
export function useColor(mode: ColorMode, isTTY: boolean, env: Record<string, string | undefined>): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  const no = env['NO_COLOR'];
  if (no !== undefined && no !== '') return false;
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return isTTY;
}

/** The column width names are padded to: the widest name, and never less than "pidone". */
export function nameWidth(names: Iterable<string>): number {
  let w = SELF_NAME.length;
  for (const n of names) w = Math.max(w, n.length);
  return w;
}

/** The prefixes of one (program, stream): for a new line and for a continued piece. */
export interface PrefixPair {
  readonly first: Buffer;
  readonly cont: Buffer;
}

/**
 * Builds "name | " / "name |+" (stdout) or "name ! " / "name !+" (stderr), the name padded
 * to width; with colour the name and '|' take the program colour and '!' is red.
 */
export function makePrefixes(name: string, width: number, stream: StreamName, color: string | null): PrefixPair {
  const padded = name.padEnd(width);
  const sep = stream === 'stdout' ? '|' : '!';
  let head: string;
  if (color === null) head = `${padded} ${sep}`;
  else if (stream === 'stdout') head = `${color}${padded} ${sep}${RESET}`;
  else head = `${color}${padded}${RESET} ${RED}${sep}${RESET}`;
  return { first: Buffer.from(`${head} `), cont: Buffer.from(`${head}+`) };
}

/** The prefix of pidone's own lines: '|' for info, '!' for warn and error. */
export function selfPrefix(width: number, level: 'info' | 'warn' | 'error', colored: boolean): string {
  const padded = SELF_NAME.padEnd(width);
  const sep = level === 'info' ? '|' : '!';
  if (!colored) return `${padded} ${sep} `;
  const sepColor = level === 'info' ? BOLD : RED;
  return `${BOLD}${padded}${RESET} ${sepColor}${sep}${RESET} `;
}

/** Formats a time as ISO-8601 UTC with milliseconds, plus a space (dimmed when coloured). */
export function timestampText(ms: number, colored: boolean): string {
  const iso = new Date(ms).toISOString();
  return colored ? `${DIM}${iso}${RESET} ` : `${iso} `;
}

/** Caches the timestamp Buffer of the current millisecond (many chunks share one). */
export class TimestampCache {
  private ms = -1;
  private buf: Buffer = Buffer.alloc(0);
  private readonly colored: boolean;

  constructor(colored: boolean) {
    this.colored = colored;
  }

  /** The timestamp prefix for time ms. */
  get(ms: number): Buffer {
    if (ms !== this.ms) {
      this.ms = ms;
      this.buf = Buffer.from(timestampText(ms, this.colored));
    }
    return this.buf;
  }
}

/**
 * Hands out palette colours: each program keeps its colour for the life of the sink (a reload
 * does not repaint the others), and a new program takes the first colour no one uses.
 */
export class ColorAssigner {
  private readonly byName = new Map<string, number>();

  /** The colour of name (assigned on first use). */
  colorOf(name: string): string {
    let i = this.byName.get(name);
    if (i === undefined) {
      const used = new Set(this.byName.values());
      i = 0;
      while (used.has(i) && i < PALETTE.length) i++;
      // More programs than colours: cycle by count, as concurrently's "last colour repeats" would be worse.
      if (i >= PALETTE.length) i = this.byName.size % PALETTE.length;
      this.byName.set(name, i);
    }
    return PALETTE[i]!;
  }

  /** Frees the colour of a removed program. */
  release(name: string): void {
    this.byName.delete(name);
  }
}
