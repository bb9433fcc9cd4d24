// supervisord's two-step config update for XML-RPC clients (`supervisorctl reread/update/
// add/remove/avail`): reloadConfig reads the file and remembers it; addProcessGroup and
// removeProcessGroup then move whole groups between that and the running model. pidone's own
// reload (JSON API, SIGHUP) applies a file in one step instead; both end in ConfigPort.apply.
import { sameSpec } from '../core/reload.ts';
import { STOPPED_STATES } from '../core/state.ts';
import type { Model, ProgramSpec } from '../model/spec.ts';
import type { ConfigPort, SupervisorPort } from './context.ts';
import { rpcFault } from './faults.ts';
import { compareText } from './views.ts';

/** Group names that reloadConfig reports, each sorted. */
export interface GroupDiff {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
}

/** The config as last read by reloadConfig, and the group moves based on it. */
export class GroupOps {
  readonly #config: ConfigPort;
  readonly #supervisor: SupervisorPort;
  #lastRead: Model | null = null;

  constructor(config: ConfigPort, supervisor: SupervisorPort) {
    this.#config = config;
    this.#supervisor = supervisor;
  }

  /** The model addProcessGroup takes groups from (the file as it was at start until a reread). */
  get known(): Model {
    return this.#lastRead ?? this.#config.current();
  }

  /** The running model is the file as read now (after supervisor.restart): nothing read is pending. */
  forget(): void {
    this.#lastRead = null;
  }

  /** reloadConfig: reads the file; throws CANT_REREAD with the errors when it is invalid. */
  reread(): GroupDiff {
    const read = this.#config.read();
    if (!read.ok) throw rpcFault('CANT_REREAD', read.errors.join('\n'));
    this.#lastRead = read.model;
    return groupDiff(this.#config.current(), read.model);
  }

  /** addProcessGroup: activates a group of the last-read config (autostart members start). */
  add(name: string): void {
    const current = this.#config.current();
    const programs = this.known.programs.filter((p) => p.group === name);
    if (programs.length === 0) throw rpcFault('BAD_NAME', name);
    if (current.programs.some((p) => p.group === name)) throw rpcFault('ALREADY_ADDED', name);
    const group = this.known.groups.find((g) => g.name === name);
    this.#config.apply({
      ...current,
      programs: [...current.programs, ...programs],
      groups: group === undefined ? current.groups : [...current.groups, group],
    });
  }

  /** removeProcessGroup: drops an active group whose processes are all stopped. */
  remove(name: string): void {
    const current = this.#config.current();
    if (!current.programs.some((p) => p.group === name)) throw rpcFault('BAD_NAME', name);
    const running = this.#supervisor.snapshot().some((p) => p.group === name && !STOPPED_STATES.has(p.statename));
    if (running) throw rpcFault('STILL_RUNNING', name);
    this.#config.apply({
      ...current,
      programs: current.programs.filter((p) => p.group !== name),
      groups: current.groups.filter((g) => g.name !== name),
    });
  }
}

/** Which groups a new model adds, changes (any member added, removed or different) or removes. */
function groupDiff(current: Model, next: Model): GroupDiff {
  const before = byGroup(current.programs);
  const after = byGroup(next.programs);
  const prio = (m: Model, g: string) => m.groups.find((x) => x.name === g)?.priority;
  const added = [...after.keys()].filter((g) => !before.has(g));
  const removed = [...before.keys()].filter((g) => !after.has(g));
  const changed = [...after.keys()].filter((g) => {
    const a = before.get(g);
    const b = after.get(g);
    if (a === undefined || b === undefined) return false;
    if (a.length !== b.length || prio(current, g) !== prio(next, g)) return true;
    return a.some((spec, i) => b[i] === undefined || !sameSpec(spec, b[i]!));
  });
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
}

function byGroup(programs: readonly ProgramSpec[]): Map<string, ProgramSpec[]> {
  const out = new Map<string, ProgramSpec[]>();
  for (const p of [...programs].sort((x, y) => compareText(x.name, y.name))) {
    const list = out.get(p.group) ?? [];
    list.push(p);
    out.set(p.group, list);
  }
  return out;
}
