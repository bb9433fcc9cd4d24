// A process-compose `schedule:` block → pidone's Schedule (model/schedule.ts). process-compose
// runs a scheduled process on a standard 5-field cron (in `timezone`, else local time) or every
// `interval` (a Go duration), not at start unless `run_on_start`, and skips a run that comes due
// while `max_concurrent` runs (default 1) are still going. pidone runs one copy of a program at
// a time, so its overlap is always `skip`.
import type { Schedule } from '../model/schedule.ts';
import { checkPcKeys } from './pc-keys.ts';
import { MIN_EVERY_SECONDS, parseCron, parseTimezone } from './values-schedule.ts';
import { parseBoolean, parseDuration, parseInteger } from './values.ts';
import { entries, parsed, report, text, type Ctx, type Field } from './yaml-nodes.ts';

export const SCHEDULE_KEYS = ['cron', 'timezone', 'interval', 'run_on_start', 'max_concurrent'];

/**
 * The schedule of a process; null when the block schedules nothing (process-compose then
 * starts the process as any other); undefined when it is invalid (reported).
 */
export function readPcSchedule(ctx: Ctx, f: Field): Schedule | null | undefined {
  const fields = entries(ctx, f);
  if (!fields) return undefined;
  checkPcKeys(ctx, fields, SCHEDULE_KEYS, 'schedule');
  const at = (k: string) => fields.find((x) => x.key === k);
  const cronField = at('cron');
  const intervalField = at('interval');
  const cronText = cronField ? text(ctx, cronField) : undefined;
  const intervalText = intervalField ? text(ctx, intervalField) : undefined;
  if (!cronText && !intervalText) {
    report(ctx, f.at, f.path, 'neither cron nor interval is set: the process is not scheduled and starts as any other (as in process-compose)', 'warning');
    return null;
  }
  if (cronText && intervalText) {
    report(ctx, intervalField!.at, intervalField!.path, 'cron and interval are both set: cron is used (as process-compose does)', 'warning');
  }
  const tzField = at('timezone');
  const timezone = tzField ? parsed(ctx, tzField, parseTimezone) : null;
  let cron: string | null | undefined = null;
  let every: number | null | undefined = null;
  if (cronText) {
    // process-compose parses the standard 5 fields (and the @ shorthands): a seconds field is an error there.
    if (!cronText.trim().startsWith('@') && cronText.trim().split(/\s+/).length !== 5) {
      report(ctx, cronField!.at, cronField!.path, `expected a 5-field cron expression (minute hour day month weekday), got ${JSON.stringify(cronText)}`);
      cron = undefined;
    } else cron = parsed(ctx, cronField!, (v) => parseCron(v, timezone ?? null));
  } else {
    every = parsed(ctx, intervalField!, parseDuration);
    if (every !== undefined && every !== null && every < MIN_EVERY_SECONDS) {
      report(ctx, intervalField!.at, intervalField!.path, `expected at least ${MIN_EVERY_SECONDS}s between runs, got ${every}s`);
      every = undefined;
    }
    if (tzField) report(ctx, tzField.at, tzField.path, 'a time zone applies to cron only (interval counts elapsed time)', 'warning');
  }
  const startField = at('run_on_start');
  const runOnStart = startField ? parsed(ctx, startField, parseBoolean) : false;
  const maxField = at('max_concurrent');
  const max = maxField ? parsed(ctx, maxField, (v) => parseInteger(v, 0)) : 1;
  if (max !== undefined && max > 1) {
    report(ctx, maxField!.at, maxField!.path, `pidone runs one copy of a program at a time: a run that comes due while one is going is skipped, as with max_concurrent: 1`, 'warning');
  }
  if (cron === undefined || every === undefined || timezone === undefined || runOnStart === undefined || max === undefined) return undefined;
  return { cron, every, timezone: cron === null ? null : (timezone ?? null), overlap: 'skip', catch_up: runOnStart };
}
