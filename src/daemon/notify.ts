// sd_notify readiness (`ready: { notify: true }`): each such program gets its own datagram
// socket, bound before the program is spawned (so an early READY=1 is never lost) and passed
// as NOTIFY_SOCKET. READY=1 makes it ready; STATUS=... lines are kept for the status view.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildHandle } from '../core/ports.ts';
import type { ProgramSpec } from '../model/spec.ts';
import type { Addon } from '../io/addon.ts';
import type { NotifyWatcher } from '../io/prober.ts';

interface Channel {
  readonly path: string;
  readonly close: () => void;
  ready: boolean;
  status: string | null;
  onReady: (() => void) | null;
}

/** The directory pidone may write its sockets in (spec 6): /run, else XDG_RUNTIME_DIR, else tmp. */
export function runtimeDir(env: Readonly<Record<string, string | undefined>>, pid: number): string {
  for (const base of ['/run', env.XDG_RUNTIME_DIR, tmpdir()]) {
    if (!base) continue;
    const dir = join(base, `pidone-${pid}`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    } catch {
      // read-only or not ours: try the next one
    }
  }
  return tmpdir();
}

export class NotifyHub {
  readonly #addon: Addon;
  readonly #makeDir: () => string;
  #dir: string | null = null;
  readonly #channels = new Map<string, Channel>();

  /** makeDir is called once, at the first notify program (most configs never need a socket). */
  constructor(addon: Addon, makeDir: () => string) {
    this.#addon = addon;
    this.#makeDir = makeDir;
  }

  /** Before a spawn: the NOTIFY_SOCKET value for this program (fresh readiness), or null. */
  prepare(spec: ProgramSpec): string | null {
    if (spec.ready?.check.kind !== 'notify') return null;
    let ch = this.#channels.get(spec.name);
    if (!ch) {
      this.#dir ??= this.#makeDir();
      const path = join(this.#dir, `notify-${this.#channels.size}.sock`);
      const channel: Channel = { path, close: () => {}, ready: false, status: null, onReady: null };
      const close = this.#addon.notifySocket(path, (message) => {
        for (const line of message.split('\n')) {
          if (line === 'READY=1' && !channel.ready) {
            channel.ready = true;
            channel.onReady?.();
          } else if (line.startsWith('STATUS=')) channel.status = line.slice(7);
        }
      });
      ch = Object.assign(channel, { close });
      this.#channels.set(spec.name, ch);
    }
    ch.ready = false;
    ch.onReady = null;
    return ch.path;
  }

  /** The prober's notify hook. */
  readonly watch: NotifyWatcher = (spec: ProgramSpec, _child: ChildHandle, onReady: () => void) => {
    const ch = this.#channels.get(spec.name);
    if (!ch) return null;
    if (ch.ready) {
      queueMicrotask(onReady);
      return () => {};
    }
    ch.onReady = onReady;
    return () => {
      ch.onReady = null;
    };
  };

  /** The last STATUS= a program sent, if any. */
  status(name: string): string | null {
    return this.#channels.get(name)?.status ?? null;
  }

  close(): void {
    for (const ch of this.#channels.values()) ch.close();
    this.#channels.clear();
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}
