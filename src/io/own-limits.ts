// supervisord's minfds/minprocs (INI [supervisord]): before anything starts, pidone raises its
// own RLIMIT_NOFILE / RLIMIT_NPROC to at least these (the programs inherit them), or refuses
// to start with supervisord's own words, as supervisord's set_rlimits_or_exit does.
import type { Settings } from '../model/spec.ts';
import type { Addon } from './addon.ts';

const CHECKS = [
  { key: 'minfds', resource: 'RLIMIT_NOFILE', what: 'file descriptors', need: 'to run this process' },
  { key: 'minprocs', resource: 'RLIMIT_NPROC', what: 'processes', need: 'to run this program' },
] as const;

/** What was raised (info lines), or the error that stops pidone from starting. */
export function raiseOwnLimits(addon: Pick<Addon, 'rlimit' | 'constants'>, settings: Settings): { infos: string[]; error: string | null } {
  const infos: string[] = [];
  for (const c of CHECKS) {
    const min = settings[c.key];
    const resource = addon.constants[c.resource];
    if (min === undefined || resource === undefined) continue;
    const [soft, hard] = addon.rlimit(resource);
    if (soft === -1 || soft >= min) continue;
    // The soft limit up to min; the hard one too if it is lower (which takes CAP_SYS_RESOURCE).
    const newHard = hard !== -1 && hard < min ? min : hard;
    try {
      addon.rlimit(resource, min, newHard);
      infos.push(`Increased ${c.resource} limit to ${min}`);
    } catch {
      return {
        infos,
        error: `The minimum number of ${c.key === 'minfds' ? 'file descriptors' : 'available processes'} required ${c.need} is ${min} as per the "${c.key}" command-line argument or config file setting. ` +
          `The current environment will only allow you to open ${hard} ${c.what}.  Either raise the number of usable ${c.what} in your environment ` +
          `(docker run --ulimit ${c.key === 'minfds' ? 'nofile' : 'nproc'}=${min}) or lower the ${c.key} setting in the config file to allow the process to start.`,
      };
    }
  }
  return { infos, error: null };
}
