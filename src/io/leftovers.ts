// The processes still alive under pidone when it is about to exit: asked to stop (SIGTERM,
// and SIGCONT so a stopped one can act on it), given a grace period, then SIGKILLed. Exiting
// without this would let the kernel SIGKILL them mid-clean-up when PID 1 exits.
import type { Addon } from './addon.ts';
import { descendantsOf } from './proc-tree.ts';
import type { Reaper } from './reaper.ts';

export interface LeftoverLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Sends a signal, ignoring ESRCH (already gone is what we want). */
export function trySignal(pid: number, signal: number | string): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/** Resolves once nothing is left under selfPid (or graceMs + 1 s have passed). */
export function drainLeftovers(addon: Addon, reaper: Reaper, selfPid: number, graceMs: number, log: LeftoverLog): Promise<void> {
  const alive = (): number[] => descendantsOf(selfPid, addon.procTable());
  reaper.reapNow();
  const left = alive();
  if (left.length === 0) return Promise.resolve();
  log.info(`${left.length} process(es) left behind: sending SIGTERM, SIGKILL in ${graceMs} ms`);
  for (const pid of left) {
    trySignal(pid, 'SIGTERM');
    trySignal(pid, 'SIGCONT');
  }
  return new Promise((resolve) => {
    let last: NodeJS.Timeout | null = null;
    const finish = (): void => {
      process.off('SIGCHLD', onChild);
      clearTimeout(kill);
      if (last) clearTimeout(last);
      resolve();
    };
    const onChild = (): void => {
      reaper.reapNow();
      if (alive().length === 0) finish();
    };
    const kill = setTimeout(() => {
      const stubborn = alive();
      if (stubborn.length > 0) log.warn(`killing ${stubborn.length} process(es) that outlived the grace period: ${stubborn.join(' ')}`);
      for (const pid of stubborn) trySignal(pid, 'SIGKILL');
      // Something stuck in uninterruptible sleep cannot hold the exit hostage forever.
      last = setTimeout(finish, 1000);
    }, graceMs);
    process.on('SIGCHLD', onChild);
    onChild();
  });
}
