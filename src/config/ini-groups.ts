// Sections into process groups (ServerOptions.process_groups_from_parser): [group:x] first (its
// member programs lose their own group), then [program:x], [eventlistener:x], [fcgi-program:x];
// finally sorted by (priority, name). Errors outside _processes_from_section are unwrapped.
import type { SourcePos } from '../model/spec.ts';
import { attempt, fail, locate, saneget, warn, type Ctx } from './ini-context.ts';
import { processesFromSection, type IniProcess } from './ini-process.ts';
import { pyCompare, pyRepr, pyStrip, PyValueError } from './ini-py.ts';
import { boolean, HINTS, integer, listOfStrings, octalType, processOrGroupName } from './ini-values.ts';
import { KNOWN_ENTRY_POINTS } from './ini-supervisord.ts';

export type IniGroupKind = 'program' | 'group' | 'eventlistener' | 'fcgi-program';

/** One process group as supervisord builds it. */
export interface IniGroup {
  readonly name: string;
  readonly kind: IniGroupKind;
  readonly priority: number;
  readonly processes: readonly IniProcess[];
  readonly source: SourcePos;
  /** [eventlistener:x] only: pool settings; events are type names (PROCESS_STATE_EXITED). */
  readonly listener?: { readonly buffer_size: number; readonly events: readonly string[]; readonly result_handler: string };
  /** [fcgi-program:x] only: the socket= URL. */
  readonly socket?: string;
}

/** supervisor.events.EventTypes names (the abstract ones are accepted too). */
export const EVENT_TYPES: readonly string[] = [
  'EVENT', 'PROCESS_STATE', 'PROCESS_STATE_STOPPED', 'PROCESS_STATE_EXITED', 'PROCESS_STATE_STARTING', 'PROCESS_STATE_STOPPING',
  'PROCESS_STATE_BACKOFF', 'PROCESS_STATE_FATAL', 'PROCESS_STATE_RUNNING', 'PROCESS_STATE_UNKNOWN', 'PROCESS_COMMUNICATION',
  'PROCESS_COMMUNICATION_STDOUT', 'PROCESS_COMMUNICATION_STDERR', 'PROCESS_LOG', 'PROCESS_LOG_STDOUT', 'PROCESS_LOG_STDERR',
  'REMOTE_COMMUNICATION', 'SUPERVISOR_STATE_CHANGE', 'SUPERVISOR_STATE_CHANGE_RUNNING', 'SUPERVISOR_STATE_CHANGE_STOPPING',
  'TICK', 'TICK_5', 'TICK_60', 'TICK_3600', 'PROCESS_GROUP', 'PROCESS_GROUP_ADDED', 'PROCESS_GROUP_REMOVED',
];

function sourceOf(ctx: Ctx, section: string): SourcePos {
  return locate(ctx, section);
}

/** All groups, sorted like supervisord's `groups.sort()`. */
export function readGroups(ctx: Ctx): IniGroup[] {
  const groups: IniGroup[] = [];
  const sections = [...ctx.store.sections.keys()];
  const here = new Map([['here', ctx.here]]);
  const get = <D>(section: string, key: string, dflt: D) => saneget(ctx, section, key, dflt, here);
  const priorityOf = (section: string, dflt: number) =>
    attempt(ctx, { section, key: 'priority' }, () => integer(get(section, 'priority', dflt)), dflt, HINTS.integer);
  const nameOf = (section: string) => {
    const tail = section.slice(section.indexOf(':') + 1);
    return attempt(ctx, { section }, () => processOrGroupName(tail), pyStrip(tail), HINTS.name);
  };
  const exclude = new Set<string>();

  for (const section of sections.filter((s) => s.startsWith('group:'))) {
    const name = nameOf(section);
    const programs = attempt(ctx, { section, key: 'programs' }, () => listOfStrings(get(section, 'programs', null)), []);
    const priority = priorityOf(section, 999);
    const processes: IniProcess[] = [];
    // supervisord reuses its loop variable here, so after the first member its messages name
    // that member's section instead of the group's.
    let named = section;
    for (const program of programs) {
      const ps = `program:${program}`;
      const fs = `fcgi-program:${program}`;
      const hasP = ctx.store.sections.has(ps);
      const hasF = ctx.store.sections.has(fs);
      if (!hasP && !hasF) {
        fail(ctx, { section, key: 'programs' }, new PyValueError(`[${named}] names unknown program or fcgi-program ${program}`,
          undefined, `[${section}] names unknown program or fcgi-program ${pyRepr(program)}; define [program:${program}] or remove it from programs=`));
        continue;
      }
      if (hasP && hasF) {
        fail(ctx, { section, key: 'programs' }, new PyValueError(`[${named}] name ${program} is ambiguous (exists as program and fcgi-program)`));
        continue;
      }
      named = hasP ? ps : fs;
      exclude.add(named);
      processes.push(...processesFromSection(ctx, named, name));
    }
    groups.push({ name, kind: 'group', priority, processes, source: sourceOf(ctx, section) });
  }

  for (const section of sections.filter((s) => s.startsWith('program:') && !exclude.has(s))) {
    const name = nameOf(section);
    const priority = priorityOf(section, 999);
    groups.push({ name, kind: 'program', priority, processes: processesFromSection(ctx, section, name), source: sourceOf(ctx, section) });
  }

  for (const section of sections.filter((s) => s.startsWith('eventlistener:'))) {
    groups.push(readListener(ctx, section, priorityOf(section, -1)));
  }

  for (const section of sections.filter((s) => s.startsWith('fcgi-program:') && !exclude.has(s))) {
    const name = nameOf(section);
    const priority = priorityOf(section, 999);
    const socket = readFcgiSocket(ctx, section, name);
    groups.push({ name, kind: 'fcgi-program', priority, processes: processesFromSection(ctx, section, name), source: sourceOf(ctx, section), socket });
  }

  return groups.sort((a, b) => a.priority - b.priority || pyCompare(a.name, b.name));
}

function readListener(ctx: Ctx, section: string, priority: number): IniGroup {
  const here = new Map([['here', ctx.here]]);
  const get = <D>(key: string, dflt: D) => saneget(ctx, section, key, dflt, here);
  const name = section.slice(section.indexOf(':') + 1);
  const bufferSize = attempt(ctx, { section, key: 'buffer_size' }, () => integer(get('buffer_size', 10)), 10, HINTS.integer);
  if (bufferSize < 1) {
    fail(ctx, { section, key: 'buffer_size' }, new PyValueError(`[${section}] section sets invalid buffer_size (${bufferSize})`), 'expected 1 or more');
  }
  const handler = attempt(ctx, { section, key: 'result_handler' }, () => get('result_handler', 'supervisor.dispatchers:default_handler'), '');
  if (handler && !KNOWN_ENTRY_POINTS.has(handler.trim())) {
    warn(ctx, locate(ctx, section, 'result_handler'), `[${section}] result_handler: ${handler} is a Python entry point, which pidone cannot call; every result the listener gives accepts its event`);
  }
  const events: string[] = [];
  for (const e of attempt(ctx, { section, key: 'events' }, () => listOfStrings(get('events', '')), [])) {
    if (!events.includes(e.toUpperCase())) events.push(e.toUpperCase());
  }
  if (events.length === 0) {
    fail(ctx, { section, key: 'events' }, new PyValueError(`[${section}] section requires an "events" line`), 'add events=PROCESS_STATE (or another event type)');
  }
  for (const e of events) {
    if (!EVENT_TYPES.includes(e)) {
      fail(ctx, { section, key: 'events' }, new PyValueError(`Unknown event type ${e} in [${section}] events`), `known types: ${EVENT_TYPES.join(', ')}`);
    }
  }
  const redirect = attempt(ctx, { section, key: 'redirect_stderr' }, () => boolean(get('redirect_stderr', 'false')), false, HINTS.boolean);
  if (redirect) {
    fail(ctx, { section, key: 'redirect_stderr' }, new PyValueError(
      `[${section}] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol`,
    ), 'remove redirect_stderr');
  }
  const processes = processesFromSection(ctx, section, name);
  return {
    name, kind: 'eventlistener', priority, processes, source: sourceOf(ctx, section),
    listener: { buffer_size: bufferSize, events, result_handler: handler },
  };
}

function readFcgiSocket(ctx: Ctx, section: string, programName: string): string {
  const here = new Map([['here', ctx.here]]);
  const get = (key: string, extra = here) => saneget(ctx, section, key, null, extra);
  const field = <T>(key: string, fn: () => T, fallback: T) => attempt(ctx, { section, key }, fn, fallback);
  field('user', () => get('user'), null);
  const backlog = field('socket_backlog', () => {
    const v = get('socket_backlog');
    if (v === null) return null;
    const n = integer(v);
    if (n < 1 || n > 65535) throw new PyValueError(`Invalid socket_backlog value ${n}`);
    return n;
  }, null);
  void backlog;
  const owner = field('socket_owner', () => get('socket_owner'), null);
  const mode = field('socket_mode', () => {
    const v = get('socket_mode');
    if (v === null) return null;
    try {
      return octalType(v);
    } catch {
      throw new PyValueError(`Invalid socket_mode value ${v}`);
    }
  }, null);
  const socket = field('socket', () => get('socket', new Map([['program_name', programName], ['here', ctx.here]])), null);
  if (!socket) {
    if (socket === null && ctx.store.sections.get(section)?.options.has('socket') === true) return '';
    fail(ctx, { section, key: 'socket' }, new PyValueError(`[${section}] section requires a "socket" line`), 'add socket=unix:///run/NAME.sock or socket=tcp://127.0.0.1:9000');
    return '';
  }
  const bad = (msg: string) => fail(ctx, { section, key: 'socket' }, new PyValueError(`${msg} in [${section}] socket`));
  if (socket.startsWith('unix://')) {
    const path = socket.slice(7);
    if (!path.startsWith('/')) bad(`('Unix socket path %s is not an absolute path', ${pyRepr(path)})`);
  } else if (owner !== null || mode !== null) {
    bad('socket_owner and socket_mode params should only be used with a Unix domain socket');
  } else {
    const m = /^tcp:\/\/([^\s:]+):(\d+)\n?$/.exec(socket);
    if (!m) bad(`('Bad socket format %s', ${pyRepr(socket)})`);
    else if (Number(m[2]) < 1) bad(`${Number(m[2])} is below lower bound (1)`);
    else if (Number(m[2]) > 0xffff) bad(`${Number(m[2])} is above upper bound (65535)`);
  }
  return socket;
}
