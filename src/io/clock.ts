// The real Clock for the supervisor core: wall-clock milliseconds (snapshots show start times
// as dates, as supervisord does; cron schedules follow it), a monotonic reading, and plain
// timers (libuv's, which run on the monotonic clock).
import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/ports.ts';

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};
