// The programs' file watches (io/file-watch.ts), kept in step with the running model, and what
// a burst of changes does: a command on the core, as a person's would be (restart, or the
// signal the watch names). A program a person stopped, one waiting for its dependencies or
// for its schedule, is left alone: the change applies at its next start.
import type { ProcessInfo } from '../core/snapshot.ts';
import type { Model, ProgramSpec } from '../model/spec.ts';
import { FileWatch } from '../io/file-watch.ts';

/** What watches act through. */
export interface WatchDeps {
  snapshot(): readonly ProcessInfo[];
  restartProcess(name: string): unknown;
  signalProcess(name: string, signal: string): unknown;
  log(level: 'info' | 'warn', message: string): void;
}

const LEAVE_ALONE = new Set(['stopped', 'waiting', 'scheduled', 'stopping', 'removing', 'replacing']);

export class Watches {
  readonly #deps: WatchDeps;
  readonly #by = new Map<string, { key: string; watch: FileWatch }>();

  constructor(deps: WatchDeps) {
    this.#deps = deps;
  }

  /** Starts, replaces and stops watches to match the model (only changed ones are touched). */
  apply(model: Model): void {
    const want = new Map(model.programs.filter((p) => p.watch !== null).map((p) => [p.name, p]));
    for (const [name, w] of this.#by) {
      if (want.get(name) === undefined || JSON.stringify(want.get(name)!.watch) !== w.key) {
        w.watch.close();
        this.#by.delete(name);
      }
    }
    for (const [name, spec] of want) {
      if (this.#by.has(name)) continue;
      const watch = new FileWatch(spec.watch!, (paths) => this.#burst(spec, paths), (m) => this.#deps.log('warn', `${name}: ${m}`));
      this.#by.set(name, { key: JSON.stringify(spec.watch), watch });
    }
  }

  close(): void {
    for (const w of this.#by.values()) w.watch.close();
    this.#by.clear();
  }

  #burst(spec: ProgramSpec, paths: readonly string[]): void {
    const info = this.#deps.snapshot().find((p) => p.name === spec.name);
    const what = `${paths.length} change${paths.length === 1 ? '' : 's'} (${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', ...' : ''})`;
    if (info === undefined || LEAVE_ALONE.has(info.life)) {
      this.#deps.log('info', `watch: ${spec.name}: ${what}; not running, left alone`);
      return;
    }
    const action = spec.watch?.action ?? 'restart';
    this.#deps.log('info', `watch: ${spec.name}: ${what}: ${action === 'restart' ? 'restarting' : `sending SIG${action}`}`);
    if (action === 'restart') this.#deps.restartProcess(spec.name);
    else this.#deps.signalProcess(spec.name, action);
  }
}
