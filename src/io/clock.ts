// The real Clock for the supervisor core: wall-clock milliseconds (snapshots show start times
// as dates, as supervisord does) and plain timers.
import type { Clock } from '../core/ports.ts';

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};
