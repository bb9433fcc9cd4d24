// start/stop/restart/signal as clients see them: the supervisor's immediate command, then
// (with wait) the wait supervisord's deferred RPCs do: start until RUNNING or a failure
// (SPAWN_ERROR, ABNORMAL_TERMINATION), stop until a stopped state. Results come in
// completion order, as supervisord's group results do.
import type { SupervisorEvent } from '../core/events.ts';
import { type CommandResult, type ProcessResult, displayName } from '../core/namespec.ts';
import type { ProcessInfo } from '../core/snapshot.ts';
import { type ProcessState, STOPPED_STATES } from '../core/state.ts';
import type { ProgramSpec } from '../model/spec.ts';
import type { ControlContext } from './context.ts';
import type { Fault } from './faults.ts';
import type { ActionResult } from './protocol.ts';

/** A command's answer: a whole-command fault, or one result per process concerned. */
export type Outcome =
  | { readonly ok: true; readonly scope: 'process' | 'group' | 'all'; readonly results: ActionResult[] }
  | { readonly ok: false; readonly fault: Fault; readonly message: string };

type Goal = 'running' | 'stopped';

/** Runs commands against the supervisor and waits for their effect when asked to. */
export class Actions {
  readonly #ctx: ControlContext;

  constructor(ctx: ControlContext) {
    this.#ctx = ctx;
  }

  /** supervisord's startProcess/startProcessGroup/startAllProcesses. */
  start(namespec: string, wait: boolean): Promise<Outcome> {
    return this.#run(this.#ctx.supervisor.startProcess(namespec), wait ? 'running' : null);
  }

  /** supervisord's stopProcess/stopProcessGroup/stopAllProcesses. */
  stop(namespec: string, wait: boolean): Promise<Outcome> {
    return this.#run(this.#ctx.supervisor.stopProcess(namespec), wait ? 'stopped' : null);
  }

  /** Stop, then start once stopped; with wait, until RUNNING again. */
  restart(namespec: string, wait: boolean): Promise<Outcome> {
    return this.#run(this.#ctx.supervisor.restartProcess(namespec), wait ? 'running' : null);
  }

  /** supervisord's signalProcess & co (immediate). */
  signal(namespec: string, signal: string | number): Outcome {
    return this.#immediate(this.#ctx.supervisor.signalProcess(namespec, signal));
  }

  #immediate(r: CommandResult): Outcome {
    if (!r.ok) return { ok: false, fault: r.fault, message: r.message };
    return { ok: true, scope: r.scope, results: r.results.map((x) => view(x, x.status, x.description)) };
  }

  async #run(r: CommandResult, goal: Goal | null): Promise<Outcome> {
    if (!r.ok) return this.#refine(r);
    if (goal === null) return this.#immediate(r);
    const now = new Map(this.#ctx.supervisor.snapshot().map((p) => [p.name, p]));
    const done: ActionResult[] = [];
    await Promise.all(r.results.map(async (x) => {
      if (x.status !== 'SUCCESS') {
        done.push(view(x, x.status, x.description));
        return;
      }
      const status = await this.#waitFor(x.name, goal, now.get(x.name));
      done.push(view(x, status, status === 'SUCCESS' ? 'OK' : `${status}: ${namespecOf(x)}`));
    }));
    if (r.scope === 'process') {
      const only = done[0];
      if (only !== undefined && only.status !== 'SUCCESS') return { ok: false, fault: only.status as Fault, message: only.description };
    }
    return { ok: true, scope: r.scope, results: done };
  }

  /** A start that failed at once because the command is missing says so (NO_FILE), as supervisord checks first. */
  #refine(r: Extract<CommandResult, { ok: false }>): Outcome {
    if (r.fault === 'SPAWN_ERROR') {
      const name = r.message.slice('SPAWN_ERROR: '.length);
      const p = this.#ctx.supervisor.snapshot().find((i) => i.namespec === name || i.name === name);
      const err = p?.spawnError;
      if (err?.kind === 'not_found') return { ok: false, fault: 'NO_FILE', message: `NO_FILE: ${err.message}` };
      if (err?.kind === 'not_executable' || err?.kind === 'bad_command') return { ok: false, fault: 'NOT_EXECUTABLE', message: `NOT_EXECUTABLE: ${err.message}` };
    }
    return { ok: false, fault: r.fault, message: r.message };
  }

  /** Resolves with SUCCESS or the fault that ended the wait. */
  #waitFor(name: string, goal: Goal, info: ProcessInfo | undefined): Promise<Fault | 'SUCCESS'> {
    if (info === undefined) return Promise.resolve('ABNORMAL_TERMINATION');
    const state = info.statename;
    if (goal === 'stopped' && STOPPED_STATES.has(state)) return Promise.resolve('SUCCESS');
    if (goal === 'running' && state === 'RUNNING') return Promise.resolve('SUCCESS');
    if (goal === 'running' && finishedOk(info)) return Promise.resolve('SUCCESS');
    return new Promise((resolve) => {
      let last: ProcessState = state;
      let settled = false;
      const finish = (status: Fault | 'SUCCESS'): void => {
        if (settled) return;
        settled = true;
        off();
        resolve(status);
      };
      const off = this.#ctx.bus.on((e: SupervisorEvent) => {
        if (e.type === 'finished') return finish(goal === 'stopped' ? 'SUCCESS' : 'ABNORMAL_TERMINATION');
        if (!('name' in e) || e.name !== name) return;
        if (goal === 'stopped') {
          if (e.type === 'state' && STOPPED_STATES.has(e.to)) finish('SUCCESS');
          return;
        }
        if (e.type === 'spawn_failed') return finish('SPAWN_ERROR');
        if (e.type !== 'state') return;
        last = e.to;
        if (e.to === 'RUNNING') return finish('SUCCESS');
        if (e.from === 'STARTING') {
          // supervisord's onwait: a spawnerr (exited too quickly...) is SPAWN_ERROR, any other
          // way out of STARTING is ABNORMAL_TERMINATION; but a oneshot job that completed as
          // expected has done what `start` asked for.
          const p = this.#ctx.supervisor.snapshot().find((i) => i.name === name);
          if (p !== undefined && finishedOk(p)) return finish('SUCCESS');
          return finish(p !== undefined && p.spawnerr !== '' ? 'SPAWN_ERROR' : 'ABNORMAL_TERMINATION');
        }
        // STOPPING → STOPPED on the way to a restart: the start follows in the same turn.
        if (STOPPED_STATES.has(e.to)) setImmediate(() => {
          if (STOPPED_STATES.has(last)) finish('ABNORMAL_TERMINATION');
        });
      });
    });
  }
}

// A oneshot (or any program) that ended as expected and will not run again.
function finishedOk(p: ProcessInfo): boolean {
  return p.statename === 'EXITED' && p.completed_successfully;
}

function namespecOf(x: ProcessResult): string {
  return displayName({ name: x.name, group: x.group } as ProgramSpec);
}

function view(x: ProcessResult, status: string, description: string): ActionResult {
  return { name: x.name, group: x.group, namespec: namespecOf(x), status, description };
}
