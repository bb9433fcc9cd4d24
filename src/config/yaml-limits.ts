// `limits:` of a YAML program (model/limits.ts; docs/config.md "Resource limits"): rlimits,
// set between fork and exec, and cgroup v2 limits.
import { CGROUP_LIMIT_NAMES, RLIMIT_NAMES, type CgroupLimitName, type Limits, type RlimitName } from '../model/limits.ts';
import { checkKeys, entries, parsed, plain, type Ctx, type Field } from './yaml-nodes.ts';
import { parseCgroupLimit, parseRlimit } from './values-limits.ts';

const LIMIT_KEYS: readonly string[] = [...RLIMIT_NAMES, ...CGROUP_LIMIT_NAMES];

/** `limits: { nofile: 1024, core: 0, as: 2GB, cpu: 10m, memory_max: 512MB, ... }`. */
export function readLimits(ctx: Ctx, f: Field): Limits | undefined {
  if (plain(ctx, f.node) === null) return {};
  const fields = entries(ctx, f);
  if (!fields) return undefined;
  checkKeys(ctx, fields, LIMIT_KEYS, {
    nofiles: 'use nofile:', open_files: 'use nofile:', memory: 'use memory_max: (a cgroup limit) or as: (address space)',
    cpus: 'use cpu_max: (CPUs) or cpu: (CPU seconds)', pids: 'use pids_max: or nproc:', rss: 'use memory_max:',
  });
  const out: Record<string, unknown> = {};
  let bad = false;
  for (const x of fields) {
    if ((RLIMIT_NAMES as readonly string[]).includes(x.key)) {
      const v = parsed(ctx, x, (value) => parseRlimit(x.key as RlimitName, value));
      if (v === undefined) bad = true;
      else out[x.key] = v;
    } else if ((CGROUP_LIMIT_NAMES as readonly string[]).includes(x.key)) {
      const v = parsed(ctx, x, (value) => parseCgroupLimit(x.key as CgroupLimitName, value));
      if (v === undefined) bad = true;
      else out[x.key] = v;
    }
  }
  return bad ? undefined : (out as Limits);
}
