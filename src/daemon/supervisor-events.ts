// supervisord's events as pidone produces them: the payload of each
// type, word for word, from the core's events and the other happenings pidone sees.
import type { SupervisorEvent } from '../core/events.ts';
import type { SupervisordEvent } from '../io/event-types.ts';

/** What a payload needs of a process: its name inside its group, and the group. */
export interface Named {
  readonly name: string;
  readonly group: string;
}

/** supervisord's process name (config.name): `web:0` of YAML numprocs is process `0` of group `web`. */
export function processName(p: Named): string {
  return p.name.startsWith(`${p.group}:`) ? p.name.slice(p.group.length + 1) : p.name;
}

const tokens = (p: Named): string => `processname:${processName(p)} groupname:${p.group}`;

/**
 * PROCESS_STATE_<TO> for a state change, with supervisord's tokens: tries (STARTING, BACKOFF),
 * expected (EXITED, 1/0), pid (RUNNING, STOPPING, STOPPED, EXITED).
 */
export function stateEvent(e: Extract<SupervisorEvent, { type: 'state' }>, p: Named): SupervisordEvent {
  let extra = '';
  switch (e.to) {
    case 'STARTING': case 'BACKOFF':
      extra = ` tries:${e.tries ?? 0}`;
      break;
    case 'EXITED':
      extra = ` expected:${e.expected ? 1 : 0} pid:${e.pid ?? 0}`;
      break;
    case 'RUNNING': case 'STOPPING': case 'STOPPED':
      extra = ` pid:${e.pid ?? 0}`;
      break;
    default:
      break;
  }
  return { name: `PROCESS_STATE_${e.to}`, payload: `${tokens(p)} from_state:${e.from}${extra}` };
}

/** PROCESS_LOG_STDOUT / _STDERR: a piece of output of a process with *_events_enabled. */
export function logEvent(p: Named, pid: number, channel: 'stdout' | 'stderr', data: string): SupervisordEvent {
  return { name: `PROCESS_LOG_${channel.toUpperCase()}`, payload: `${tokens(p)} pid:${pid} channel:${channel}\n${data}` };
}

/** REMOTE_COMMUNICATION: supervisor.sendRemoteCommEvent(type, data). */
export function remoteEvent(type: string, data: string): SupervisordEvent {
  return { name: 'REMOTE_COMMUNICATION', payload: `type:${type}\n${data}` };
}

/** PROCESS_GROUP_ADDED / _REMOVED (supervisord ends this payload with a newline). */
export function groupEvent(kind: 'ADDED' | 'REMOVED', group: string): SupervisordEvent {
  return { name: `PROCESS_GROUP_${kind}`, payload: `groupname:${group}\n` };
}

/** SUPERVISOR_STATE_CHANGE_RUNNING / _STOPPING: no payload. */
export function supervisorStateEvent(state: 'RUNNING' | 'STOPPING'): SupervisordEvent {
  return { name: `SUPERVISOR_STATE_CHANGE_${state}`, payload: '' };
}

/** TICK_<period>: `when` is the start of the period that has begun (epoch seconds). */
export function tickEvent(period: number, when: number): SupervisordEvent {
  return { name: `TICK_${period}`, payload: `when:${when}` };
}
