// The glob patterns of `watch:` (paths and ignore): `*` and `?` within one path part, `**` for
// any number of parts, `[abc]`/`[!a-z]` classes, `{a,b}` alternatives, `\` to escape. A pattern
// becomes one anchored RegExp over a whole path. Hand-written because it is this small and the
// bundle's size is a goal (a glob library would be the largest part of what it adds).

export type Compiled = { readonly ok: true; readonly re: RegExp } | { readonly ok: false; readonly error: string };

const MAGIC = /[*?[{]/;

/** The pattern has wildcards (else it names one path). */
export function hasMagic(pattern: string): boolean {
  return MAGIC.test(pattern.replace(/\\./g, ''));
}

/** The longest leading run of path parts without wildcards: the directory to watch for the pattern. */
export function staticBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts) {
    if (hasMagic(part)) break;
    fixed.push(part.replace(/\\(.)/g, '$1'));
  }
  if (fixed.length === parts.length) return fixed.join('/');
  const base = fixed.join('/');
  return base === '' ? '/' : base;
}

/** Compiles a glob to a RegExp that matches whole paths. */
export function compileGlob(pattern: string): Compiled {
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return { ok: false, error: `${JSON.stringify(pattern)}: a \\ at the end escapes nothing` };
      re += escapeRe(next);
      i++;
    } else if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const atStart = i === 0 || pattern[i - 1] === '/';
        const atEnd = i + 2 === pattern.length || pattern[i + 2] === '/';
        if (!atStart || !atEnd) return { ok: false, error: `${JSON.stringify(pattern)}: ** must be a whole path part (a/**/b), not part of a name` };
        if (i + 2 === pattern.length) {
          re += '.*';
          i++;
        } else {
          // `**/` matches no part at all, or any number of them.
          re += '(?:[^/]*/)*';
          i += 2;
        }
      } else re += '[^/]*';
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return { ok: false, error: `${JSON.stringify(pattern)}: [ without its ]` };
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else if (ch === '{') {
      braces++;
      re += '(?:';
    } else if (ch === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (ch === ',' && braces > 0) {
      re += '|';
    } else re += escapeRe(ch);
  }
  if (braces > 0) return { ok: false, error: `${JSON.stringify(pattern)}: { without its }` };
  try {
    return { ok: true, re: new RegExp(`^${re}$`) };
  } catch (err) {
    return { ok: false, error: `${JSON.stringify(pattern)}: ${(err as Error).message}` };
  }
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
