// `${VAR}` expansion in config values with docker compose's operators, so a compose user's
// habits carry over: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error},
// ${VAR:+alt}, ${VAR+alt}, and $$ for a literal $. Defaults may nest.
// A bare $VAR is kept as written: config values hold shell scripts (`for i in 1 2; do echo $i`)
// whose variables belong to the shell at run time, and only the braced form is unambiguous
// (process-compose draws the same line). Env files (dotenv) expand $VAR too: `bare: true`.
// A `$` followed by anything else stays as written (compose rejects it; a regex or a price
// in a description is not worth an error).

export type Lookup = (name: string) => string | undefined;

export interface Interpolated {
  readonly value: string;
  /** Variables used without a default that were not set (expanded to ""). */
  readonly unset: readonly string[];
  /** `${VAR:?message}` failures and malformed `${...}`. */
  readonly errors: readonly string[];
  /** Names written as a bare `$NAME`, kept as written (without `bare: true`). */
  readonly bare: readonly string[];
}

export interface InterpolateOptions {
  /** Expand a bare `$NAME` too (dotenv files). */
  readonly bare?: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Expands every `$` form in text against lookup. */
export function interpolate(text: string, lookup: Lookup, opts: InterpolateOptions = {}): Interpolated {
  const st: State = { lookup, unset: [], errors: [], bare: [], expandBare: opts.bare === true };
  const value = expand(text, st);
  return { value, unset: st.unset, errors: st.errors, bare: st.bare };
}

interface State {
  readonly lookup: Lookup;
  readonly unset: string[];
  readonly errors: string[];
  readonly bare: string[];
  readonly expandBare: boolean;
}

function expand(text: string, st: State): string {
  const { lookup, unset, errors } = st;
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        errors.push(`unterminated "\${" in ${JSON.stringify(text)}`);
        return out + text.slice(i);
      }
      out += braced(text.slice(i + 2, end), st);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (name && !st.expandBare) {
        st.bare.push(name);
        out += `$${name}`;
        i += 1 + name.length;
      } else if (name) {
        const v = lookup(name);
        if (v === undefined) unset.push(name);
        out += v ?? '';
        i += 1 + name.length;
      } else {
        out += '$';
        i++;
      }
    }
  }
  return out;
}

/** Index of the `}` that closes a `${` whose body starts at from, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
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

function braced(body: string, st: State): string {
  const { lookup, unset, errors } = st;
  const name = NAME.exec(body)?.[0];
  if (!name) {
    errors.push(`invalid variable reference "\${${body}}": expected a name like \${PORT} or \${PORT:-8080}`);
    return '';
  }
  const rest = body.slice(name.length);
  const raw = lookup(name);
  if (rest === '') {
    if (raw === undefined) unset.push(name);
    return raw ?? '';
  }
  const op = /^(:?)([-?+])/.exec(rest);
  if (!op) {
    errors.push(`invalid variable reference "\${${body}}": after the name expected :-, -, :?, ?, :+ or +`);
    return '';
  }
  // With the colon an empty value counts as unset, as in sh and compose.
  const missing = op[1] === ':' ? raw === undefined || raw === '' : raw === undefined;
  const arg = () => expand(rest.slice(op[0].length), st);
  switch (op[2]) {
    case '-':
      return missing ? arg() : (raw ?? '');
    case '+':
      return missing ? '' : arg();
    default: {
      if (!missing) return raw ?? '';
      const message = arg();
      errors.push(`required variable ${name} is ${raw === undefined ? 'not set' : 'empty'}${message ? `: ${message}` : ''}`);
      return '';
    }
  }
}
