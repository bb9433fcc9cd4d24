// pidone's extension keys in INI form (docs/ini-extensions.md). supervisord ignores unknown
// keys, so a file using them still runs under real supervisord, minus the extensions. Values
// get the same %(...)s expansion as the section's other keys.
import type { Backoff, ColorMode, Critical, DependencyCondition, LogFormat, ReadyCheck, ReadyProbe } from '../model/spec.ts';
import { DEFAULT_BACKOFF, DEFAULT_LIVENESS, DEFAULT_PROBE } from './defaults.ts';
import { LIMIT_KEYS, readLimitExtensions, type LimitExtensions } from './ini-limits.ts';
import { SCHEDULE_KEYS, WATCH_KEYS, readScheduleExtensions, type ScheduleExtensions } from './ini-schedule.ts';
import { parseBoolean, parseCritical, parseDuration, parseHealthListen, parseInteger, parseSignal, type Parsed } from './values.ts';

const CHECKS = ['tcp', 'http', 'exec', 'log', 'notify'] as const;
const TIMINGS = ['interval', 'timeout', 'retries', 'initial_delay'] as const;
type ProbeName = 'ready' | 'liveness';
const checkKeys = (probe: ProbeName) => CHECKS.map((c) => `${probe}_${c}`);
const timingKeys = (probe: ProbeName) => TIMINGS.map((t) => `${probe}_${t}`);
export const READY_CHECK_KEYS: readonly string[] = checkKeys('ready');
export const READY_TIMING_KEYS: readonly string[] = timingKeys('ready');
// A liveness probe checks a running program; sd_notify has no "still alive" message here.
export const LIVENESS_CHECK_KEYS: readonly string[] = checkKeys('liveness').filter((k) => k !== 'liveness_notify');
export const LIVENESS_TIMING_KEYS: readonly string[] = timingKeys('liveness');
export const BACKOFF_KEYS = ['backoff_initial', 'backoff_max', 'backoff_reset_after'] as const;

/** Extension keys of [program:x] (also accepted in [fcgi-program:x] and [eventlistener:x]). */
export const PROGRAM_EXTENSION_KEYS: readonly string[] = [
  'depends_on', 'oneshot', 'critical', 'exit_on_skipped', 'forward_signals', ...READY_CHECK_KEYS, ...READY_TIMING_KEYS,
  ...LIVENESS_CHECK_KEYS, ...LIVENESS_TIMING_KEYS, ...BACKOFF_KEYS, 'max_restarts', 'stop_command', 'daemon', 'print',
  ...SCHEDULE_KEYS, ...WATCH_KEYS, ...LIMIT_KEYS,
];
/** Extension keys of [supervisord]. */
export const SUPERVISORD_EXTENSION_KEYS: readonly string[] = ['shutdown_timeout', 'log_format', 'timestamps', 'color', 'health'];

export interface ProgramExtensions extends ScheduleExtensions, LimitExtensions {
  readonly depends_on: Readonly<Record<string, DependencyCondition>>;
  readonly oneshot: boolean;
  readonly critical: Critical;
  readonly exit_on_skipped: boolean;
  readonly forward_signals: readonly string[];
  readonly ready: ReadyProbe | null;
  readonly liveness: ReadyProbe | null;
  readonly backoff: Backoff | null;
  readonly max_restarts: number | null;
  readonly stop_command: string | null;
  readonly daemon: boolean;
  /** Prints every stream (true) or none (false), instead of supervisord's rule; absent: the rule. */
  readonly print: boolean | undefined;
}

export interface SettingsExtensions {
  readonly shutdown_timeout?: number;
  readonly log_format?: LogFormat;
  readonly timestamps?: boolean;
  readonly color?: ColorMode;
  /** settings.control.health: the health listener's "host:port". */
  readonly health?: string;
}

/** Reads expanded values of one section and reports problems at a key. */
export interface ExtReader {
  get(key: string): string | undefined;
  fail(key: string, message: string): void;
  /** The directory relative paths are resolved against (the config file's). */
  readonly here?: string;
}

const CONDITIONS: readonly DependencyCondition[] = ['started', 'ready', 'completed', 'completed_successfully'];
// The process-compose and docker compose spellings the YAML format accepts too.
const CONDITION_ALIASES: Readonly<Record<string, DependencyCondition>> = {
  process_started: 'started', process_healthy: 'ready', process_log_ready: 'ready', process_completed: 'completed',
  process_completed_successfully: 'completed_successfully', service_started: 'started', service_healthy: 'ready',
  service_completed_successfully: 'completed_successfully', healthy: 'ready',
};

function read<T>(r: ExtReader, key: string, parse: (v: string) => Parsed<T>): T | undefined {
  const v = r.get(key);
  if (v === undefined) return undefined;
  const p = parse(v);
  if (p.ok) return p.value;
  r.fail(key, p.error);
  return undefined;
}

function items(v: string): string[] {
  return v.split(/[\s,]+/).filter((x) => x !== '');
}

/** depends_on = a, b:ready, c:completed_successfully (a bare name waits for `started`). */
export function parseDependsOn(v: string): Parsed<Record<string, DependencyCondition>> {
  const out: Record<string, DependencyCondition> = {};
  for (const item of items(v)) {
    const i = item.lastIndexOf(':');
    const name = i < 0 ? item : item.slice(0, i);
    const word = i < 0 ? 'started' : item.slice(i + 1);
    const cond = (CONDITIONS as readonly string[]).includes(word) ? (word as DependencyCondition) : CONDITION_ALIASES[word];
    if (!name) return { ok: false, error: `${JSON.stringify(item)} has no program name before ':'` };
    if (!cond) return { ok: false, error: `${JSON.stringify(item)}: expected name or name:condition with condition ${CONDITIONS.join(' | ')}` };
    Object.defineProperty(out, name, { value: cond, enumerable: true, writable: true, configurable: true });
  }
  return { ok: true, value: out };
}

function parseTcp(v: string): Parsed<ReadyCheck> {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(v) ?? /^()()(\d+)$/.exec(v);
  const port = Number(m?.[3]);
  if (!m || !(port >= 1 && port <= 65535)) return { ok: false, error: `expected a port (6379) or host:port (db:5432), got ${JSON.stringify(v)}` };
  return { ok: true, value: { kind: 'tcp', host: m[1] || m[2] || '127.0.0.1', port } };
}

function parseCheck(key: string, v: string): Parsed<ReadyCheck | null> {
  switch (key.slice(key.indexOf('_') + 1)) {
    case 'tcp':
      return parseTcp(v);
    case 'http':
      if (!/^https?:\/\/[^/]/.test(v) || !URL.canParse(v)) return { ok: false, error: `expected a URL like http://127.0.0.1:3000/health, got ${JSON.stringify(v)}` };
      return { ok: true, value: { kind: 'http', url: v } };
    case 'exec':
      return v ? { ok: true, value: { kind: 'exec', command: v } } : { ok: false, error: 'expected a command' };
    case 'log':
      try {
        new RegExp(v);
        return { ok: true, value: { kind: 'log', pattern: v } };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    default: {
      const on = parseBoolean(v);
      return on.ok ? { ok: true, value: on.value ? { kind: 'notify' } : null } : on;
    }
  }
}

/** `ready_*` or `liveness_*`: at most one check, plus its timing. */
function readProbe(r: ExtReader, probe: ProbeName): ReadyProbe | null {
  const checkNames = probe === 'ready' ? READY_CHECK_KEYS : LIVENESS_CHECK_KEYS;
  const timingNames = probe === 'ready' ? READY_TIMING_KEYS : LIVENESS_TIMING_KEYS;
  const checks: Array<{ key: string; check: ReadyCheck }> = [];
  let failed = false;
  for (const key of checkNames) {
    const v = r.get(key);
    if (v === undefined) continue;
    const p = parseCheck(key, v);
    if (!p.ok) {
      r.fail(key, p.error);
      failed = true;
    } else if (p.value) checks.push({ key, check: p.value });
  }
  const timing = {
    interval: read(r, `${probe}_interval`, parseDuration),
    timeout: read(r, `${probe}_timeout`, parseDuration),
    retries: read(r, `${probe}_retries`, (v) => parseInteger(v, 1)),
    initial_delay: read(r, `${probe}_initial_delay`, parseDuration),
  };
  const what = probe === 'ready' ? 'readiness' : 'liveness';
  if (checks.length > 1) {
    r.fail(checks[1]?.key ?? `${probe}_tcp`, `only one ${what} check may be set, got ${checks.map((c) => c.key).join(' and ')}`);
    return null;
  }
  const first = checks[0];
  if (!first) {
    const stray = timingNames.find((k) => r.get(k) !== undefined);
    if (stray && !failed) r.fail(stray, `${stray} needs a ${what} check: set one of ${checkNames.join(', ')}`);
    return null;
  }
  const defaults = probe === 'ready' ? DEFAULT_PROBE : DEFAULT_LIVENESS;
  return {
    check: first.check,
    initial_delay: timing.initial_delay ?? defaults.initial_delay,
    interval: timing.interval ?? defaults.interval,
    timeout: timing.timeout ?? defaults.timeout,
    retries: timing.retries ?? defaults.retries,
  };
}

function readBackoff(r: ExtReader): Backoff | null {
  const initial = read(r, 'backoff_initial', parseDuration);
  const max = read(r, 'backoff_max', parseDuration);
  const resetAfter = read(r, 'backoff_reset_after', parseDuration);
  if (BACKOFF_KEYS.every((k) => r.get(k) === undefined)) return null;
  const b = { initial: initial ?? DEFAULT_BACKOFF.initial, max: max ?? DEFAULT_BACKOFF.max, reset_after: resetAfter ?? DEFAULT_BACKOFF.reset_after };
  if (b.initial > b.max) {
    r.fail(initial !== undefined ? 'backoff_initial' : 'backoff_max', `backoff_initial (${b.initial}s) is longer than backoff_max (${b.max}s)`);
  }
  return b;
}

/** The extension keys of one process; absent keys give supervisord's behaviour. */
export function readProgramExtensions(r: ExtReader): ProgramExtensions {
  const signals = read(r, 'forward_signals', (v) => {
    const out: string[] = [];
    for (const item of items(v)) {
      const p = parseSignal(item);
      if (!p.ok) return p;
      out.push(p.value);
    }
    return { ok: true, value: out };
  });
  return {
    depends_on: read(r, 'depends_on', parseDependsOn) ?? {},
    oneshot: read(r, 'oneshot', parseBoolean) ?? false,
    critical: read(r, 'critical', parseCritical) ?? false,
    exit_on_skipped: read(r, 'exit_on_skipped', parseBoolean) ?? false,
    forward_signals: signals ?? [],
    ready: readProbe(r, 'ready'),
    liveness: readProbe(r, 'liveness'),
    backoff: readBackoff(r),
    max_restarts: read(r, 'max_restarts', (v) => parseInteger(v, 0)) ?? null,
    stop_command: read(r, 'stop_command', (v) => (v.trim() ? { ok: true, value: v } : { ok: false, error: 'expected a command' })) ?? null,
    daemon: read(r, 'daemon', parseBoolean) ?? false,
    print: read(r, 'print', parseBoolean),
    ...readScheduleExtensions(r, r.here ?? '/'),
    ...readLimitExtensions(r),
  };
}

function oneOf<T extends string>(choices: readonly T[]): (v: string) => Parsed<T> {
  return (v) => ((choices as readonly string[]).includes(v.trim().toLowerCase())
    ? { ok: true, value: v.trim().toLowerCase() as T }
    : { ok: false, error: `expected ${choices.join(' | ')}, got ${JSON.stringify(v)}` });
}

/** The [supervisord] extension keys that become pidone Settings. */
export function readSettingsExtensions(r: ExtReader): SettingsExtensions {
  const out: { -readonly [K in keyof SettingsExtensions]: SettingsExtensions[K] } = {};
  const shutdown = read(r, 'shutdown_timeout', parseDuration);
  if (shutdown !== undefined) out.shutdown_timeout = shutdown;
  const format = read(r, 'log_format', oneOf<LogFormat>(['prefix', 'json', 'raw']));
  if (format !== undefined) out.log_format = format;
  const timestamps = read(r, 'timestamps', parseBoolean);
  if (timestamps !== undefined) out.timestamps = timestamps;
  const color = read(r, 'color', oneOf<ColorMode>(['auto', 'always', 'never']));
  if (color !== undefined) out.color = color;
  const health = read(r, 'health', parseHealthListen);
  if (health !== undefined) out.health = health;
  return out;
}
