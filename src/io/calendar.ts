// Cron arithmetic for the core's schedules (core/ports.ts Calendar), by croner: 5 and 6 field
// expressions (seconds first), @hourly-style shorthands, time zones. Pure computation; the
// core keeps the timer (one for the next due time) and the wall-clock jump rules.
import { Cron } from 'croner';
import type { Calendar } from '../core/ports.ts';

// Parsing is the costly part and a schedule asks again after every run: keep the parsed ones.
const parsed = new Map<string, Cron>();
const MAX_PARSED = 1000;

function cronOf(expr: string, timezone: string | null): Cron {
  const key = `${timezone ?? ''}\0${expr}`;
  let c = parsed.get(key);
  if (c === undefined) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    c = new Cron(expr, { paused: true, ...(timezone !== null ? { timezone } : {}) });
    parsed.set(key, c);
  }
  return c;
}

export const calendar: Calendar = {
  next(expr, timezone, after) {
    const d = cronOf(expr, timezone).nextRun(new Date(after));
    return d === null ? null : d.getTime();
  },
};
