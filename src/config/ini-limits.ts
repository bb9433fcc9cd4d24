// `limits`, `nice` and `oom_score_adj` as INI extension keys (docs/ini-extensions.md):
// limits_nofile=1024, limits_memory_max=512MB, nice=5, oom_score_adj=500.
import { CGROUP_LIMIT_NAMES, RLIMIT_NAMES, type Limits } from '../model/limits.ts';
import type { ExtReader } from './ini-extensions.ts';
import { parseCgroupLimit, parseRange, parseRlimit } from './values-limits.ts';

export const LIMIT_KEYS: readonly string[] = [...[...RLIMIT_NAMES, ...CGROUP_LIMIT_NAMES].map((k) => `limits_${k}`), 'nice', 'oom_score_adj'];

export interface LimitExtensions {
  readonly limits: Limits;
  readonly nice: number | null;
  readonly oom_score_adj: number | null;
}

/** The limit keys of one process; absent keys inherit pidone's own. */
export function readLimitExtensions(r: ExtReader): LimitExtensions {
  const limits: Record<string, unknown> = {};
  for (const name of RLIMIT_NAMES) {
    const v = r.get(`limits_${name}`);
    if (v === undefined) continue;
    const p = parseRlimit(name, v);
    if (p.ok) limits[name] = p.value;
    else r.fail(`limits_${name}`, p.error);
  }
  for (const name of CGROUP_LIMIT_NAMES) {
    const v = r.get(`limits_${name}`);
    if (v === undefined) continue;
    const p = parseCgroupLimit(name, v);
    if (p.ok) limits[name] = p.value;
    else r.fail(`limits_${name}`, p.error);
  }
  const range = (key: string, min: number, max: number): number | null => {
    const v = r.get(key);
    if (v === undefined) return null;
    const p = parseRange(v, min, max);
    if (!p.ok) r.fail(key, p.error);
    return p.ok ? p.value : null;
  };
  return { limits: limits as Limits, nice: range('nice', -20, 19), oom_score_adj: range('oom_score_adj', -1000, 1000) };
}
