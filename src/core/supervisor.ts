// The supervisor: runs every process's machine (through runtime.ts), starts processes in
// dependency waves, stops them in reverse order, applies reloads and decides when pidone is
// done and with which exit code. No I/O: only the Clock, Spawner and Prober ports.
import type { Model } from '../model/spec.ts';
import type { Clock, Prober, Spawner } from './ports.ts';
import type { SupervisorEvent } from './events.ts';
import type { CommandResult } from './namespec.ts';
import type { ProcessInfo } from './snapshot.ts';
import type { ReloadDiff } from './reload.ts';
import { type Commands, forward, restartOne, runCommand, signalOne, startOne, stopOne } from './commands.ts';
import { type Ending, criticalEnding, idleEnding, shutdownEnding } from './ending.ts';
import { diffPrograms } from './reload.ts';
import { Runtime } from './runtime.ts';
import { followUp, retire, startWave } from './scheduler.ts';
import { nextToStop } from './shutdown.ts';
import { newSlot } from './slot.ts';
import { processInfo } from './snapshot.ts';
import { STOPPED_STATES } from './state.ts';

/** The ports and the event sink the supervisor works with. */
export interface SupervisorDeps {
  readonly clock: Clock;
  readonly spawner: Spawner;
  readonly prober: Prober;
  readonly report: (e: SupervisorEvent) => void;
  /**
   * Finish (exit code 0, or 1 if anything failed) once every process has ended on its own and
   * nothing will run again. Default true; see docs/engine.md "When pidone exits by itself".
   */
  readonly exitWhenIdle?: boolean;
}

/** running: normal; stopping: shutdown in progress; finished: the `finished` event was sent. */
export type SupervisorPhase = 'running' | 'stopping' | 'finished';

/** After the whole-shutdown deadline's SIGKILLs, how long to wait for the reaper. */
export const KILL_GRACE_MS = 5000;

/** Supervises the processes of a Model through the ports; see docs/engine.md. */
export class Supervisor {
  private model: Model;
  private readonly rt: Runtime;
  private readonly exitWhenIdle: boolean;
  private booted = false;
  private phaseNow: SupervisorPhase = 'running';
  private stopping: { readonly reason: string; readonly code: number | null } | null = null;
  private readonly hardKilled = new Set<string>();
  private cancelDeadline: (() => void) | null = null;

  constructor(model: Model, deps: SupervisorDeps) {
    this.model = model;
    this.exitWhenIdle = deps.exitWhenIdle ?? true;
    this.rt = new Runtime(model.programs, deps);
    this.rt.settle = () => this.settle();
    this.rt.allowRestart = (s) => this.phaseNow === 'running' && !s.removing && s.nextSpec === null;
    this.rt.observe = (e) => {
      if (e.type === 'killed' && this.phaseNow === 'stopping') this.hardKilled.add(e.name);
    };
  }

  /** running, stopping or finished (control/ answers SHUTDOWN_STATE unless running). */
  get phase(): SupervisorPhase {
    return this.phaseNow;
  }

  /** Starts every autostart process, each as soon as its depends_on conditions hold. */
  start(): void {
    if (this.booted || this.phaseNow !== 'running') return;
    this.booted = true;
    for (const s of this.rt.slots.values()) {
      if (s.spec.autostart && s.proc.spawns === 0 && s.proc.state === 'STOPPED') s.pending = true;
    }
    this.rt.drain();
  }

  /** Orderly shutdown (reverse dependency order); ends with a `finished` event. */
  shutdown(reason: string): void {
    this.beginShutdown(reason, null);
  }

  /** Starts a namespec (`name`, `group:name`, `group:*`, `all`); explicit starts skip depends_on. */
  startProcess(namespec: string): CommandResult {
    return runCommand(this.commands(), namespec, 'start', (s) => startOne(this.commands(), s));
  }

  /** Stops a namespec (also cancels a pending start or a waiting restart). */
  stopProcess(namespec: string): CommandResult {
    return runCommand(this.commands(), namespec, 'stop', (s) => stopOne(this.commands(), s));
  }

  /** Stops then starts a namespec (the start happens once the process has stopped). */
  restartProcess(namespec: string): CommandResult {
    return runCommand(this.commands(), namespec, 'restart', (s) => restartOne(this.commands(), s));
  }

  /** Sends a signal ("HUP", "SIGHUP", 1) to the pid of each process of a namespec. */
  signalProcess(namespec: string, signal: string | number): CommandResult {
    return runCommand(this.commands(), namespec, 'signal', (s, sig) => signalOne(this.commands(), s, sig ?? ''), signal);
  }

  /** Passes a signal pidone received to the process group of every process that asked for it. */
  forwardSignal(signal: string): string[] {
    if (this.phaseNow === 'finished') return [];
    const names = forward(this.commands(), signal);
    this.rt.drain();
    return names;
  }

  /** Applies a new model: adds, removes and restarts only what changed (ignored unless running). */
  reload(next: Model): ReloadDiff {
    if (this.phaseNow !== 'running') return { added: [], removed: [], changed: [] };
    const rt = this.rt;
    const current = rt.ordered().filter((s) => !s.removing).map((s) => s.nextSpec ?? s.spec);
    const diff = diffPrograms(current, next.programs);
    const changed = new Set(diff.changed);
    this.model = next;
    next.programs.forEach((spec, i) => {
      const s = rt.slots.get(spec.name);
      if (s === undefined) {
        const fresh = newSlot(spec, i);
        fresh.pending = spec.autostart && this.booted;
        rt.slots.set(spec.name, fresh);
        return;
      }
      s.order = i;
      if (s.removing) {
        // Removed by an earlier reload and still stopping: comes back fresh once stopped.
        s.removing = false;
        s.nextSpec = spec;
      } else if (changed.has(spec.name)) {
        s.nextSpec = spec;
        retire(rt, s);
      } else if (s.nextSpec !== null) {
        s.nextSpec = spec;
      } else {
        s.spec = spec; // equal but for `source`
      }
    });
    for (const name of diff.removed) {
      const s = rt.slots.get(name);
      if (s === undefined) continue;
      s.removing = true;
      s.nextSpec = null;
      s.order += next.programs.length; // shown after the current programs until it is gone
      retire(rt, s);
    }
    rt.regraph();
    rt.drain();
    return diff;
  }

  /** Every process as getProcessInfo shows it, in start order (sort for supervisorctl). */
  snapshot(): ProcessInfo[] {
    const now = this.rt.now();
    return this.rt.ordered().map((s) => processInfo(s, now));
  }

  // --- settling: follow-ups, dependency waves, shutdown, endings ------------------------------

  private settle(): void {
    if (this.phaseNow === 'finished') return;
    for (const s of [...this.rt.slots.values()]) followUp(this.rt, s, this.phaseNow === 'running', this.booted);
    if (this.phaseNow === 'running') this.checkCritical();
    if (this.phaseNow === 'running') startWave(this.rt);
    if (this.phaseNow === 'running') this.checkIdle();
    if (this.phaseNow === 'stopping') this.advanceShutdown();
  }

  private checkCritical(): void {
    for (const s of this.rt.slots.values()) {
      if (s.spec.critical && s.proc.ended && !s.removing) {
        const end = criticalEnding(s.spec, s.proc);
        return this.beginShutdown(end.reason, end.exitCode);
      }
    }
  }

  private checkIdle(): void {
    if (!this.booted || !this.exitWhenIdle || this.rt.busy()) return;
    const end = idleEnding([...this.rt.slots.values()]);
    if (end !== null) this.finish(end);
  }

  private beginShutdown(reason: string, code: number | null): void {
    if (this.phaseNow !== 'running') return;
    this.phaseNow = 'stopping';
    this.stopping = { reason, code };
    this.rt.report({ type: 'shutdown', reason });
    for (const s of this.rt.slots.values()) {
      s.pending = false;
      s.restartWanted = false;
      // Nothing runs in these: BACKOFF → STOPPED at once, a waiting restart is cancelled.
      if (s.proc.state === 'BACKOFF' || s.proc.restartPending) this.rt.enqueue(s, { type: 'stop' });
    }
    const timeout = this.model.settings.shutdown_timeout;
    if (timeout > 0) this.cancelDeadline = this.rt.setTimer(timeout * 1000, () => this.onDeadline());
    this.rt.drain();
  }

  private advanceShutdown(): void {
    const slots = [...this.rt.slots.values()];
    const views = new Map(slots.map((s) => [s.spec.name, { name: s.spec.name, state: s.proc.state, priority: s.spec.priority }]));
    for (const name of nextToStop(views, (n) => this.rt.graph.dependents(n))) {
      const s = this.rt.slots.get(name);
      if (s !== undefined) this.rt.enqueue(s, { type: 'stop' });
    }
    if (this.rt.busy() || this.stopping === null) return;
    if (slots.every((s) => STOPPED_STATES.has(s.proc.state))) this.finish(shutdownEnding(this.stopping, [...this.hardKilled]));
  }

  /** shutdown_timeout is up: SIGKILL to the group of everything alive, stopped or not yet. */
  private onDeadline(): void {
    this.cancelDeadline = null;
    if (this.phaseNow !== 'stopping') return;
    for (const s of this.rt.slots.values()) {
      if (STOPPED_STATES.has(s.proc.state)) continue;
      this.hardKilled.add(s.spec.name);
      this.rt.enqueue(s, { type: 'kill' });
    }
    // A child in uninterruptible sleep may outlive SIGKILL: do not wait for it forever.
    this.cancelDeadline = this.rt.setTimer(KILL_GRACE_MS, () => {
      this.cancelDeadline = null;
      if (this.phaseNow !== 'stopping' || this.stopping === null) return;
      const alive = [...this.rt.slots.values()].filter((s) => !STOPPED_STATES.has(s.proc.state)).map((s) => s.spec.name);
      const end = shutdownEnding(this.stopping, [...this.hardKilled]);
      this.finish({ exitCode: end.exitCode === 0 ? 1 : end.exitCode, reason: `${end.reason}; still alive after SIGKILL: ${alive.join(', ')}` });
    });
    this.rt.drain();
  }

  private finish(end: Ending): void {
    if (this.phaseNow === 'finished') return;
    this.phaseNow = 'finished';
    this.cancelDeadline?.();
    this.cancelDeadline = null;
    this.rt.report({ type: 'finished', exitCode: end.exitCode, reason: end.reason });
  }

  /** The narrow view of the supervisor that commands.ts works through. */
  private commands(): Commands {
    const rt = this.rt;
    return {
      phase: this.phaseNow,
      specs: () => rt.ordered().filter((s) => !s.removing).map((s) => s.spec),
      slot: (name) => rt.slots.get(name),
      dispatch: (s, e) => rt.dispatch(s, e),
      drain: () => rt.drain(),
    };
  }
}
