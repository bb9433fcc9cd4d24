// A program's limits (model/limits.ts) as the addon's spawn request, and a limit the child
// could not set as a typed spawn error that names the limit, the value and the way out.
import type { SpawnError } from '../core/spawn-error.ts';
import { RLIMIT_NAMES, type LimitValue, type RlimitName } from '../model/limits.ts';
import type { ProgramSpec } from '../model/spec.ts';
import type { Addon, SpawnRequest } from './addon.ts';

const RESOURCE: Readonly<Record<RlimitName, string>> = {
  nofile: 'RLIMIT_NOFILE', nproc: 'RLIMIT_NPROC', core: 'RLIMIT_CORE', stack: 'RLIMIT_STACK', memlock: 'RLIMIT_MEMLOCK',
  as: 'RLIMIT_AS', cpu: 'RLIMIT_CPU', fsize: 'RLIMIT_FSIZE',
};

const num = (v: LimitValue): number => (v === 'unlimited' ? -1 : v);

/** The rlimits of a spec in the order the addon applies them (error.index counts in it). */
function rlimitsOf(spec: ProgramSpec): RlimitName[] {
  return RLIMIT_NAMES.filter((n) => spec.limits[n] !== undefined);
}

/** The part of the addon's spawn request that sets limits, nice and the OOM score. */
export function limitRequest(spec: ProgramSpec, addon: Addon): Pick<SpawnRequest, 'limits' | 'nice' | 'oomScoreAdj'> {
  const out: { limits?: [number, number, number][]; nice?: number; oomScoreAdj?: number } = {};
  const names = rlimitsOf(spec);
  if (names.length > 0) {
    out.limits = names.map((n) => {
      const l = spec.limits[n]!;
      return [addon.constants[RESOURCE[n]] ?? -1, num(l.soft), num(l.hard)];
    });
  }
  if (spec.nice !== null) out.nice = spec.nice;
  if (spec.oom_score_adj !== null) out.oomScoreAdj = spec.oom_score_adj;
  return out;
}

const show = (v: LimitValue) => String(v);

/** A failure of the child's limit steps (the addon's `syscall`) as a `limit` spawn error, else null. */
export function limitFailure(err: NodeJS.ErrnoException & { index?: number }, spec: ProgramSpec): SpawnError | null {
  const code = err.code ?? 'EUNKNOWN';
  const denied = code === 'EPERM' || code === 'EACCES';
  switch (err.syscall) {
    case 'setrlimit': {
      const name = rlimitsOf(spec)[err.index ?? -1];
      if (name === undefined) return { kind: 'limit', message: `couldn't set a resource limit: ${code}`, errno: code };
      const l = spec.limits[name]!;
      const value = l.soft === l.hard ? show(l.soft) : `${show(l.soft)}:${show(l.hard)}`;
      const why = denied
        ? `above pidone's own hard limit${name === 'nofile' ? ' (or /proc/sys/fs/nr_open)' : ''}, which only a process with CAP_SYS_RESOURCE may raise: lower it, or give pidone a higher one (docker run --ulimit ${name}=N:N)`
        : 'the kernel refuses this value for this limit: lower it';
      return { kind: 'limit', message: `couldn't set limits.${name} to ${value}: ${code}: ${why}`, errno: code };
    }
    case 'setpriority':
      return {
        kind: 'limit', errno: code,
        message: `couldn't set nice to ${spec.nice}: ${code}${denied ? ': a negative nice value needs CAP_SYS_NICE (docker run --cap-add SYS_NICE); use 0 or more' : ''}`,
      };
    case 'oom_score_adj':
      return {
        kind: 'limit', errno: code,
        message: `couldn't set oom_score_adj to ${spec.oom_score_adj}: ${code}${denied ? ": lowering it below pidone's own needs CAP_SYS_RESOURCE; use pidone's value or more (cat /proc/1/oom_score_adj)" : ''}`,
      };
    case 'cgroup':
      return { kind: 'limit', errno: code, message: `couldn't move ${spec.name} into its cgroup: ${code}` };
    default:
      return null;
  }
}
