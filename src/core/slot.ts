// The supervisor's record of one process: its spec and machine data plus the handles that
// connect it to the world (child, timer, probe) and the scheduling flags around it.
import type { ProgramSpec } from '../model/spec.ts';
import type { ChildHandle } from './ports.ts';
import { type Proc, newProc } from './proc.ts';

/** One supervised process as the supervisor tracks it. */
export interface Slot {
  spec: ProgramSpec;
  proc: Proc;
  /** Position in the model's start order (ties in priority keep it). */
  order: number;
  child: ChildHandle | null;
  /** Bumped on every spawn, timer and probe: callbacks of older ones are ignored. */
  childGen: number;
  timerGen: number;
  probeGen: number;
  cancelTimer: (() => void) | null;
  cancelProbe: (() => void) | null;
  /** Waiting for depends_on before an automatic start; what on, or why it never will. */
  pending: boolean;
  waiting: string | null;
  blocked: string | null;
  /** Start again once stopped (restart command, or start while STOPPING). */
  restartWanted: boolean;
  /** Reload: the spec to run once the current child has stopped. */
  nextSpec: ProgramSpec | null;
  /** Reload: drop the slot once stopped. */
  removing: boolean;
}

/** A slot for a process that has never run. */
export function newSlot(spec: ProgramSpec, order: number): Slot {
  return {
    spec, proc: newProc(), order, child: null, childGen: 0, timerGen: 0, probeGen: 0,
    cancelTimer: null, cancelProbe: null, pending: false, waiting: null, blocked: null,
    restartWanted: false, nextSpec: null, removing: false,
  };
}
