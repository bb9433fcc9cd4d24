// The structured YAML values: environment, env_file, depends_on, command, backoff.
import { join, isAbsolute, dirname } from 'node:path';
import type { Backoff, DependencyCondition } from '../model/spec.ts';
import type { Severity } from './diagnostic.ts';
import { parseEnvFile } from './envfile.ts';
import { readText } from './files.ts';
import { checkKeys, entries, isList, isMapping, items, parsed, plain, report, scalar, text, type Ctx, type Field } from './yaml-nodes.ts';
import { describe, parseBoolean, parseCondition, parseDuration } from './values.ts';

const ENV_FILE_KEYS = ['path', 'required'];
const LONG_DEPENDENCY_KEYS = ['condition'];
const BACKOFF_KEYS = ['initial', 'max', 'reset_after'];

/** `environment:` as a mapping or a list of KEY=VALUE; a bare KEY passes pidone's own value through. */
export function readEnvironment(ctx: Ctx, f: Field): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, value: string | undefined, at: Field) => {
    if (!/^[^=\s]+$/.test(key)) report(ctx, at.at, at.path, `invalid variable name ${JSON.stringify(key)}`);
    else if (value !== undefined) out[key] = value;
  };
  if (isList(ctx, f)) {
    for (const item of items(ctx, f) ?? []) {
      const line = text(ctx, item);
      if (line === undefined) continue;
      const eq = line.indexOf('=');
      if (eq < 0) put(line, ctx.lookup(line), item);
      else put(line.slice(0, eq), line.slice(eq + 1), item);
    }
    return out;
  }
  for (const e of entries(ctx, f) ?? []) {
    const v = scalar(ctx, e);
    if (v === undefined) continue;
    put(e.key, v === null ? ctx.lookup(e.key) : String(v), e);
  }
  return out;
}

/**
 * `env_file:` (a path, or a list of paths or { path, required }), relative to the config file.
 * A missing file is a fact of the host: `missing` says whether that is an error or a warning.
 */
export function readEnvFiles(ctx: Ctx, f: Field, missing: Severity): Record<string, string> {
  const out: Record<string, string> = {};
  const list = isList(ctx, f) ? (items(ctx, f) ?? []) : [f];
  for (const item of list) {
    let path: string | undefined;
    let required = true;
    if (isMapping(ctx, item)) {
      const fields = entries(ctx, item) ?? [];
      checkKeys(ctx, fields, ENV_FILE_KEYS);
      for (const e of fields) {
        if (e.key === 'path') path = text(ctx, e);
        if (e.key === 'required') required = parsed(ctx, e, parseBoolean) ?? true;
      }
      if (!fields.some((e) => e.key === 'path')) report(ctx, item.at, item.path, 'missing path');
    } else {
      path = text(ctx, item);
    }
    if (path === undefined) continue;
    const file = isAbsolute(path) ? path : join(dirname(ctx.file), path);
    const content = readText(file);
    if (typeof content !== 'string') {
      if (required) report(ctx, item.at, item.path, `cannot read env file ${path}: ${content.error}`, missing);
      continue;
    }
    const parsedFile = parseEnvFile(content, (name) => out[name] ?? ctx.lookup(name));
    for (const p of parsedFile.problems) {
      ctx.diagnostics.push({ file, line: p.line, col: p.col, severity: p.severity, message: p.message });
    }
    Object.assign(out, parsedFile.vars);
  }
  return out;
}

/** `depends_on:` as a list of names (condition `started`) or a map name → condition. */
export function readDependsOn(ctx: Ctx, f: Field): Record<string, DependencyCondition> {
  const out: Record<string, DependencyCondition> = {};
  if (isList(ctx, f)) {
    for (const item of items(ctx, f) ?? []) {
      const name = text(ctx, item);
      if (name === undefined) continue;
      out[name] = 'started';
      ctx.keys.set(`${f.path}.${name}`, item.at);
    }
    return out;
  }
  for (const e of entries(ctx, f) ?? []) {
    let at = e;
    if (isMapping(ctx, e)) {
      // The compose long form: `db: { condition: service_healthy }`.
      const fields = entries(ctx, e) ?? [];
      checkKeys(ctx, fields, LONG_DEPENDENCY_KEYS);
      const c = fields.find((x) => x.key === 'condition');
      if (!c) {
        out[e.key] = 'started';
        continue;
      }
      at = c;
    }
    if (plain(ctx, at.node) === null) {
      out[e.key] = 'started';
      continue;
    }
    const cond = parsed(ctx, at, parseCondition);
    if (cond !== undefined) out[e.key] = cond;
  }
  return out;
}

/**
 * A command: a string runs under /bin/sh -c and is kept as written (the shell expands $VAR with
 * the program's environment); a list is an exec-form argv whose items get ${VAR} expansion
 * (a bare $VAR stays for a `[bash, -c, script]` to expand).
 */
export function readCommand(ctx: Ctx, f: Field): { command: string | string[]; shell: boolean } | undefined {
  if (isList(ctx, f)) {
    const argv: string[] = [];
    for (const item of items(ctx, f) ?? []) {
      const v = scalar(ctx, item, false, true);
      if (typeof v === 'string' || typeof v === 'number') argv.push(String(v));
      else if (v !== undefined) report(ctx, item.at, item.path, `expected a string, got ${describe(v)}`);
      else return undefined;
    }
    if (argv.length === 0) {
      report(ctx, f.at, f.path, 'command is empty');
      return undefined;
    }
    return { command: argv, shell: false };
  }
  const line = text(ctx, f, true);
  if (line === undefined) return undefined;
  if (line.trim() === '') {
    report(ctx, f.at, f.path, 'command is empty');
    return undefined;
  }
  return { command: line.replace(/\s+$/, ''), shell: true };
}

/** `backoff: { initial, max, reset_after }`, each optional. */
export function readBackoff(ctx: Ctx, f: Field, defaults: Backoff): Backoff | undefined {
  const fields = entries(ctx, f);
  if (!fields) return undefined;
  checkKeys(ctx, fields, BACKOFF_KEYS);
  const out: Record<string, number> = { ...defaults };
  let bad = false;
  for (const x of fields) {
    const d = parsed(ctx, x, parseDuration);
    if (d === undefined) bad = true;
    else out[x.key] = d;
  }
  const b = { initial: out.initial ?? defaults.initial, max: out.max ?? defaults.max, reset_after: out.reset_after ?? defaults.reset_after };
  if (!bad && b.initial > b.max) {
    report(ctx, f.at, f.path, `initial (${b.initial}s) is longer than max (${b.max}s)`);
    return undefined;
  }
  return bad ? undefined : b;
}

