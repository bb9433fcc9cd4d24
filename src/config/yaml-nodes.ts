// Reading YAML nodes with their positions: every getter reports into one diagnostics list and
// returns undefined on error, so the loader keeps going and reports every problem at once.
// Errors about a mapping entry point at its key (`pidone.yaml:14:5: programs.web.restart: ...`);
// errors about a list item point at the item.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Diagnostic, Severity } from './diagnostic.ts';
import type { SourcePos } from '../model/spec.ts';
import { interpolate, type Interpolated, type Lookup } from './interpolate.ts';
import { describe, type Parsed } from './values.ts';
import { didYouMean } from './suggest.ts';

export interface Ctx {
  readonly file: string;
  readonly src: string;
  readonly doc: Document;
  readonly lc: LineCounter;
  /** Variables for `${VAR}` expansion. */
  readonly lookup: Lookup;
  /** How strings are expanded (default: interpolate, compose's operators); a format may differ. */
  readonly interpolate?: (text: string, lookup: Lookup) => Interpolated;
  /** What to write instead of an unset `${VAR}`, for the warning (the format's escape). */
  readonly unsetHint?: string;
  readonly diagnostics: Diagnostic[];
  /** The node of every key seen, by dotted path (`programs.web.depends_on.db`); positions are
   *  computed only when asked for, since most configs never need one. */
  readonly keys: Map<string, Node>;
}

/** A mapping entry (or list item, then key is the index) with where to report about it. */
export interface Field {
  readonly key: string;
  readonly path: string;
  readonly at: Node;
  readonly node: Node | null;
}

/** The position of a node (1-based line and column). */
export function posOf(ctx: Ctx, node: Node | null | undefined): SourcePos {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = ctx.lc.linePos(offset);
  return { file: ctx.file, line, col };
}

/** Adds a diagnostic at node, prefixed with path. */
export function report(ctx: Ctx, node: Node | null | undefined, path: string, message: string, severity: Severity = 'error'): void {
  const { line, col } = posOf(ctx, node);
  ctx.diagnostics.push({ file: ctx.file, line, col, severity, message: path ? `${path}: ${message}` : message });
}

/** Follows aliases (`*name`) to the anchored node. */
export function deref(ctx: Ctx, node: Node | null | undefined): Node | null {
  let n: unknown = node ?? null;
  for (let hops = 0; isAlias(n) && hops < 64; hops++) n = n.resolve(ctx.doc) ?? null;
  return isAlias(n) ? null : ((n as Node | null) ?? null);
}

/** The plain value of a node: a scalar's value, or an empty {} / [] standing for a structure. */
export function plain(ctx: Ctx, node: Node | null | undefined): unknown {
  const n = deref(ctx, node);
  if (n === null) return null;
  if (isScalar(n)) return n.value;
  return isSeq(n) ? [] : {};
}

/** The entries of a mapping (with `<<: *anchor` merges); reports and returns null if not one. */
export function entries(ctx: Ctx, field: Field, merging: ReadonlySet<Node> = new Set()): Field[] | null {
  const node = deref(ctx, field.node);
  if (!isMap(node)) {
    report(ctx, field.at, field.path, `expected a mapping, got ${describe(plain(ctx, node))}`);
    return null;
  }
  if (merging.has(node)) {
    // `web: &w { <<: *w }`: a mapping merged into itself would never end.
    report(ctx, field.at, field.path, 'a merge key (<<) refers to a mapping that contains it');
    return null;
  }
  const out: Field[] = [];
  const seen = new Set<string>();
  const merged: Node[] = [];
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
      // `<<` merge key: explicit keys of this mapping win over merged ones, as YAML 1.1 says.
      const v = deref(ctx, pair.value as Node | null);
      const sources = isSeq(v) ? v.items.map((i) => deref(ctx, i as Node)) : [v];
      for (const s of sources) if (s) merged.push(s);
      continue;
    }
    const key = String(plain(ctx, keyNode));
    seen.add(key);
    out.push(child(ctx, field.path, key, keyNode ?? field.at, (pair.value as Node | null) ?? null));
  }
  for (const m of merged) {
    const inner = entries(ctx, { key: '<<', path: field.path, at: field.at, node: m }, new Set([...merging, node])) ?? [];
    for (const f of inner) {
      if (!seen.has(f.key)) {
        seen.add(f.key);
        out.push(f);
      }
    }
  }
  return out;
}

function child(ctx: Ctx, parent: string, key: string, at: Node, node: Node | null): Field {
  const path = parent ? `${parent}.${key}` : key;
  if (!ctx.keys.has(path)) ctx.keys.set(path, at);
  return { key, path, at, node };
}

/** The items of a list; reports and returns null if not one. */
export function items(ctx: Ctx, field: Field): Field[] | null {
  const node = deref(ctx, field.node);
  if (!isSeq(node)) {
    report(ctx, field.at, field.path, `expected a list, got ${describe(plain(ctx, node))}`);
    return null;
  }
  return node.items.map((item, i) => {
    const n = (item as Node | null) ?? null;
    return { key: String(i), path: `${field.path}[${i}]`, at: n ?? field.at, node: n };
  });
}

/** Is the field's value a list / a mapping (after aliases)? */
export const isList = (ctx: Ctx, f: Field): boolean => isSeq(deref(ctx, f.node));
export const isMapping = (ctx: Ctx, f: Field): boolean => isMap(deref(ctx, f.node));

/**
 * A scalar value, with `${VAR}` expanded in strings unless raw. Structures are reported.
 * Numbers and booleans are returned as they are; parsers accept both forms. `inCommand`: the
 * string is part of a command, where a bare `$NAME` is the shell's business.
 */
export function scalar(ctx: Ctx, field: Field, raw = false, inCommand = false): string | number | boolean | null | undefined {
  const node = deref(ctx, field.node);
  if (node !== null && !isScalar(node)) {
    report(ctx, field.at, field.path, `expected a single value, got ${describe(plain(ctx, node))}`);
    return undefined;
  }
  const value = node === null ? null : (node.value as string | number | boolean | null);
  if (typeof value !== 'string' || raw) return value;
  return expand(ctx, field, value, inCommand);
}

/**
 * Expands `${VAR}` in text, reporting unset variables (warning) and `${VAR:?}` failures. A bare
 * `$NAME` stays as written; outside commands, one whose variable is set gets a warning, since
 * `PATH: $PATH:/opt/bin` almost certainly meant the variable.
 */
export function expand(ctx: Ctx, field: Field, text: string, inCommand = false): string {
  const r = (ctx.interpolate ?? interpolate)(text, ctx.lookup);
  for (const e of r.errors) report(ctx, field.at, field.path, e);
  const hint = ctx.unsetHint ?? '';
  for (const name of new Set(r.unset)) report(ctx, field.at, field.path, `variable ${name} is not set; using ""${hint.replaceAll('NAME', name)}`, 'warning');
  if (!inCommand) {
    for (const name of new Set(r.bare)) {
      if (ctx.lookup(name) !== undefined) {
        report(ctx, field.at, field.path, `$${name} is kept as written (only \${${name}} is expanded when the config is loaded)`, 'warning');
      }
    }
  }
  return r.value;
}

/** A string value (numbers are accepted and turned into strings: `user: 1000`). */
export function text(ctx: Ctx, field: Field, raw = false): string | undefined {
  const v = scalar(ctx, field, raw);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  report(ctx, field.at, field.path, `expected a string, got ${describe(v)}`);
  return undefined;
}

/** A scalar run through a value parser; reports the parser's message. */
export function parsed<T>(ctx: Ctx, field: Field, parse: (v: unknown) => Parsed<T>): T | undefined {
  const v = scalar(ctx, field);
  if (v === undefined) return undefined;
  const r = parse(v);
  if (!r.ok) {
    report(ctx, field.at, field.path, r.error);
    return undefined;
  }
  return r.value;
}

/** The scalar exactly as written in the file (to read `022` as octal). */
export function source(ctx: Ctx, field: Field): string | undefined {
  const n = deref(ctx, field.node);
  const range = n?.range;
  return range ? ctx.src.slice(range[0], range[1]) : undefined;
}

// Key lists are module constants: their sets are built once, not per program.
const knownSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * Reports keys not in known (`x-*` extension keys are ignored, as in compose). hints maps
 * keys of other tools (process-compose, supervisord) to what to write instead.
 */
export function checkKeys(ctx: Ctx, fields: readonly Field[], known: readonly string[], hints: Readonly<Record<string, string>> = {}): void {
  let set = knownSets.get(known);
  if (!set) knownSets.set(known, (set = new Set(known)));
  for (const f of fields) {
    if (set.has(f.key) || f.key.startsWith('x-')) continue;
    const parent = f.path === f.key ? '' : f.path.slice(0, f.path.length - f.key.length - 1);
    const hint = Object.hasOwn(hints, f.key) ? ` (${hints[f.key]})` : didYouMean(f.key, known);
    report(ctx, f.at, parent, `unknown key ${JSON.stringify(f.key)}${hint}`);
  }
}
