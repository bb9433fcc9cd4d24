// Values of `schedule:` and `watch:` (model/schedule.ts), shared by the YAML loader and the INI
// extension keys. cron expressions are checked by croner, the library that computes their due
// times at run time (io/calendar.ts), so what `check` accepts is exactly what will run.
import { Cron } from 'croner';
import type { Overlap } from '../model/schedule.ts';
import { compileGlob } from './glob.ts';
import { describe, parseSignal, type Parsed } from './values.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

export const SHORTHANDS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;
const CRON_HELP = `a cron expression (5 fields: minute hour day-of-month month day-of-week, or 6 with seconds first) or one of ${SHORTHANDS.join(', ')}`;

/** A cron expression with 5 or 6 fields, or a shorthand; it must come due at least once. */
export function parseCron(value: unknown, timezone: string | null = null): Parsed<string> {
  if (typeof value !== 'string') return fail(`expected ${CRON_HELP}, got ${describe(value)}`);
  const expr = value.trim().replace(/\s+/g, ' ');
  if (expr.startsWith('@')) {
    if (!(SHORTHANDS as readonly string[]).includes(expr.toLowerCase())) return fail(`expected ${CRON_HELP}, got ${describe(value)}`);
  } else {
    const fields = expr.split(' ').length;
    // croner would take a 7th field (years); cron and the users know 5 and 6.
    if (fields !== 5 && fields !== 6) return fail(`expected ${CRON_HELP}, got ${describe(value)} (${fields} field${fields === 1 ? '' : 's'})`);
  }
  let next: Date | null;
  try {
    next = new Cron(expr, { paused: true, ...(timezone !== null ? { timezone } : {}) }).nextRun();
  } catch (err) {
    return fail(`invalid cron expression ${describe(value)}: ${cronMessage(err)}`);
  }
  if (next === null) return fail(`the cron expression ${describe(value)} never comes due (no such date)`);
  return ok(expr);
}

function cronMessage(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/^Cron(Pattern|Date)?: /, '');
}

/** An IANA time zone name (`Europe/Paris`, `UTC`), as the runtime's Intl knows them. */
export function parseTimezone(value: unknown): Parsed<string> {
  const expected = `expected a time zone name like UTC or Europe/Paris, got ${describe(value)}`;
  if (typeof value !== 'string' || value.trim() === '') return fail(expected);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value.trim() });
    return ok(value.trim());
  } catch {
    return fail(`${expected} (unknown time zone)`);
  }
}

export const OVERLAPS: readonly Overlap[] = ['skip', 'queue', 'replace'];

export function parseOverlap(value: unknown): Parsed<Overlap> {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return (OVERLAPS as readonly string[]).includes(v) ? ok(v as Overlap) : fail(`expected ${OVERLAPS.join(' | ')}, got ${describe(value)}`);
}

/** Smallest `every`: a schedule is for jobs, not for a loop (that is `restart: always`). */
export const MIN_EVERY_SECONDS = 1;

/** `restart` or a signal (`SIGHUP`, `HUP`, `1`): what a burst of file changes does. */
export function parseWatchAction(value: unknown): Parsed<string> {
  if (typeof value === 'string' && value.trim().toLowerCase() === 'restart') return ok('restart');
  const sig = parseSignal(value);
  if (!sig.ok) return fail(`expected restart or a signal name (SIGHUP, HUP, USR1...), got ${describe(value)}`);
  if (sig.value === 'KILL' || sig.value === 'STOP') return fail(`SIG${sig.value} cannot be the reaction to a file change; use restart`);
  return sig;
}

/** A glob pattern as `watch:` takes them; checked now so that a typo is not found at run time. */
export function parseGlob(value: unknown): Parsed<string> {
  if (typeof value !== 'string' || value.trim() === '') return fail(`expected a path or glob pattern, got ${describe(value)}`);
  const compiled = compileGlob(value);
  return compiled.ok ? ok(value) : fail(compiled.error);
}
