// `schedule:` and `watch:` of a YAML program (model/schedule.ts; docs/config.md "Schedules",
// "File watches").
import { isAbsolute, join } from 'node:path';
import type { Schedule, Watch } from '../model/schedule.ts';
import { checkKeys, entries, isList, isMapping, items, parsed, plain, report, type Ctx, type Field } from './yaml-nodes.ts';
import { describe, parseBoolean, parseDuration } from './values.ts';
import { MIN_EVERY_SECONDS, parseCron, parseGlob, parseOverlap, parseTimezone, parseWatchAction } from './values-schedule.ts';

const SCHEDULE_KEYS = ['cron', 'every', 'timezone', 'overlap', 'catch_up'];
const WATCH_KEYS = ['paths', 'ignore', 'debounce', 'action', 'signal'];

/** Watch defaults: a burst ends after half a second without a change. */
export const DEFAULT_DEBOUNCE = 0.5;

/**
 * A scheduled program runs once per due time: it is a oneshot that is never restarted.
 * `oneshot: false` or a `restart` other than never contradict that (errors).
 */
export function scheduledRules(ctx: Ctx, fields: ReadonlyMap<string, Field>, d: { oneshot: boolean; autorestart: boolean | 'unexpected' }): void {
  const oneshot = fields.get('oneshot');
  if (oneshot && d.oneshot === false) report(ctx, oneshot.at, oneshot.path, 'a scheduled program is a oneshot per run (leave oneshot out)');
  const restart = fields.get('restart');
  if (restart && d.autorestart !== false) report(ctx, restart.at, restart.path, 'a scheduled program is never restarted: the next due time runs it again (leave restart out)');
  d.oneshot = true;
  d.autorestart = false;
}

/** `schedule: "*\/5 * * * *"` or `schedule: { cron | every, timezone, overlap, catch_up }`. */
export function readSchedule(ctx: Ctx, f: Field): Schedule | null | undefined {
  if (plain(ctx, f.node) === null) return null;
  if (!isMapping(ctx, f)) {
    const cron = parsed(ctx, f, (v) => parseCron(v));
    return cron === undefined ? undefined : { cron, every: null, timezone: null, overlap: 'skip', catch_up: false };
  }
  const fields = entries(ctx, f) ?? [];
  checkKeys(ctx, fields, SCHEDULE_KEYS, { interval: 'use every:', run_on_start: 'use catch_up: true', max_concurrent: 'use overlap: skip | queue | replace' });
  const at = (k: string) => fields.find((x) => x.key === k);
  const tzField = at('timezone');
  const timezone = tzField ? parsed(ctx, tzField, parseTimezone) : null;
  const cronField = at('cron');
  const everyField = at('every');
  let bad = timezone === undefined;
  if ((cronField === undefined) === (everyField === undefined)) {
    report(ctx, f.at, f.path, `expected exactly one of cron and every, got ${cronField ? 'both' : 'neither'}`);
    bad = true;
  }
  const cron = cronField ? parsed(ctx, cronField, (v) => parseCron(v, timezone ?? null)) : null;
  let every = everyField ? parsed(ctx, everyField, parseDuration) : null;
  if (every !== null && every !== undefined && every < MIN_EVERY_SECONDS) {
    report(ctx, everyField!.at, everyField!.path, `expected at least ${MIN_EVERY_SECONDS}s between runs, got ${every}s`);
    every = undefined;
  }
  if (tzField && everyField && !cronField) report(ctx, tzField.at, tzField.path, 'a time zone applies to cron only (every counts elapsed time)');
  const overlapField = at('overlap');
  const overlap = overlapField ? parsed(ctx, overlapField, parseOverlap) : 'skip';
  const catchField = at('catch_up');
  const catchUp = catchField ? parsed(ctx, catchField, parseBoolean) : false;
  if (bad || cron === undefined || every === undefined || overlap === undefined || catchUp === undefined) return undefined;
  return { cron, every, timezone: cron === null ? null : (timezone ?? null), overlap, catch_up: catchUp };
}

/** `watch: PATH`, `watch: [PATHS]`, or `watch: { paths, ignore, debounce, action | signal }`. */
export function readWatch(ctx: Ctx, f: Field, configDir: string): Watch | null | undefined {
  if (plain(ctx, f.node) === null) return null;
  if (!isMapping(ctx, f)) {
    const paths = globs(ctx, f, configDir, false);
    return paths === undefined ? undefined : { paths, ignore: [], debounce: DEFAULT_DEBOUNCE, action: 'restart' };
  }
  const fields = entries(ctx, f) ?? [];
  checkKeys(ctx, fields, WATCH_KEYS, { delay: 'use debounce:', ignore_watch: 'use ignore:', watch_delay: 'use debounce:' });
  const at = (k: string) => fields.find((x) => x.key === k);
  const pathsField = at('paths');
  if (!pathsField) report(ctx, f.at, f.path, 'missing paths (the files or directories to watch)');
  const paths = pathsField ? globs(ctx, pathsField, configDir, false) : undefined;
  const ignoreField = at('ignore');
  const ignore = ignoreField ? globs(ctx, ignoreField, configDir, true) : [];
  const debounceField = at('debounce');
  const debounce = debounceField ? parsed(ctx, debounceField, parseDuration) : DEFAULT_DEBOUNCE;
  // The issue that asked for watches names the key both `action` and `signal`: either spelling, not both.
  const actionField = at('action') ?? at('signal');
  if (at('action') && at('signal')) report(ctx, at('signal')!.at, at('signal')!.path, 'same setting as action; give only one of them');
  const action = actionField ? parsed(ctx, actionField, parseWatchAction) : 'restart';
  if (paths === undefined || ignore === undefined || debounce === undefined || action === undefined) return undefined;
  return { paths, ignore, debounce, action };
}

/** A glob or a list of them. Paths are made absolute against the config file's directory; an
 *  ignore pattern without a `/` stays bare (it is matched against each changed path's last part). */
function globs(ctx: Ctx, f: Field, configDir: string, ignore: boolean): string[] | undefined {
  const list = isList(ctx, f) ? (items(ctx, f) ?? []) : [f];
  const out: string[] = [];
  let bad = false;
  for (const item of list) {
    const g = parsed(ctx, item, parseGlob);
    if (g === undefined) {
      bad = true;
      continue;
    }
    const bare = ignore && !g.includes('/');
    out.push(bare || isAbsolute(g) ? g : join(configDir, g));
  }
  if (!ignore && list.length === 0) {
    report(ctx, f.at, f.path, `expected at least one path, got ${describe([])}`);
    return undefined;
  }
  return bad ? undefined : out;
}
