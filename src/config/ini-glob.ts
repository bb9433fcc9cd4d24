// Python's glob.glob (3.11, recursive=False), which supervisord uses for [include] files=:
// `*`, `?`, `[seq]`, `[!seq]`; no `**`, no `~`, no braces; names starting with '.' only match a
// pattern that starts with '.'; each path component may hold wildcards.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { pyJoin, pySplit } from './ini-pypath.ts';

const MAGIC = /[*?[]/;

/** glob.glob(pattern): the matches in directory-listing order (supervisord sorts them). */
export function pyGlob(pattern: string): string[] {
  if (pattern === '') return [];
  return iglob(pattern, false);
}

function iglob(pathname: string, dironly: boolean): string[] {
  const [dirname, basename] = pySplit(pathname);
  if (!MAGIC.test(pathname)) {
    if (basename ? lexists(pathname) : isdir(dirname)) return [pathname];
    return [];
  }
  const dirs = dirname !== '' && dirname !== pathname && MAGIC.test(dirname) ? iglob(dirname, true) : [dirname];
  const out: string[] = [];
  for (const dir of dirs) {
    const names = MAGIC.test(basename) ? glob1(dir, basename, dironly) : glob0(dir, basename);
    for (const name of names) out.push(pyJoin(dir, name));
  }
  return out;
}

function glob1(dir: string, pattern: string, dironly: boolean): string[] {
  let names = listdir(dir, dironly);
  if (!pattern.startsWith('.')) names = names.filter((n) => !n.startsWith('.'));
  const match = fnmatcher(pattern);
  return names.filter(match);
}

function glob0(dir: string, basename: string): string[] {
  if (basename) return lexists(pyJoin(dir, basename)) ? [basename] : [];
  return isdir(dir) ? [basename] : [];
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isdir(p: string): boolean {
  try {
    return statSync(p || '.').isDirectory();
  } catch {
    return false;
  }
}

function listdir(dir: string, dironly: boolean): string[] {
  try {
    const entries = readdirSync(dir || '.', { withFileTypes: true });
    // Like os.scandir's entry.is_dir(): symlinks to directories count as directories.
    return entries.filter((e) => !dironly || e.isDirectory() || (e.isSymbolicLink() && isdir(pyJoin(dir, e.name)))).map((e) => e.name);
  } catch {
    return [];
  }
}

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; cp: number } | { kind: 'set'; negate: boolean; ranges: Array<[number, number]> | 'all' | 'none' };

/** fnmatch.fnmatchcase(name, pattern) as a predicate. */
export function fnmatcher(pattern: string): (name: string) => boolean {
  const tokens = tokenize(Array.from(pattern));
  return (name) => matchFrom(tokens, 0, Array.from(name), 0);
}

function tokenize(pat: string[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < pat.length) {
    const c = pat[i++] as string;
    if (c === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') out.push({ kind: 'any' });
    else if (c === '[') {
      let j = i;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) out.push({ kind: 'char', cp: 0x5b });
      else {
        out.push(charSet(pat, i, j));
        i = j + 1;
      }
    } else out.push({ kind: 'char', cp: c.codePointAt(0) ?? 0 });
  }
  return out;
}

// fnmatch.translate's set handling: '-' between chunks makes ranges, a reversed range
// swallows both of its ends, and a leading '!' negates.
function charSet(pat: string[], start: number, end: number): Token {
  const stuff = pat.slice(start, end);
  if (stuff.length === 0) return { kind: 'set', negate: false, ranges: 'none' };
  if (stuff.length === 1 && stuff[0] === '!') return { kind: 'set', negate: false, ranges: 'all' };
  const negate = stuff[0] === '!';
  const chunks: string[][] = [];
  if (!stuff.includes('-')) chunks.push(stuff);
  else {
    let i = start;
    let k = pat[start] === '!' ? start + 2 : start + 1;
    for (;;) {
      const found = pat.slice(k, end).indexOf('-');
      if (found < 0) break;
      k += found;
      chunks.push(pat.slice(i, k));
      i = k + 1;
      k += 3;
    }
    const last = pat.slice(i, end);
    if (last.length > 0) chunks.push(last);
    else chunks[chunks.length - 1]?.push('-');
    for (let k2 = chunks.length - 1; k2 > 0; k2--) {
      const prev = chunks[k2 - 1] as string[];
      const cur = chunks[k2] as string[];
      if (prev.length > 0 && cur.length > 0 && ((prev[prev.length - 1] as string).codePointAt(0) ?? 0) > ((cur[0] as string).codePointAt(0) ?? 0)) {
        chunks[k2 - 1] = [...prev.slice(0, -1), ...cur.slice(1)];
        chunks.splice(k2, 1);
      }
    }
  }
  const ranges: Array<[number, number]> = [];
  let prevLast: number | undefined;
  chunks.forEach((chunk, k) => {
    const cps = chunk.map((ch) => ch.codePointAt(0) ?? 0);
    let from = 0;
    let to = cps.length;
    if (k > 0 && prevLast !== undefined && cps.length > 0) {
      ranges.push([prevLast, cps[0] as number]);
      from = 1;
    }
    if (k < chunks.length - 1 && cps.length > 0) {
      to = cps.length - 1;
      prevLast = cps[cps.length - 1];
    }
    for (let x = from; x < to; x++) ranges.push([cps[x] as number, cps[x] as number]);
  });
  // The negating '!' is the first character of the first chunk, not a member.
  if (negate) ranges.shift();
  return { kind: 'set', negate, ranges: ranges.length === 0 && !negate ? 'none' : ranges };
}

function matchOne(t: Token, ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  if (t.kind === 'any') return true;
  if (t.kind === 'char') return t.cp === cp;
  if (t.kind !== 'set') return false;
  if (t.ranges === 'all') return true;
  if (t.ranges === 'none') return false;
  const inSet = t.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
  return t.negate ? !inSet : inSet;
}

function matchFrom(tokens: Token[], ti: number, name: string[], ni: number): boolean {
  for (; ti < tokens.length; ti++) {
    const t = tokens[ti] as Token;
    if (t.kind === 'star') {
      for (let k = name.length; k >= ni; k--) if (matchFrom(tokens, ti + 1, name, k)) return true;
      return false;
    }
    if (ni >= name.length || !matchOne(t, name[ni] as string)) return false;
    ni++;
  }
  return ni === name.length;
}
