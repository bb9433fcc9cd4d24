// The state one INI parse threads through: the parser store, supervisord's environ_expansions
// dict, and two reports of every problem: supervisord's own verdict (its first error and its
// warnings, word for word, as `upstream`) and the diagnostics people read (every problem,
// with file:line and what would be right).
import type { Diagnostic } from './diagnostic.ts';
import { expand, mergeDicts, type PyDict } from './ini-expand.ts';
import { getOption, type IniStore } from './ini-parser.ts';
import { pyRepr, PyValueError } from './ini-py.ts';

/** What real supervisord 4.2.5 would say about the file. */
export interface Upstream {
  /** Its error (the first one; it stops there), or null when it accepts the file. */
  error: string | null;
  /** parse_warnings, in order, up to the error. */
  readonly warnings: string[];
  /** parse_infos ("Included extra file ..."). */
  readonly infos: string[];
}

export interface Ctx {
  readonly store: IniStore;
  /** supervisord's environ_expansions: ENV_X for the environment, then [supervisord] environment=. */
  readonly env: PyDict;
  /** Directory of the root config file (%(here)s where no [include] rewrote it). */
  readonly here: string;
  /** The root config file as supervisord names it in messages. */
  readonly configfile: string;
  readonly hostname: string;
  readonly home: string | undefined;
  readonly cwd: string;
  readonly diagnostics: Diagnostic[];
  readonly upstream: Upstream;
}

/** Where a value is read: the section, the key, and how supervisord words errors there. */
export interface Site {
  /** '' for problems of the file as a whole. */
  readonly section: string;
  readonly key?: string;
  /** Inside _processes_from_section: supervisord appends "in section '...' (file: '...')". */
  readonly wrap?: boolean;
  /** A pidone extension key: supervisord never reads it, so it is not part of `upstream`. */
  readonly pidone?: boolean;
}

/** file:line of a key (its own or [DEFAULT]'s), else of the section header, else the file. */
export function locate(ctx: Ctx, section: string, key?: string): { file: string; line: number } {
  const opt = key === undefined ? undefined : getOption(ctx.store, section, key);
  if (opt) return { file: opt.file, line: opt.line };
  const sec = ctx.store.sections.get(section);
  if (sec) return { file: sec.file, line: sec.line };
  return { file: ctx.configfile, line: 0 };
}

/** Records an error found at `site`; rethrows anything that is not a supervisord ValueError. */
export function fail(ctx: Ctx, site: Site, err: unknown, hint?: string): void {
  if (!(err instanceof PyValueError)) throw err;
  const key = site.key ?? err.key;
  if (!site.pidone && ctx.upstream.error === null) {
    let text = err.message;
    if (site.wrap) {
      const file = ctx.store.sections.get(site.section)?.file ?? ctx.configfile;
      text += ` in section ${pyRepr(site.section)} (file: ${pyRepr(file)})`;
    }
    ctx.upstream.error = text;
  }
  const where = locate(ctx, site.section, key);
  const head = `${site.section ? `[${site.section}] ` : ''}${key ? `${key}: ` : ''}`;
  // supervisord reads some keys twice (a program's priority: per group, then per process).
  const again = ctx.diagnostics.some((d) => d.severity === 'error' && d.file === where.file && d.line === where.line && d.message.startsWith(head));
  if (again && key) return;
  const body = err.human ?? err.message + (hint ? `; ${hint}` : '');
  ctx.diagnostics.push({ file: where.file, line: where.line, severity: 'error', message: head + body });
}

/** Runs one conversion; on a supervisord ValueError records it and returns the fallback. */
export function attempt<T>(ctx: Ctx, site: Site, fn: () => T, fallback: T, hint?: string): T {
  try {
    return fn();
  } catch (err) {
    fail(ctx, site, err, hint);
    return fallback;
  }
}

/** A warning for people; `upstreamText` when supervisord itself prints this warning. */
export function warn(ctx: Ctx, at: { file: string; line: number }, message: string, upstreamText?: string): void {
  if (upstreamText !== undefined && ctx.upstream.error === null) ctx.upstream.warnings.push(upstreamText);
  ctx.diagnostics.push({ file: at.file, line: at.line, severity: 'warning', message });
}

/**
 * parser.saneget(section, key, default, do_expand, expansions): the raw value (or default),
 * expanded with environ_expansions plus `extra` when it is a string.
 */
export function saneget<D>(ctx: Ctx, section: string, key: string, dflt: D, extra?: PyDict, doExpand = true): string | D {
  const opt = getOption(ctx.store, section, key);
  if (opt === undefined) {
    if (typeof dflt !== 'string' || !doExpand) return dflt;
  }
  const raw = opt ? opt.value : (dflt as string);
  if (!doExpand) return raw;
  const dict = mergeDicts(ctx.env, extra ?? new Map());
  try {
    return expand(raw, dict, `${section}.${key}`, () => wholeDict(ctx, section, key));
  } catch (err) {
    if (err instanceof PyValueError) err.key = key;
    throw err;
  }
}

/** An unnamed `%s`: supervisord prints its whole expansion dict there, silently. */
export function wholeDict(ctx: Ctx, section: string, key: string): void {
  const at = locate(ctx, section, key);
  warn(ctx, at, `[${section}] ${key}: '%s' without a name is replaced by supervisord's whole table of expansions; write %%s for a literal %s`);
}
