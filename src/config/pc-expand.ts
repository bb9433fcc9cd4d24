// `${VAR}` expansion in process-compose files, with the meaning process-compose gives it: before
// parsing, process-compose turns `$$` into `$` and runs every `${...}` through drone/envsubst,
// which knows bash's parameter forms. A bare `$VAR` is not touched (envsubst only reads the
// braced form), so `$i` in a script reaches bash; `${code}` does not. envsubst quirks kept:
// every default-style operator (`:-` `:=` `:?` `:+`) means "this value if not empty, else the
// word", and the colon-less `${VAR-word}` is a syntax error.
import type { Interpolated, Lookup } from './interpolate.ts';

const NAME = /^[\p{L}\p{N}_]+/u;

interface State {
  readonly lookup: Lookup;
  readonly unset: string[];
  readonly errors: string[];
  readonly bare: string[];
}

/** Expands text as process-compose does; unset variables become "" (reported in `unset`). */
export function pcInterpolate(text: string, lookup: Lookup): Interpolated {
  const st: State = { lookup, unset: [], errors: [], bare: [] };
  const value = expand(text, st);
  return { value, unset: st.unset, errors: st.errors, bare: st.bare };
}

function expand(text: string, st: State): string {
  if (!text.includes('$')) return text;
  let out = '';
  for (let i = 0; i < text.length;) {
    const ch = text[i] as string;
    if (ch !== '$') {
      out += ch;
      i++;
    } else if (text[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (text[i + 1] === '{') {
      const end = closing(text, i + 2);
      if (end < 0) {
        st.errors.push(`missing closing brace after "${text.slice(i, i + 20)}"`);
        return out + text.slice(i);
      }
      out += func(text.slice(i + 2, end), st);
      i = end + 1;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
      if (name) st.bare.push(name);
      out += '$';
      i++;
    }
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at from (nested `${}` allowed), or -1. */
function closing(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function value(name: string, st: State, report: boolean): string {
  const v = st.lookup(name);
  if (v === undefined && report) st.unset.push(name);
  return v ?? '';
}

/** One `${...}` body. */
function func(body: string, st: State): string {
  if (body.startsWith('#')) {
    const name = NAME.exec(body.slice(1))?.[0];
    if (!name || name.length !== body.length - 1) return bad(body, st);
    return String(value(name, st, true).length);
  }
  const name = NAME.exec(body)?.[0];
  if (!name) return bad(body, st);
  const rest = body.slice(name.length);
  const arg = (s: string) => expand(unescape(s), st);
  if (rest === '') return value(name, st, true);
  const op = /^(:=|:-|:\?|:\+|=|,,|,|\^\^|\^|\/\/|\/#|\/%|\/|##|#|%%|%|:)/.exec(rest)?.[0];
  if (!op) return bad(body, st);
  const word = rest.slice(op.length);
  switch (op) {
    case ':=': case ':-': case ':?': case ':+': case '=': {
      const v = value(name, st, false);
      return v !== '' ? v : arg(word);
    }
    case ',': case ',,': case '^': case '^^': {
      if (word !== '') return bad(body, st);
      const v = value(name, st, true);
      if (op.length === 2) return op === ',,' ? v.toLowerCase() : v.toUpperCase();
      const first = v.slice(0, 1);
      return (op === ',' ? first.toLowerCase() : first.toUpperCase()) + v.slice(1);
    }
    case '#': case '##': case '%': case '%%':
      return trim(value(name, st, true), arg(word), op);
    case '/': case '//': case '/#': case '/%': {
      const slash = word.indexOf('/');
      const pattern = arg(slash < 0 ? word : word.slice(0, slash));
      const replacement = slash < 0 ? '' : arg(word.slice(slash + 1));
      return replace(value(name, st, true), pattern, replacement, op);
    }
    default: {
      const m = /^(-?\d+)(?::(\d+))?$/.exec(word);
      if (!m) return value(name, st, true);
      const v = value(name, st, true);
      let pos = Number(m[1]);
      if (pos < 0) pos = Math.max(0, v.length + pos);
      return m[2] === undefined ? v.slice(pos) : v.slice(pos, pos + Number(m[2]));
    }
  }
}

function bad(body: string, st: State): string {
  st.errors.push(`bad substitution "\${${body}}" (process-compose reads \${VAR}, \${VAR:-default}, \${VAR:=default}, \${#VAR}, \${VAR^^}, \${VAR,,}, \${VAR#pattern}, \${VAR%pattern}, \${VAR/pattern/text}, \${VAR:offset:length})`);
  return '';
}

function unescape(s: string): string {
  return s.replace(/\\([\\/])/g, '$1');
}

// Glob patterns (* ? [...]) as bash's parameter expansion uses them.
function globRegex(pattern: string): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return re;
}

function trim(v: string, pattern: string, op: string): string {
  const re = new RegExp(`^(?:${globRegex(pattern)})$`);
  const candidates = op.startsWith('#')
    ? Array.from({ length: v.length + 1 }, (_, n) => n)
    : Array.from({ length: v.length + 1 }, (_, n) => v.length - n);
  const ordered = op.length === 2 ? [...candidates].reverse() : candidates;
  for (const cut of ordered) {
    if (op.startsWith('#') && re.test(v.slice(0, cut))) return v.slice(cut);
    if (op.startsWith('%') && re.test(v.slice(cut))) return v.slice(0, cut);
  }
  return v;
}

function replace(v: string, pattern: string, replacement: string, op: string): string {
  if (pattern === '') return v;
  const body = globRegex(pattern);
  if (op === '/#') return v.replace(new RegExp(`^(?:${body})`), () => replacement);
  if (op === '/%') return v.replace(new RegExp(`(?:${body})$`), () => replacement);
  return v.replace(new RegExp(body, op === '//' ? 'g' : ''), () => replacement);
}
