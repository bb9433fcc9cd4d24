// Process states, with supervisord's names and numeric codes, because the XML-RPC
// interface, `supervisorctl status` and scripts that grep for RUNNING all use them as is.

/** The state of one supervised process (supervisord's ProcessStates). */
export type ProcessState = 'STOPPED' | 'STARTING' | 'RUNNING' | 'BACKOFF' | 'STOPPING' | 'EXITED' | 'FATAL' | 'UNKNOWN';

/** supervisord's numeric code of each state (getProcessInfo's `state`). */
export const STATE_CODES: Readonly<Record<ProcessState, number>> = {
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
  UNKNOWN: 1000,
};

/** Every state, in code order (handy for exhaustive tables and tests). */
export const ALL_STATES: readonly ProcessState[] = ['STOPPED', 'STARTING', 'RUNNING', 'BACKOFF', 'STOPPING', 'EXITED', 'FATAL', 'UNKNOWN'];

/** States in which nothing runs and nothing is about to (supervisord's STOPPED_STATES). */
export const STOPPED_STATES: ReadonlySet<ProcessState> = new Set(['STOPPED', 'EXITED', 'FATAL', 'UNKNOWN']);

/** States that count as "started" for start/stop commands (supervisord's RUNNING_STATES). */
export const RUNNING_STATES: ReadonlySet<ProcessState> = new Set(['RUNNING', 'BACKOFF', 'STARTING']);

/** States in which a child exists and may be signalled (supervisord's SIGNALLABLE_STATES). */
export const SIGNALLABLE_STATES: ReadonlySet<ProcessState> = new Set(['RUNNING', 'STARTING', 'STOPPING']);
