// `schedule` and `watch` as INI extension keys (docs/ini-extensions.md): the YAML keys with
// the nested ones flattened by `_` (schedule_every=10m, watch_paths=...). supervisord ignores
// them, so such a file still runs under real supervisord, unscheduled and unwatched.
import { isAbsolute, join } from 'node:path';
import type { Schedule, Watch } from '../model/schedule.ts';
import type { ExtReader } from './ini-extensions.ts';
import { parseBoolean, parseDuration, type Parsed } from './values.ts';
import { MIN_EVERY_SECONDS, parseCron, parseGlob, parseOverlap, parseTimezone, parseWatchAction } from './values-schedule.ts';
import { DEFAULT_DEBOUNCE } from './yaml-schedule.ts';

export const SCHEDULE_KEYS = ['schedule', 'schedule_cron', 'schedule_every', 'schedule_timezone', 'schedule_overlap', 'schedule_catch_up'] as const;
export const WATCH_KEYS = ['watch', 'watch_paths', 'watch_ignore', 'watch_debounce', 'watch_action', 'watch_signal'] as const;

export interface ScheduleExtensions {
  readonly schedule: Schedule | null;
  readonly watch: Watch | null;
}

function read<T>(r: ExtReader, key: string, parse: (v: string) => Parsed<T>): T | undefined {
  const v = r.get(key);
  if (v === undefined) return undefined;
  const p = parse(v);
  if (p.ok) return p.value;
  r.fail(key, p.error);
  return undefined;
}

/** Items of a list value: separated by spaces or commas (not the commas of a {a,b} glob). */
function items(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of v) {
    if (ch === '{') depth++;
    if (ch === '}' && depth > 0) depth--;
    if ((/\s/.test(ch) || (ch === ',' && depth === 0))) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

function readSchedule(r: ExtReader): Schedule | null {
  const given = SCHEDULE_KEYS.filter((k) => r.get(k) !== undefined);
  if (given.length === 0) return null;
  if (r.get('schedule') !== undefined && r.get('schedule_cron') !== undefined) {
    r.fail('schedule_cron', 'same setting as schedule; give only one of them');
    return null;
  }
  const timezone = read(r, 'schedule_timezone', parseTimezone) ?? null;
  const cronKey = r.get('schedule') !== undefined ? 'schedule' : 'schedule_cron';
  const cron = read(r, cronKey, (v) => parseCron(v, timezone));
  const every = read(r, 'schedule_every', parseDuration);
  const hasCron = r.get(cronKey) !== undefined;
  const hasEvery = r.get('schedule_every') !== undefined;
  if (hasCron === hasEvery) {
    r.fail(given[0] ?? 'schedule', `expected exactly one of schedule (or schedule_cron) and schedule_every, got ${hasCron ? 'both' : 'neither'}`);
    return null;
  }
  if (every !== undefined && every < MIN_EVERY_SECONDS) {
    r.fail('schedule_every', `expected at least ${MIN_EVERY_SECONDS}s between runs, got ${every}s`);
    return null;
  }
  if (hasEvery && r.get('schedule_timezone') !== undefined) r.fail('schedule_timezone', 'a time zone applies to cron only (schedule_every counts elapsed time)');
  const overlap = read(r, 'schedule_overlap', parseOverlap) ?? 'skip';
  const catchUp = read(r, 'schedule_catch_up', parseBoolean) ?? false;
  if (hasCron && cron === undefined) return null;
  if (hasEvery && every === undefined) return null;
  return { cron: cron ?? null, every: every ?? null, timezone: hasCron ? timezone : null, overlap, catch_up: catchUp };
}

function readWatch(r: ExtReader, here: string): Watch | null {
  if (WATCH_KEYS.every((k) => r.get(k) === undefined)) return null;
  if (r.get('watch') !== undefined && r.get('watch_paths') !== undefined) {
    r.fail('watch_paths', 'same setting as watch; give only one of them');
    return null;
  }
  if (r.get('watch_action') !== undefined && r.get('watch_signal') !== undefined) {
    r.fail('watch_signal', 'same setting as watch_action; give only one of them');
    return null;
  }
  const pathsKey = r.get('watch') !== undefined ? 'watch' : 'watch_paths';
  const globs = (key: string, ignore: boolean): string[] | undefined => read(r, key, (v) => {
    const out: string[] = [];
    for (const item of items(v)) {
      const g = parseGlob(item);
      if (!g.ok) return g;
      out.push((ignore && !item.includes('/')) || isAbsolute(item) ? item : join(here, item));
    }
    return { ok: true, value: out };
  });
  const paths = globs(pathsKey, false);
  if (r.get(pathsKey) === undefined || (paths !== undefined && paths.length === 0)) {
    r.fail(pathsKey, 'watch needs the files or directories to watch: set watch= (or watch_paths=)');
    return null;
  }
  const ignore = globs('watch_ignore', true) ?? [];
  const debounce = read(r, 'watch_debounce', parseDuration) ?? DEFAULT_DEBOUNCE;
  const actionKey = r.get('watch_signal') !== undefined ? 'watch_signal' : 'watch_action';
  const action = read(r, actionKey, parseWatchAction) ?? 'restart';
  return paths === undefined ? null : { paths, ignore, debounce, action };
}

/** The schedule and watch keys of one process; `here` resolves relative watch paths. */
export function readScheduleExtensions(r: ExtReader, here: string): ScheduleExtensions {
  return { schedule: readSchedule(r), watch: readWatch(r, here) };
}
