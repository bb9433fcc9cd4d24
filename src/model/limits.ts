// What a program may use: resource limits (setrlimit), its nice value and OOM score, set in the
// child between fork and exec, and cgroup v2 limits where pidone may create cgroups.

/** The rlimits pidone sets, by their config name (RLIMIT_NOFILE is `nofile`). */
export const RLIMIT_NAMES = ['nofile', 'nproc', 'core', 'stack', 'memlock', 'as', 'cpu', 'fsize'] as const;
export type RlimitName = (typeof RLIMIT_NAMES)[number];

/** A limit: a count, bytes (core, stack, memlock, as, fsize) or seconds (cpu), or no limit. */
export type LimitValue = number | 'unlimited';

export interface Rlimit {
  readonly soft: LimitValue;
  readonly hard: LimitValue;
}

/** cgroup v2 files written for the program's own cgroup, by config name (memory.max is `memory_max`). */
export const CGROUP_LIMIT_NAMES = ['memory_max', 'cpu_max', 'pids_max'] as const;
export type CgroupLimitName = (typeof CGROUP_LIMIT_NAMES)[number];

export type Limits = {
  readonly [K in RlimitName]?: Rlimit;
} & {
  /** memory.max: bytes, or `max`. */
  readonly memory_max?: number | 'max';
  /** cpu.max as the kernel reads it: "QUOTA PERIOD" in microseconds, QUOTA may be `max`. */
  readonly cpu_max?: string;
  /** pids.max: a count, or `max`. */
  readonly pids_max?: number | 'max';
};

