// Collects every exited child: the programs pidone started (their exit goes to the watcher
// registered for the pid) and orphans re-parented to pidone (PID 1 or subreaper). Runs on
// SIGCHLD, coalesced to one pass per event-loop turn, so a burst of 2,000 exits costs a few
// passes, not 2,000; there is no polling timer, so an idle pidone never wakes up.
import type { ExitStatus } from '../core/ports.ts';
import type { Addon } from './addon.ts';
import { signalName } from './signals.ts';

export type ExitWatcher = (status: ExitStatus) => void;

export class Reaper {
  readonly #addon: Addon;
  readonly #watchers = new Map<number, ExitWatcher>();
  // Children that node:child_process spawned: libuv must reap those itself, or their 'exit'
  // event is lost (libuv's uv__wait_children ignores ECHILD).
  readonly #libuvOwned = new Set<number>();
  #owned = new Int32Array(0);
  #scheduled = false;
  // Children spawned by the addon are not libuv handles, and signal listeners do not hold the
  // event loop either: without this, node would exit under a running child. It fires once
  // every 24.8 days (the longest timer node has), so an idle pidone still sleeps.
  #keepAlive: NodeJS.Timeout | null = null;
  #onOrphan: (pid: number, status: ExitStatus) => void;
  readonly #afterPass = new Set<() => void>();
  readonly #onSigchld = (): void => this.schedule();

  constructor(addon: Addon, onOrphan: (pid: number, status: ExitStatus) => void = () => {}) {
    this.#addon = addon;
    this.#onOrphan = onOrphan;
  }

  /** Starts listening to SIGCHLD and reaps whatever is already waiting. */
  start(): void {
    process.on('SIGCHLD', this.#onSigchld);
    this.schedule();
  }

  /** Calls fn once, when pid is reaped. Register right after spawning, in the same tick. */
  watch(pid: number, fn: ExitWatcher): void {
    this.#watchers.set(pid, fn);
    this.#keepAlive ??= setInterval(() => {}, 0x7fffffff);
  }

  /**
   * Calls fn after every reaping pass (a process group's last member dying shows up as
   * SIGCHLD here: it was re-parented to pidone); returns a function that stops it.
   */
  afterPass(fn: () => void): () => void {
    this.#afterPass.add(fn);
    return () => this.#afterPass.delete(fn);
  }

  /** Marks a pid as libuv's (spawned via node:child_process): never reap it. */
  ownedByLibuv(pid: number, owned: boolean): void {
    if (owned) this.#libuvOwned.add(pid);
    else this.#libuvOwned.delete(pid);
    this.#owned = Int32Array.from(this.#libuvOwned);
  }

  /** Reaps on the next turn of the event loop (several SIGCHLDs in one turn make one pass). */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.reapNow();
    });
  }

  /** Reaps every exited child now; returns how many. */
  reapNow(): number {
    const found = this.#addon.reap(this.#owned);
    for (let i = 0; i < found.length; i += 3) {
      const pid = found[i]!;
      const code = found[i + 1]!;
      const status: ExitStatus = code >= 0 ? { code, signal: null } : { code: null, signal: signalName(found[i + 2]!) };
      const watcher = this.#watchers.get(pid);
      if (watcher) {
        this.#watchers.delete(pid);
        if (this.#watchers.size === 0 && this.#keepAlive) {
          clearInterval(this.#keepAlive);
          this.#keepAlive = null;
        }
        watcher(status);
      } else {
        this.#onOrphan(pid, status);
      }
    }
    for (const fn of [...this.#afterPass]) fn();
    return found.length / 3;
  }
}
