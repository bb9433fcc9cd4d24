// Python's `format % mapping` (printf-style formatting with a dict), which is all supervisord's
// expansion is: `%(name)s`, `%(process_num)02d`, `%%`, flags, width, precision, and the exact
// exceptions CPython raises, left to right, for the first problem it meets.
import { pyRepr } from './ini-py.ts';

export type PyScalar = string | number;
/** An insertion-ordered dict, like the Python dict supervisord formats with. */
export type PyDict = Map<string, PyScalar>;

/** What `%` raised: KeyError (a missing name) or any other exception, with CPython's str(e). */
export class PyFormatError extends Error {
  override name = 'PyFormatError';
  readonly missingKey: string | undefined;
  constructor(message: string, missingKey?: string) {
    super(message);
    this.missingKey = missingKey;
  }
}

/** Python's repr() of a dict of str/int, as `%s` prints the whole mapping. */
export function pyDictRepr(d: PyDict): string {
  const items = [...d].map(([k, v]) => `${pyRepr(k)}: ${typeof v === 'number' ? String(v) : pyRepr(v)}`);
  return `{${items.join(', ')}}`;
}

type Arg = PyScalar | PyDict;

function typeName(v: Arg): string {
  return typeof v === 'number' ? 'int' : typeof v === 'string' ? 'str' : 'dict';
}

/**
 * Evaluates `s % d`. `onWholeDict` is told when an unnamed `%s` printed the whole mapping
 * (supervisord accepts that silently; it is almost always a mistake such as `date +%s`).
 */
export function pyFormat(s: string, d: PyDict, onWholeDict?: () => void): string {
  const chars = Array.from(s);
  let out = '';
  let i = 0;
  // CPython: a mapping argument may be consumed once by an unnamed spec; every named spec
  // replaces the current argument by its value, consumed at once.
  let arg: Arg = d;
  let consumed = false;
  const next = (): Arg => {
    if (consumed) throw new PyFormatError('not enough arguments for format string');
    consumed = true;
    return arg;
  };
  while (i < chars.length) {
    const c = chars[i++] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    if (i >= chars.length) throw new PyFormatError('incomplete format');
    if (chars[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    if (chars[i] === '(') {
      let depth = 1;
      const start = ++i;
      while (i < chars.length && depth > 0) {
        if (chars[i] === '(') depth++;
        else if (chars[i] === ')') depth--;
        i++;
      }
      if (depth > 0) throw new PyFormatError('incomplete format key');
      const key = chars.slice(start, i - 1).join('');
      const v = d.get(key);
      if (v === undefined) throw new PyFormatError(pyRepr(key), key);
      arg = v;
      consumed = false;
    }
    const flags = new Set<string>();
    while (i < chars.length && '-+ #0'.includes(chars[i] as string)) flags.add(chars[i++] as string);
    let width = -1;
    let prec = -1;
    if (chars[i] === '*') {
      i++;
      width = starArg(next());
    } else {
      let w = '';
      while (i < chars.length && /[0-9]/.test(chars[i] as string)) w += chars[i++];
      if (w) width = Number(w);
    }
    if (chars[i] === '.') {
      i++;
      if (chars[i] === '*') {
        i++;
        prec = starArg(next());
      } else {
        let p = '';
        while (i < chars.length && /[0-9]/.test(chars[i] as string)) p += chars[i++];
        prec = p ? Number(p) : 0;
      }
    }
    if (i < chars.length && 'hlL'.includes(chars[i] as string)) i++;
    if (i >= chars.length) throw new PyFormatError('incomplete format');
    const conv = chars[i] as string;
    const index = i++;
    const value = next();
    if (value === d && typeof value !== 'string' && typeof value !== 'number' && conv === 's') onWholeDict?.();
    out += pad(convert(conv, value, flags, prec, index), width, flags, conv);
  }
  return out;
}

function starArg(v: Arg): number {
  if (typeof v !== 'number') throw new PyFormatError('* wants int');
  return v;
}

function convert(conv: string, v: Arg, flags: Set<string>, prec: number, index: number): string {
  const show = (x: Arg) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : pyDictRepr(x));
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      const text = conv === 's' ? show(v) : typeof v === 'string' ? pyRepr(v, conv === 'a') : show(v);
      return prec >= 0 ? Array.from(text).slice(0, prec).join('') : text;
    }
    case 'd':
    case 'i':
    case 'u':
      if (typeof v !== 'number') throw new PyFormatError(`%${conv} format: a real number is required, not ${typeName(v)}`);
      return integer(v, 10, flags, prec, '');
    case 'o':
    case 'x':
    case 'X':
      if (typeof v !== 'number') throw new PyFormatError(`%${conv} format: an integer is required, not ${typeName(v)}`);
      return integer(v, conv === 'o' ? 8 : 16, flags, prec, flags.has('#') ? `0${conv}` : '', conv === 'X');
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      if (typeof v !== 'number') throw new PyFormatError(`must be real number, not ${typeName(v)}`);
      return sign(v, flags) + float(Math.abs(v), conv, prec < 0 ? 6 : prec, flags.has('#'));
    case 'c':
      if (typeof v === 'number') {
        if (v < 0 || v > 0x10ffff) throw new PyFormatError('%c arg not in range(0x110000)');
        return String.fromCodePoint(v);
      }
      if (typeof v === 'string' && Array.from(v).length === 1) return v;
      throw new PyFormatError('%c requires int or char');
    default: {
      const cp = conv.codePointAt(0) ?? 0;
      const shown = cp >= 0x20 && cp < 0x7f ? conv : '?';
      throw new PyFormatError(`unsupported format character '${shown}' (0x${cp.toString(16)}) at index ${index}`);
    }
  }
}

function sign(v: number, flags: Set<string>): string {
  if (v < 0) return '-';
  return flags.has('+') ? '+' : flags.has(' ') ? ' ' : '';
}

// The sign and 0x prefix are kept in front of zero padding: '%(n)#08x' -> '0x000005'.
const SIGN_PREFIX = /^[-+ ]?(?:0[oxX])?/;

function integer(v: number, base: number, flags: Set<string>, prec: number, prefix: string, upper = false): string {
  let digits = Math.abs(v).toString(base);
  if (upper) digits = digits.toUpperCase();
  if (prec > digits.length) digits = digits.padStart(prec, '0');
  return sign(v, flags) + prefix + digits;
}

function float(v: number, conv: string, prec: number, alt: boolean): string {
  const lower = conv.toLowerCase();
  let text: string;
  if (lower === 'f') text = v.toFixed(prec);
  else if (lower === 'e') text = expo(v, prec);
  else {
    const p = prec === 0 ? 1 : prec;
    const exp = v === 0 ? 0 : Math.floor(Math.log10(v));
    text = exp >= -4 && exp < p ? v.toFixed(Math.max(0, p - 1 - exp)) : expo(v, p - 1);
    if (!alt) {
      const [mant = '', e] = text.split('e');
      const trimmed = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
      text = e === undefined ? trimmed : `${trimmed}e${e}`;
    }
  }
  if (alt && !text.includes('.')) text = text.replace(/(?=e|$)/, '.');
  return conv === lower ? text : text.toUpperCase();
}

function expo(v: number, prec: number): string {
  const [mant, e] = v.toExponential(prec).split('e');
  const n = Number(e);
  return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

function pad(text: string, width: number, flags: Set<string>, conv: string): string {
  const len = Array.from(text).length;
  if (width <= len) return text;
  if (flags.has('-')) return text + ' '.repeat(width - len);
  if (flags.has('0') && !'srac'.includes(conv)) {
    const head = SIGN_PREFIX.exec(text)?.[0] ?? '';
    return head + '0'.repeat(width - len) + text.slice(head.length);
  }
  return ' '.repeat(width - len) + text;
}
