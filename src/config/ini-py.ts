// The few Python built-ins whose exact behaviour leaks into supervisord's values and messages:
// str.isspace/strip/split, int(), repr() of strings, and code-point string ordering.

/** supervisord's own ValueError: `message` is Python's str(e), word for word. */
export class PyValueError extends Error {
  override name = 'PyValueError';
  /** The key the value came from, when the thrower knows it (for file:line). */
  key: string | undefined;
  /** A friendlier text for people, when the Python wording is not enough on its own. */
  human: string | undefined;
  constructor(message: string, key?: string, human?: string) {
    super(message);
    this.key = key;
    this.human = human;
  }
}

// str.isspace() for every character Python counts (JS \s differs: no \x1c-\x1f or \x85, adds \ufeff).
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** A regex character class body matching Python whitespace. */
export const PY_WS = PY_SPACE;
const LEADING = new RegExp(`^[${PY_SPACE}]+`);
const TRAILING = new RegExp(`[${PY_SPACE}]+$`);
const SPLIT = new RegExp(`[${PY_SPACE}]+`);
const ONE_SPACE = new RegExp(`^[${PY_SPACE}]$`);

/** Python's ch.isspace() for one character. */
export function pyIsSpace(ch: string): boolean {
  return ONE_SPACE.test(ch);
}

/** Python's s.strip() without arguments. */
export function pyStrip(s: string): string {
  return s.replace(LEADING, '').replace(TRAILING, '');
}

/** Python's s.rstrip() without arguments. */
export function pyRstrip(s: string): string {
  return s.replace(TRAILING, '');
}

/** Python's s.split() without arguments: runs of whitespace, no empty items. */
export function pySplitWs(s: string): string[] {
  return s.split(SPLIT).filter((x) => x !== '');
}

const INT_BODY = /^[+-]?[0-9]+(?:_[0-9]+)*$/;

/** Python's int(s) for base 10 (ASCII digits), with its error wording. */
export function pyInt(value: string | number): number {
  if (typeof value === 'number') return value;
  const body = pyStrip(value);
  if (!INT_BODY.test(body)) {
    throw new PyValueError(`invalid literal for int() with base 10: ${pyRepr(value).slice(0, 200)}`);
  }
  return Number(body.replace(/_/g, ''));
}

const OCTAL_BODY = /^([+-]?)(?:0[oO]_?)?([0-7]+(?:_[0-7]+)*)$/;

/** Python's int(s, 8); returns null where Python raises. */
export function pyOctal(value: string): number | null {
  const m = OCTAL_BODY.exec(pyStrip(value));
  if (!m) return null;
  const n = parseInt((m[2] ?? '').replace(/_/g, ''), 8);
  return m[1] === '-' ? -n : n;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0');
}

/** Python's repr() of a str: quote choice and escapes as CPython prints them. */
export function pyRepr(s: string, asciiOnly = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x7f) out += ch;
    else if (!asciiOnly && ch !== ' ' && !NON_PRINTABLE.test(ch)) out += ch;
    else if (cp <= 0xff) out += '\\x' + hex(cp, 2);
    else if (cp <= 0xffff) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + quote;
}

/** Python's `a < b` on str: code point order (JS `<` compares UTF-16 units). */
export function pyCompare(a: string, b: string): number {
  if (a === b) return 0;
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
