// Scalar value types shared by the YAML loader and the INI parser: durations, signals, octal
// modes, byte sizes, dependency conditions. Each parser returns the value or an error message that
// completes "<path>: " — it never throws, so the caller can collect every problem.

import type { DependencyCondition } from '../model/spec.ts';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** How a value reads in an error message: strings quoted, structures named. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Parses `500ms`, `10s`, `1m30s`, `1h` or a plain number of seconds into seconds. */
export function parseDuration(value: unknown): Parsed<number> {
  const expected = `expected a duration like 500ms, 10s, 1m30s or a number of seconds, got ${describe(value)}`;
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? ok(value) : fail(expected);
  }
  if (typeof value !== 'string') return fail(expected);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return ok(Number(text));
  // Go's time.ParseDuration spelling (process-compose, compose): units in any order of size.
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = part.exec(text); m; m = part.exec(text)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
    matched = part.lastIndex;
  }
  if (matched === 0 || matched !== text.length) return fail(expected);
  // Float sums like 0.1 + 0.2 would leak into `check --json`; milliseconds are the finest unit.
  return ok(Math.round(total * 1000) / 1000);
}

/** Linux signal numbers (x86/arm; pidone is Linux-only), names without SIG. */
export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19,
  TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28,
  IO: 29, PWR: 30, SYS: 31,
};
const SIGNAL_ALIASES: Readonly<Record<string, string>> = { IOT: 'ABRT', POLL: 'IO', CLD: 'CHLD' };

/** Parses `SIGTERM`, `TERM`, `term` or `15` into the canonical name without SIG (`TERM`). */
export function parseSignal(value: unknown): Parsed<string> {
  const list = Object.keys(SIGNALS).join(', ');
  const expected = `expected a signal name (${list}) or number 1-31, got ${describe(value)}`;
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*\d+\s*$/.test(value))) {
    const n = Number(value);
    const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === n);
    return name ? ok(name) : fail(expected);
  }
  if (typeof value !== 'string') return fail(expected);
  let name = value.trim().toUpperCase();
  if (name.startsWith('SIG')) name = name.slice(3);
  name = SIGNAL_ALIASES[name] ?? name;
  return name in SIGNALS ? ok(name) : fail(expected);
}

/**
 * Parses an octal mode (`022`, `"0o22"`, `"0600"`). `raw` is the scalar as written in the file:
 * YAML 1.2 reads `022` as decimal 22, but every umask written that way means octal.
 */
export function parseOctal(value: unknown, raw: string | undefined): Parsed<number> {
  const expected = `expected an octal mode like 022 or "0o022", got ${raw ?? describe(value)}`;
  if (typeof value !== 'number' && typeof value !== 'string') return fail(expected);
  const text = (typeof value === 'number' && raw !== undefined ? raw : String(value)).trim().replace(/^["']|["']$/g, '');
  const digits = text.replace(/^0o/i, '');
  if (!/^[0-7]{1,4}$/.test(digits)) return fail(expected);
  return ok(parseInt(digits, 8));
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** Parses supervisord byte sizes: `1024`, `50MB`, `10kb`, `1GB`; 0 disables. */
export function parseByteSize(value: unknown): Parsed<number> {
  const expected = `expected a size like 50MB, 512KB or a number of bytes, got ${describe(value)}`;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? ok(value) : fail(expected);
  if (typeof value !== 'string') return fail(expected);
  const m = /^\s*(\d+)\s*(kb|mb|gb)?\s*$/i.exec(value);
  if (!m) return fail(expected);
  return ok(Number(m[1]) * (BYTE_UNITS[(m[2] ?? '').toUpperCase()] ?? 1));
}

/** Parses a whole number within [min, max]; strings of digits count (they come from `${VAR}`). */
export function parseInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  const what =
    min === 0 ? 'a whole number >= 0' : min === 1 ? 'a positive whole number' : min <= Number.MIN_SAFE_INTEGER ? 'a whole number' : `a whole number >= ${min}`;
  const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    const range = max < Number.MAX_SAFE_INTEGER ? `a whole number from ${min} to ${max}` : what;
    return fail(`expected ${range}, got ${describe(value)}`);
  }
  return ok(n);
}

/** Parses true/false; the strings supervisord accepts (yes/no/on/off/1/0) too. */
export function parseBoolean(value: unknown): Parsed<boolean> {
  if (typeof value === 'boolean') return ok(value);
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : '';
  if (['true', 'yes', 'on', '1'].includes(text)) return ok(true);
  if (['false', 'no', 'off', '0'].includes(text)) return ok(false);
  return fail(`expected true or false, got ${describe(value)}`);
}

/** Parses `critical`: a boolean, or `on-failure` (end pidone only when the program failed). */
export function parseCritical(value: unknown): Parsed<boolean | 'on-failure'> {
  if (typeof value === 'string' && /^\s*on[-_]failure\s*$/i.test(value)) return ok('on-failure');
  const b = parseBoolean(value);
  return b.ok ? b : fail(`expected true, false or on-failure, got ${describe(value)}`);
}

export const CONDITIONS: readonly DependencyCondition[] = ['started', 'ready', 'completed', 'completed_successfully'];
// process-compose and docker compose spellings, so their depends_on blocks work unchanged.
const CONDITION_ALIASES: Readonly<Record<string, DependencyCondition>> = {
  process_started: 'started', process_healthy: 'ready', process_log_ready: 'ready',
  process_completed: 'completed', process_completed_successfully: 'completed_successfully',
  service_started: 'started', service_healthy: 'ready', service_completed_successfully: 'completed_successfully',
  healthy: 'ready',
};

/** Parses a depends_on condition, accepting the process-compose and compose names too. */
export function parseCondition(value: unknown): Parsed<DependencyCondition> {
  if (typeof value === 'string') {
    if ((CONDITIONS as readonly string[]).includes(value)) return ok(value as DependencyCondition);
    const alias = Object.hasOwn(CONDITION_ALIASES, value) ? CONDITION_ALIASES[value] : undefined;
    if (alias) return ok(alias);
  }
  return fail(`expected ${CONDITIONS.join(' | ')}, got ${describe(value)}`);
}

/**
 * The health listener's address: `8080`, `:8080` and `*:8080` mean every interface (it exists to
 * be probed from outside the container), `127.0.0.1:8080` or `[::1]:8080` one address.
 * Normalized to "host:port" with host "*" for every interface.
 */
export function parseHealthListen(value: unknown): Parsed<string> {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d+)$/.exec(String(value ?? '').trim());
  const port = Number(m?.[2]);
  if ((typeof value !== 'string' && typeof value !== 'number') || !m || !(port >= 1 && port <= 65535)) {
    return fail(`expected a port (8080), :port or host:port (127.0.0.1:8080), got ${describe(value)}`);
  }
  const host = m[1] === undefined || m[1] === '' ? '*' : m[1];
  return ok(`${host}:${port}`);
}
