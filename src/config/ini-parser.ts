// Python 3.11's configparser.RawConfigParser._read as supervisord configures it
// (inline_comment_prefixes=(';','#'), strict=False), plus the line of every header and key.
// Quirks kept on purpose: `;`/`#` start an inline comment only after whitespace (quotes do not
// protect), indented lines continue the previous value (blank lines inside are kept), `:` is a
// delimiter too, keys are lower-cased, section names are not, duplicate sections and keys merge
// (later wins), and [DEFAULT] keys show through in every section.
import { pyIsSpace, pyRepr, pyRstrip, pyStrip, PY_WS } from './ini-py.ts';

/** One key's value and where its key line is. */
export interface IniValue {
  value: string;
  readonly file: string;
  readonly line: number;
}

export interface IniSection {
  readonly name: string;
  /** Where the section first appears (supervisord's section_to_file, for error messages). */
  readonly file: string;
  readonly line: number;
  readonly options: Map<string, IniValue>;
}

/** Things supervisord accepts silently that the linter turns into warnings. */
export type IniNote =
  | { readonly kind: 'inline-cut'; readonly file: string; readonly line: number; readonly kept: string; readonly cut: string }
  | { readonly kind: 'header-junk'; readonly file: string; readonly line: number; readonly header: string; readonly junk: string }
  | { readonly kind: 'duplicate-key'; readonly file: string; readonly line: number; readonly section: string; readonly key: string; readonly first: number };

export interface IniStore {
  readonly sections: Map<string, IniSection>;
  readonly defaults: Map<string, IniValue>;
  /** Every header occurrence, [DEFAULT] included, in reading order. */
  readonly headers: Array<{ readonly name: string; readonly file: string; readonly line: number }>;
  readonly notes: IniNote[];
}

export interface IniProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface IniReadResult {
  /** configparser's exception text, as supervisord reports it; null when the file parsed. */
  readonly error: string | null;
  readonly problems: readonly IniProblem[];
}

const SECTCRE = /^\[(.+)\]/s;
const OPTCRE = new RegExp(`^(.*?)[${PY_WS}]*(=|:)[${PY_WS}]*(.*)$`, 's');
const NONSPACE = new RegExp(`[^${PY_WS}]`);

/** An empty parser state. */
export function newStore(): IniStore {
  return { sections: new Map(), defaults: new Map(), headers: [], notes: [] };
}

/** Python's universal-newline line iteration: each line keeps its '\n' except maybe the last. */
function lines(text: string): string[] {
  const parts = text.split(/\r\n|\r|\n/);
  const out = parts.map((p, i) => (i < parts.length - 1 ? p + '\n' : p));
  if (out[out.length - 1] === '') out.pop();
  return out;
}

// configparser's inline comment search: each round looks at the next `;` and the next `#`,
// and stops at the first round where one of them follows whitespace. So in `a#b #c ;d` the
// `;` wins: the ` #c` is never looked at once a qualifying `;` turns up in the same round.
function commentStart(line: string): number | null {
  let start = Infinity;
  let prefixes = new Map<string, number>([[';', -1], ['#', -1]]);
  while (start === Infinity && prefixes.size > 0) {
    const next = new Map<string, number>();
    for (const [prefix, from] of prefixes) {
      const idx = line.indexOf(prefix, from + 1);
      if (idx === -1) continue;
      next.set(prefix, idx);
      if (idx === 0 || (idx > 0 && pyIsSpace(line[idx - 1] ?? ''))) start = Math.min(start, idx);
    }
    prefixes = next;
  }
  const stripped = pyStrip(line);
  if (stripped.startsWith('#') || stripped.startsWith(';')) return 0;
  return start === Infinity ? null : start;
}

function unbalancedQuotes(s: string): boolean {
  return (s.split("'").length - 1) % 2 === 1 || (s.split('"').length - 1) % 2 === 1;
}

/** Reads one file's text into the store, like parser.read(file) / read_file(fp). */
export function readIniText(store: IniStore, text: string, file: string): IniReadResult {
  const problems: IniProblem[] = [];
  const bad: Array<[number, string]> = [];
  let missingHeader: string | null = null;
  const pending = new Map<IniValue, string[]>();
  let cursect: Map<string, IniValue> | null = null;
  let sectname = '';
  let optname: string | null = null;
  let indentLevel = 0;
  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    const line = all[i] as string;
    const lineno = i + 1;
    const cs = commentStart(line);
    const value = pyStrip(cs === null ? line : line.slice(0, cs));
    if (!value) {
      // empty_lines_in_values: a blank line (not a comment-only line) belongs to the value.
      if (cs === null && cursect !== null && optname) {
        const v = cursect.get(optname);
        if (v) pending.get(v)?.push('');
      }
      continue;
    }
    if (cs !== null && cs > 0 && unbalancedQuotes(value)) {
      store.notes.push({ kind: 'inline-cut', file, line: lineno, kept: value, cut: pyRstrip(line.slice(cs)) });
    }
    const m = NONSPACE.exec(line);
    const indent = m ? m.index : 0;
    if (cursect !== null && optname && indent > indentLevel) {
      const v = cursect.get(optname);
      if (v) pending.get(v)?.push(value);
      continue;
    }
    indentLevel = indent;
    const header = SECTCRE.exec(value);
    if (header) {
      sectname = header[1] as string;
      store.headers.push({ name: sectname, file, line: lineno });
      if (header[0].length < value.length) {
        store.notes.push({ kind: 'header-junk', file, line: lineno, header: sectname, junk: value.slice(header[0].length) });
      }
      const existing = store.sections.get(sectname);
      if (existing) cursect = existing.options;
      else if (sectname === 'DEFAULT') cursect = store.defaults;
      else {
        const section: IniSection = { name: sectname, file, line: lineno, options: new Map() };
        store.sections.set(sectname, section);
        cursect = section.options;
      }
      optname = null;
      continue;
    }
    if (cursect === null) {
      if (missingHeader === null) {
        missingHeader = `File contains no section headers.\nfile: ${pyRepr(file)}, line: ${lineno}\n${pyRepr(line)}`;
        problems.push({ file, line: lineno, message: headerHint(line, lineno) });
      }
      continue;
    }
    const opt = OPTCRE.exec(value);
    if (!opt) {
      bad.push([lineno, line]);
      problems.push({ file, line: lineno, message: badLineHint(value) });
      continue;
    }
    const rawName = opt[1] as string;
    if (!rawName) {
      bad.push([lineno, line]);
      problems.push({ file, line: lineno, message: `a key name is missing before '${opt[2]}': ${pyRepr(pyRstrip(line))}` });
    }
    optname = pyRstrip(rawName).toLowerCase();
    const previous = cursect.get(optname);
    if (previous && previous.file === file && pending.has(previous)) {
      store.notes.push({ kind: 'duplicate-key', file, line: lineno, section: sectname, key: optname, first: previous.line });
    }
    const v: IniValue = { value: '', file, line: lineno };
    cursect.set(optname, v);
    pending.set(v, [pyStrip(opt[3] as string)]);
  }
  for (const [v, parts] of pending) v.value = pyRstrip(parts.join('\n'));
  if (missingHeader !== null) return { error: missingHeader, problems };
  if (bad.length === 0) return { error: null, problems };
  let msg = `Source contains parsing errors: ${pyRepr(file)}`;
  for (const [n, l] of bad) msg += `\n\t[line ${String(n).padStart(2)}]: ${pyRepr(l)}`;
  return { error: msg, problems };
}

function headerHint(line: string, lineno: number): string {
  if (lineno === 1 && line.startsWith('\ufeff')) {
    return 'the file starts with a byte-order mark (BOM), which supervisord reads as text; save it as UTF-8 without BOM';
  }
  return `${pyRepr(pyStrip(line))} comes before any [section] header; start the file with a header such as [supervisord] or [program:name]`;
}

function badLineHint(value: string): string {
  if (value.startsWith('[')) return `${pyRepr(value)} is not a section header: it needs a closing ']', as in [program:name]`;
  return `${pyRepr(value)} is neither a [section] header nor a key = value line (continuation lines must be indented)`;
}

/** parser.get(section, key): the section's own value, else [DEFAULT]'s. */
export function getOption(store: IniStore, section: string, key: string): IniValue | undefined {
  return store.sections.get(section)?.options.get(key) ?? store.defaults.get(key);
}

/** parser.options(section): the section's keys, then [DEFAULT]'s. */
export function optionNames(store: IniStore, section: string): string[] {
  const own = [...(store.sections.get(section)?.options.keys() ?? [])];
  return [...own, ...[...store.defaults.keys()].filter((k) => !own.includes(k))];
}

/** parser.expand_here(here): textual %(here)s replacement in every section, [DEFAULT] values included. */
export function expandHere(store: IniStore, here: string): void {
  for (const section of store.sections.values()) {
    const items = new Map([...store.defaults, ...section.options]);
    for (const [key, v] of items) {
      if (v.value.includes('%(here)s')) {
        section.options.set(key, { value: v.value.split('%(here)s').join(here), file: v.file, line: v.line });
      }
    }
  }
}
