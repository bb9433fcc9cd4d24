// supervisord's event types (supervisor.events.EventTypes): every name an [eventlistener:x]
// may subscribe to, and the abstract ones that cover their subtypes, as supervisord matches a
// subscription with isinstance().

/** Each type and its parent (EVENT covers everything). */
const PARENT: Readonly<Record<string, string | null>> = {
  EVENT: null,
  PROCESS_STATE: 'EVENT',
  PROCESS_STATE_STOPPED: 'PROCESS_STATE',
  PROCESS_STATE_EXITED: 'PROCESS_STATE',
  PROCESS_STATE_STARTING: 'PROCESS_STATE',
  PROCESS_STATE_STOPPING: 'PROCESS_STATE',
  PROCESS_STATE_BACKOFF: 'PROCESS_STATE',
  PROCESS_STATE_FATAL: 'PROCESS_STATE',
  PROCESS_STATE_RUNNING: 'PROCESS_STATE',
  PROCESS_STATE_UNKNOWN: 'PROCESS_STATE',
  PROCESS_COMMUNICATION: 'EVENT',
  PROCESS_COMMUNICATION_STDOUT: 'PROCESS_COMMUNICATION',
  PROCESS_COMMUNICATION_STDERR: 'PROCESS_COMMUNICATION',
  PROCESS_LOG: 'EVENT',
  PROCESS_LOG_STDOUT: 'PROCESS_LOG',
  PROCESS_LOG_STDERR: 'PROCESS_LOG',
  REMOTE_COMMUNICATION: 'EVENT',
  SUPERVISOR_STATE_CHANGE: 'EVENT',
  SUPERVISOR_STATE_CHANGE_RUNNING: 'SUPERVISOR_STATE_CHANGE',
  SUPERVISOR_STATE_CHANGE_STOPPING: 'SUPERVISOR_STATE_CHANGE',
  TICK: 'EVENT',
  TICK_5: 'TICK',
  TICK_60: 'TICK',
  TICK_3600: 'TICK',
  PROCESS_GROUP: 'EVENT',
  PROCESS_GROUP_ADDED: 'PROCESS_GROUP',
  PROCESS_GROUP_REMOVED: 'PROCESS_GROUP',
};

/** One event as listeners get it: its type name and its payload text. */
export interface SupervisordEvent {
  readonly name: string;
  readonly payload: string;
}

/** An event as the JSON API's stream shows it; serial is null when no pool took it. */
export interface PublishedEvent {
  readonly eventname: string;
  readonly serial: number | null;
  readonly payload: string;
}

/** Is an event of type `name` delivered to a subscription to `type` (the type itself or an ancestor)? */
export function covers(type: string, name: string): boolean {
  for (let t: string | null | undefined = name; t !== null && t !== undefined; t = PARENT[t]) if (t === type) return true;
  return false;
}

/** TICK_5, TICK_60, TICK_3600: the periods in seconds. */
export const TICK_PERIODS: readonly number[] = [5, 60, 3600];

/** The tick periods a set of subscriptions asks for (TICK and EVENT ask for all three). */
export function tickPeriods(subscriptions: readonly string[]): number[] {
  return TICK_PERIODS.filter((p) => subscriptions.some((s) => covers(s, `TICK_${p}`)));
}

/**
 * The header's `len`: supervisord counts the payload's characters (Python's len() of a str),
 * not its bytes, and listeners written on supervisor.childutils read that many characters.
 */
export function payloadLength(payload: string): number {
  let pairs = 0;
  for (let i = 0; i < payload.length - 1; i++) {
    const c = payload.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = payload.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return payload.length - pairs;
}

/** The envelope a listener reads: the header line, then the payload. */
export function envelope(e: SupervisordEvent, identifier: string, serial: number, pool: string, poolSerial: number): string {
  return `ver:3.0 server:${identifier} serial:${serial} pool:${pool} poolserial:${poolSerial} eventname:${e.name} len:${payloadLength(e.payload)}\n${e.payload}`;
}
