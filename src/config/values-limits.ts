// Values of `limits:`, `nice:` and `oom_score_adj:` (model/limits.ts), shared by the YAML
// loader and the INI extension keys: counts, byte sizes and seconds, `unlimited`, and the
// `SOFT:HARD` pairs that `ulimit` and `docker run --ulimit` write.
import type { CgroupLimitName, LimitValue, Rlimit, RlimitName } from '../model/limits.ts';
import { describe, parseDuration, type Parsed } from './values.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** What each rlimit counts. */
export const RLIMIT_UNITS: Readonly<Record<RlimitName, 'count' | 'bytes' | 'seconds'>> = {
  nofile: 'count', nproc: 'count', core: 'bytes', stack: 'bytes', memlock: 'bytes', as: 'bytes', cpu: 'seconds', fsize: 'bytes',
};

const UNLIMITED = /^(unlimited|infinity|max)$/i;
const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Bytes: `1048576`, `512K`, `64MB`, `2GiB` (all ×1024), or unlimited. */
export function parseLimitBytes(value: unknown): Parsed<LimitValue> {
  const expected = `expected a size like 64MB, 512KB, a number of bytes or unlimited, got ${describe(value)}`;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? ok(value) : fail(expected);
  if (typeof value !== 'string') return fail(expected);
  if (UNLIMITED.test(value.trim())) return ok('unlimited');
  const m = /^\s*(\d+)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(value);
  if (!m) return fail(expected);
  const n = Number(m[1]) * (SIZE_UNITS[(m[2] ?? '').toUpperCase()] ?? 1);
  return Number.isSafeInteger(n) ? ok(n) : fail(`${expected} (too large)`);
}

/** A count (open files, processes), or unlimited. */
export function parseLimitCount(value: unknown): Parsed<LimitValue> {
  const expected = `expected a whole number >= 0 or unlimited, got ${describe(value)}`;
  if (typeof value === 'string' && UNLIMITED.test(value.trim())) return ok('unlimited');
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? ok(n) : fail(expected);
}

/** CPU seconds (a duration, rounded up to whole seconds as the kernel counts them), or unlimited. */
export function parseLimitSeconds(value: unknown): Parsed<LimitValue> {
  if (typeof value === 'string' && UNLIMITED.test(value.trim())) return ok('unlimited');
  const d = parseDuration(value);
  if (!d.ok) return fail(`expected CPU time like 90s, 10m, a number of seconds or unlimited, got ${describe(value)}`);
  return ok(Math.ceil(d.value));
}

const PARSERS = { count: parseLimitCount, bytes: parseLimitBytes, seconds: parseLimitSeconds } as const;

/** One rlimit: a value for both soft and hard, or `SOFT:HARD` (soft at most hard). */
export function parseRlimit(name: RlimitName, value: unknown): Parsed<Rlimit> {
  const parse = PARSERS[RLIMIT_UNITS[name]];
  if (typeof value === 'string' && value.includes(':')) {
    const [a = '', b = '', ...rest] = value.split(':');
    if (rest.length > 0) return fail(`expected SOFT:HARD, got ${describe(value)}`);
    const soft = parse(a);
    if (!soft.ok) return fail(`soft limit: ${soft.error}`);
    const hard = parse(b);
    if (!hard.ok) return fail(`hard limit: ${hard.error}`);
    if (hard.value !== 'unlimited' && (soft.value === 'unlimited' || soft.value > hard.value)) {
      return fail(`the soft limit (${soft.value}) is above the hard limit (${hard.value})`);
    }
    return ok({ soft: soft.value, hard: hard.value });
  }
  const v = parse(value);
  return v.ok ? ok({ soft: v.value, hard: v.value }) : v;
}

/** A cgroup limit: memory.max (bytes), cpu.max (CPUs, a percentage, or "QUOTA PERIOD"), pids.max (a count); `max` for none. */
export function parseCgroupLimit(name: CgroupLimitName, value: unknown): Parsed<number | string> {
  if (typeof value === 'string' && UNLIMITED.test(value.trim())) return ok(name === 'cpu_max' ? 'max 100000' : 'max');
  if (name === 'memory_max') {
    const b = parseLimitBytes(value);
    return b.ok ? ok(b.value === 'unlimited' ? 'max' : b.value) : b;
  }
  if (name === 'pids_max') {
    const n = parseLimitCount(value);
    if (!n.ok) return n;
    return n.value === 'unlimited' ? ok('max') : n.value >= 1 ? ok(n.value) : fail('expected at least 1 (or max)');
  }
  return parseCpuMax(value);
}

const PERIOD_US = 100_000;

/** cpu.max: `0.5` or `2` CPUs, `"50%"`, or the kernel's own `"50000 100000"`. */
export function parseCpuMax(value: unknown): Parsed<string> {
  const expected = `expected a number of CPUs (0.5, 2), a percentage ("150%") or "QUOTA PERIOD" in microseconds, got ${describe(value)}`;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const raw = /^(max|\d+)\s+(\d+)$/.exec(text);
  if (raw) {
    const period = Number(raw[2]);
    if (period < 1000 || period > 1_000_000) return fail(`${expected} (the period must be 1000 to 1000000)`);
    if (raw[1] !== 'max' && Number(raw[1]) < 1000) return fail(`${expected} (the quota must be at least 1000)`);
    return ok(`${raw[1]} ${period}`);
  }
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  if (!m) return fail(expected);
  const cpus = Number(m[1]) / (m[2] === '%' ? 100 : 1);
  const quota = Math.round(cpus * PERIOD_US);
  if (quota < 1000) return fail(`${expected} (at least 0.01 CPU)`);
  return ok(`${quota} ${PERIOD_US}`);
}

/** An integer in a range (nice -20..19, oom_score_adj -1000..1000). */
export function parseRange(value: unknown, min: number, max: number): Parsed<number> {
  const n = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? ok(n) : fail(`expected a whole number from ${min} to ${max}, got ${describe(value)}`);
}
