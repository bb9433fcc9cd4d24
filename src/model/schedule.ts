// What runs a program besides a person or a crash: a schedule (cron or a fixed interval) and
// file changes. Plain readonly data, filled by config/ (`schedule:` and `watch:`), acted on by
// core/ (the schedule) and io/ (the file watches).

/** What a due run does while the previous run is still going. */
export type Overlap = 'skip' | 'queue' | 'replace';

/** A program that runs once per due time, as a oneshot (docs/config.md "Schedules"). */
export interface Schedule {
  /** A cron expression (5 fields, or 6 with seconds first) or a shorthand (@hourly); null with `every`. */
  readonly cron: string | null;
  /** Seconds between runs, counted on the monotonic clock; null with `cron`. */
  readonly every: number | null;
  /** IANA time zone for `cron`; null is the container's own (TZ, /etc/localtime). */
  readonly timezone: string | null;
  readonly overlap: Overlap;
  /** Run once as soon as the schedule starts, for a run that may have been missed while pidone was not running. */
  readonly catch_up: boolean;
}

/** Restart (or signal) a program when files change (docs/config.md "File watches"). */
export interface Watch {
  /** Absolute paths or globs (`*`, `**`, `?`, `[...]`, `{a,b}`); a directory means everything below it. */
  readonly paths: readonly string[];
  /** Globs of changes that do not count: absolute, or a bare name pattern matched against each path's last part. */
  readonly ignore: readonly string[];
  /** Seconds without a change that end a burst of changes; then one restart. */
  readonly debounce: number;
  /** `restart`, or the signal name (without SIG) to send instead. */
  readonly action: string;
}
