// supervisor.restart (`supervisorctl reload`) as supervisord does it: read the config file
// again, stop every program, then start afresh: new pids, restart counts at zero, programs
// that someone started by hand stopped again unless autostart, AUTO logs empty. pidone's own
// reload (SIGHUP, `pidone reload`) keeps restarting only what changed.
//
// Built on the supervisor's public commands: stop wave by wave in reverse dependency order
// (waiting for each like `stop`), then apply a model without the programs and the new model at
// once, so every program comes back as a new record and autostart ones start in dependency
// order as at boot. While this runs, supervisor.* answers SHUTDOWN_STATE, as supervisord's do.
import { displayName } from '../core/namespec.ts';
import { stopOrder } from '../model/graph.ts';
import type { Model } from '../model/spec.ts';
import type { Actions } from './actions.ts';
import type { ControlContext } from './context.ts';
import type { GroupOps } from './groups.ts';
import type { Logs } from './logs.ts';

/** Restarts everything once at a time. */
export class RestartAll {
  readonly #ctx: ControlContext;
  readonly #actions: Actions;
  readonly #logs: Logs;
  readonly #groups: GroupOps;
  #busy = false;

  constructor(ctx: ControlContext, actions: Actions, logs: Logs, groups: GroupOps) {
    this.#ctx = ctx;
    this.#actions = actions;
    this.#logs = logs;
    this.#groups = groups;
  }

  /** A restart is under way (commands answer SHUTDOWN_STATE meanwhile). */
  get busy(): boolean {
    return this.#busy;
  }

  /** Begins a restart; resolves when the programs have been started afresh (or pidone stops). */
  async run(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      await this.#restart();
    } catch (err) {
      this.#ctx.sink.event('error', `restart failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.#busy = false;
    }
  }

  async #restart(): Promise<void> {
    const { config, sink } = this.#ctx;
    sink.event('warn', 'restarting every program (supervisor.restart): reading the config, stopping, starting afresh');
    this.#ctx.events?.restart('stopping');
    const read = config.read();
    if (!read.ok) sink.event('error', 'restart: the config has errors (see above); the programs restart as they were');
    const next: Model = read.ok ? read.model : config.current();
    const running = config.current();
    for (const wave of stopOrder(running.programs, running.groups)) {
      if (this.#ctx.supervisor.phase !== 'running') return;
      await Promise.all(wave.map((spec) => this.#actions.stop(displayName(spec), true)));
    }
    if (this.#ctx.supervisor.phase !== 'running') return;
    // supervisord opens new AUTO log files; a named file goes on where it was.
    for (const spec of running.programs) {
      if (spec.stdout_logfile === null || spec.stdout_logfile === 'AUTO') this.#logs.clear(spec.name, ['stdout']);
      if (spec.stderr_logfile === null || spec.stderr_logfile === 'AUTO') this.#logs.clear(spec.name, ['stderr']);
    }
    config.apply({ ...running, programs: [], groups: [] });
    config.apply(next);
    this.#ctx.events?.restart('running');
    this.#groups.forget();
    sink.event('info', `restarted: ${next.programs.filter((p) => p.autostart).length} of ${next.programs.length} program(s) start`);
  }
}
