// The processes still under pidone when it is about to exit: asked to stop (SIGTERM, and
// SIGCONT so a stopped one can act on it), given a grace period, then SIGKILLed, and every one
// reaped. Exiting without this would let the kernel SIGKILL them mid-clean-up when PID 1 exits.
import type { Addon } from './addon.ts';
import { subtreeOf } from './proc-tree.ts';
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

// How often to look again when all that is left are zombies pidone cannot reap itself (a
// child libuv owns, which libuv reaps on its own turn): rare, and bounded by the timers.
const ZOMBIE_RECHECK_MS = 10;

/** What draining did: how many processes it had to SIGKILL (they outlived the grace period). */
export interface Drained {
  readonly killed: number;
}

/**
 * Resolves once nothing is left under selfPid, alive or unreaped (or graceMs + afterKillMs have
 * passed: what SIGKILL cannot end, a process in uninterruptible sleep, cannot hold the exit
 * hostage). graceMs 0 is tini's behaviour: reap what has already exited, signal nobody,
 * resolve; `killNow` (a shutdown whose time is up) SIGKILLs what is left at once instead.
 */
export function drainLeftovers(addon: Addon, reaper: Reaper, selfPid: number, graceMs: number, log: LeftoverLog, killNow = false, afterKillMs = 1000): Promise<Drained> {
  // Reap, then look: a process that died after the reap is a zombie in the table, so it still
  // counts as left, and its SIGCHLD (already on its way) brings us back here.
  const look = (): { live: number[]; zombies: number[] } => {
    reaper.reapNow();
    // No child at all: nothing can be below pidone, and /proc need not be read (the usual end).
    if (!addon.hasChildren()) return { live: [], zombies: [] };
    return subtreeOf(selfPid, addon.procTable());
  };
  const first = look();
  if (graceMs <= 0 && !killNow) {
    if (first.live.length > 0) log.info(`${first.live.length} process(es) left behind; --grace 0: not signalling them`);
    return Promise.resolve({ killed: 0 });
  }
  if (first.live.length === 0 && first.zombies.length === 0) return Promise.resolve({ killed: 0 });
  if (first.live.length > 0 && !killNow) {
    log.info(`${first.live.length} process(es) left behind: sending SIGTERM, SIGKILL in ${graceMs} ms`);
    for (const pid of first.live) {
      trySignal(pid, 'SIGTERM');
      trySignal(pid, 'SIGCONT');
    }
  }
  return new Promise((resolve) => {
    let last: NodeJS.Timeout | null = null;
    let recheck: NodeJS.Timeout | null = null;
    let killed = 0;
    const finish = (): void => {
      process.off('SIGCHLD', onChild);
      clearTimeout(kill);
      if (last) clearTimeout(last);
      if (recheck) clearTimeout(recheck);
      resolve({ killed });
    };
    const onChild = (): void => {
      if (recheck) clearTimeout(recheck);
      recheck = null;
      let left = look();
      // A zombie with no live process between it and pidone is pidone's child: reap it now.
      for (let i = 0; i < 3 && left.live.length === 0 && left.zombies.length > 0; i++) left = look();
      if (left.live.length === 0 && left.zombies.length === 0) return finish();
      if (left.live.length === 0) recheck = setTimeout(onChild, ZOMBIE_RECHECK_MS);
    };
    const kill = setTimeout(() => {
      const stubborn = look().live;
      if (stubborn.length > 0) log.warn(`killing ${stubborn.length} process(es) that ${killNow ? 'are left when the shutdown\'s time is up' : 'outlived the grace period'}: ${stubborn.join(' ')}`);
      killed = stubborn.length;
      for (const pid of stubborn) trySignal(pid, 'SIGKILL');
      last = setTimeout(finish, afterKillMs);
    }, killNow ? 0 : graceMs);
    process.on('SIGCHLD', onChild);
    onChild();
  });
}
