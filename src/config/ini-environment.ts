// supervisord's `environment=` parser (datatypes.dict_of_key_value_pairs): Python's shlex in
// legacy non-POSIX mode with extra word characters `/.+-():`. Kept byte for byte because its
// quirks change values silently: an unquoted `#` ends the line as a comment, a character
// outside the word set splits a value (`A=café` gives A=caf), quotes inside a word stay.
import { pyRepr, PyValueError } from './ini-py.ts';

const WORDCHARS = new Set('abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/.+-():');
const WHITESPACE = new Set(' \t\r\n');
const QUOTES = new Set('\'"');

/** Something the tokenizer did that supervisord does silently, for a warning. */
export interface EnvQuirk {
  readonly kind: 'comment' | 'separator';
  readonly text: string;
}

/** shlex.shlex(s) with wordchars += '/.+-():', iterated to the end (non-POSIX mode). */
export function shlexTokens(s: string, quirks?: EnvQuirk[]): string[] {
  const chars = Array.from(s);
  let pos = 0;
  const pushback: string[] = [];
  const tokens: string[] = [];
  const readline = () => {
    const start = pos;
    while (pos < chars.length && chars[pos] !== '\n') pos++;
    const text = chars.slice(start, pos).join('');
    if (pos < chars.length) pos++;
    if (text.trim()) quirks?.push({ kind: 'comment', text: '#' + text });
  };
  let state: string | null = ' ';
  for (;;) {
    if (pushback.length > 0) {
      tokens.push(pushback.shift() as string);
      continue;
    }
    let token = '';
    while (true) {
      const c = pos < chars.length ? (chars[pos++] as string) : '';
      if (state === null) break;
      if (state === ' ') {
        if (!c) {
          state = null;
          break;
        } else if (WHITESPACE.has(c)) {
          if (token) break;
        } else if (c === '#') readline();
        else if (WORDCHARS.has(c)) {
          token = c;
          state = 'a';
        } else if (QUOTES.has(c)) {
          token = c;
          state = c;
        } else {
          token = c;
          break;
        }
      } else if (QUOTES.has(state)) {
        if (!c) throw new PyValueError('No closing quotation');
        token += c;
        if (c === state) {
          state = ' ';
          break;
        }
      } else {
        if (!c) {
          state = null;
          break;
        } else if (WHITESPACE.has(c)) {
          state = ' ';
          if (token) break;
        } else if (c === '#') readline();
        else if (WORDCHARS.has(c) || QUOTES.has(c)) token += c;
        else {
          pushback.push(c);
          state = ' ';
          if (token) break;
        }
      }
    }
    // shlex iteration stops at the first empty token, which only end of input produces.
    if (token === '') return tokens;
    tokens.push(token);
  }
}

/** dict_of_key_value_pairs: `K=v,K2="v 2"` into an ordered map, with supervisord's error. */
export function dictOfKeyValuePairs(arg: string, quirks?: EnvQuirk[]): Map<string, string> {
  // Quirks are reported only for a value that parsed; an error says enough on its own.
  const found: EnvQuirk[] = [];
  const tokens = shlexTokens(arg, found);
  const out = new Map<string, string>();
  for (let i = 0; i < tokens.length; i += 4) {
    const kev = tokens.slice(i, i + 3);
    if (kev.length !== 3 || kev[1] !== '=') {
      throw new PyValueError(`Unexpected end of key/value pairs in value '${arg}'`);
    }
    out.set(kev[0] as string, (kev[2] as string).replace(/^['"]+|['"]+$/g, ''));
    const sep = tokens[i + 3];
    if (sep !== undefined && sep !== ',') found.push({ kind: 'separator', text: sep });
  }
  quirks?.push(...found);
  return out;
}

/** How a quirk reads in a warning. */
export function describeQuirk(q: EnvQuirk): string {
  if (q.kind === 'comment') {
    return `an unquoted '#' starts a comment in supervisord's environment parser, so ${pyRepr(q.text)} is dropped; quote the value`;
  }
  return `${pyRepr(q.text)} was taken as the separator between two pairs (only letters, digits and _/.+-(): may appear unquoted); quote the value`;
}
