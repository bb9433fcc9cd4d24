// supervisord's value types, with its error wording. Each converter
// throws PyValueError like the Python one raises ValueError; HINTS says what would be right.
import { pyExpanduser } from './ini-pypath.ts';
import { pyInt, pyOctal, pyRepr, pyStrip, PyValueError } from './ini-py.ts';

const TRUTHY = ['yes', 'true', 'on', '1'];
const FALSY = ['no', 'false', 'off', '0'];

/** datatypes.boolean. */
export function boolean(s: string | boolean): boolean {
  const ss = String(s).toLowerCase();
  if (TRUTHY.includes(ss)) return true;
  if (FALSY.includes(ss)) return false;
  throw new PyValueError(`not a valid boolean value: ${pyRepr(String(s))}`);
}

/** datatypes.integer (Python int()). */
export function integer(v: string | number): number {
  return pyInt(v);
}

/** datatypes.byte_size: an integer with an optional KB/MB/GB suffix (any case). */
export function byteSize(v: string): number {
  const lower = v.toLowerCase();
  const units: Array<[string, number]> = [['kb', 1024], ['mb', 1024 ** 2], ['gb', 1024 ** 3]];
  for (const [suffix, mult] of units) {
    if (lower.slice(-2) === suffix) return pyInt(lower.slice(0, -2)) * mult;
  }
  return pyInt(lower);
}

/** datatypes.octal_type (int(v, 8)). */
export function octalType(v: string): number {
  const n = pyOctal(v);
  if (n === null) throw new PyValueError(`${v} can not be converted to an octal type`);
  return n;
}

/** datatypes.list_of_strings. */
export function listOfStrings(arg: string | null): string[] {
  if (!arg) return [];
  return arg.split(',').map((x) => pyStrip(x));
}

/** datatypes.list_of_exitcodes: comma-separated 0..255; "" gives no codes at all. */
export function listOfExitcodes(arg: string): number[] {
  if (!arg) return [];
  try {
    const vals = arg.split(',').map((x) => pyInt(x));
    if (vals.some((v) => v > 255 || v < 0)) throw new PyValueError('out of range');
    return vals;
  } catch {
    throw new PyValueError(`not a valid list of exit codes: ${pyRepr(arg)}`);
  }
}

// Linux values of Python's signal module; SIG_DFL & co. are there because supervisord's
// SIGNUMS collects every SIG* attribute. Where two names share a number, signame() gives the last.
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGABRT: 6, SIGALRM: 14, SIGBUS: 7, SIGCHLD: 17, SIGCLD: 17, SIGCONT: 18, SIGFPE: 8, SIGHUP: 1,
  SIGILL: 4, SIGINT: 2, SIGIO: 29, SIGIOT: 6, SIGKILL: 9, SIGPIPE: 13, SIGPOLL: 29, SIGPROF: 27,
  SIGPWR: 30, SIGQUIT: 3, SIGRTMAX: 64, SIGRTMIN: 34, SIGSEGV: 11, SIGSTKFLT: 16, SIGSTOP: 19,
  SIGSYS: 31, SIGTERM: 15, SIGTRAP: 5, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23,
  SIGUSR1: 10, SIGUSR2: 12, SIGVTALRM: 26, SIGWINCH: 28, SIGXCPU: 24, SIGXFSZ: 25,
  SIG_BLOCK: 0, SIG_DFL: 0, SIG_IGN: 1, SIG_SETMASK: 2, SIG_UNBLOCK: 1,
};
const SIGNAMES: ReadonlyMap<number, string> = new Map([
  [1, 'HUP'], [2, 'INT'], [3, 'QUIT'], [4, 'ILL'], [5, 'TRAP'], [6, 'ABRT'], [7, 'BUS'], [8, 'FPE'],
  [9, 'KILL'], [10, 'USR1'], [11, 'SEGV'], [12, 'USR2'], [13, 'PIPE'], [14, 'ALRM'], [15, 'TERM'],
  [16, 'STKFLT'], [17, 'CHLD'], [18, 'CONT'], [19, 'STOP'], [20, 'TSTP'], [21, 'TTIN'], [22, 'TTOU'],
  [23, 'URG'], [24, 'XCPU'], [25, 'XFSZ'], [26, 'VTALRM'], [27, 'PROF'], [28, 'WINCH'], [29, 'POLL'],
  [30, 'PWR'], [31, 'SYS'], [34, 'RTMIN'], [64, 'RTMAX'],
]);
const SIGNUMS = new Set(Object.values(SIGNAL_NUMBERS));

/** datatypes.signal_number. */
export function signalNumber(value: string): number {
  let num: number;
  try {
    num = pyInt(value);
  } catch {
    let name = pyStrip(value).toUpperCase();
    if (!name.startsWith('SIG')) name = 'SIG' + name;
    const n = SIGNAL_NUMBERS[name];
    if (n === undefined) throw new PyValueError(`value ${pyRepr(value)} is not a valid signal name`);
    num = n;
  }
  if (!SIGNUMS.has(num)) throw new PyValueError(`value ${pyRepr(value)} is not a valid signal number`);
  return num;
}

/** The name supervisord's signame() gives, without SIG ("TERM"; "signal 0" for 0). */
export function signalName(num: number): string {
  return SIGNAMES.get(num) ?? `signal ${num}`;
}

/** datatypes.auto_restart: true (always), false (never) or 'unexpected'. */
export function autoRestart(value: string): true | false | 'unexpected' {
  const v = value.toLowerCase();
  if (TRUTHY.includes(v)) return true;
  if (FALSY.includes(v)) return false;
  if (v === 'unexpected') return 'unexpected';
  throw new PyValueError(`invalid 'autorestart' value ${pyRepr(v)}`);
}

const LOG_LEVELS: Readonly<Record<string, string>> = {
  critical: 'CRIT', error: 'ERRO', warn: 'WARN', info: 'INFO', debug: 'DEBG', trace: 'TRAC', blather: 'BLAT',
};

/** datatypes.logging_level, as the level's short name (INFO). */
export function loggingLevel(value: string): string {
  const level = LOG_LEVELS[value.toLowerCase()];
  if (level === undefined) throw new PyValueError(`bad logging level name ${pyRepr(value)}`);
  return level;
}

/** datatypes.process_or_group_name. */
export function processOrGroupName(name: string): string {
  const s = pyStrip(name);
  for (const ch of ' :/') {
    if (s.includes(ch)) throw new PyValueError(`Invalid name: ${pyRepr(name)} because of character: ${pyRepr(ch)}`);
  }
  return s;
}

/** A logfile value: a path, 'AUTO', null for NONE/OFF, or 'syslog' (deprecated spelling). */
export type LogfileName = string | 'AUTO' | null | { readonly syslog: true };

/** datatypes.logfile_name (the directory is not checked: a fact of the host, see spec §1). */
export function logfileName(val: string | 'AUTO', home: string | undefined): LogfileName {
  if (val === 'AUTO') return 'AUTO';
  const lower = val.toLowerCase();
  if (lower === 'none' || lower === 'off') return null;
  if (lower === 'auto') return 'AUTO';
  if (lower === 'syslog') return { syslog: true };
  return pyExpanduser(val, home);
}

/** datatypes.inet_address: [host, port] with host '' for all interfaces. */
export function inetAddress(s: string): [string, number] {
  let host = '';
  let port: number;
  if (s.includes(':')) {
    const i = s.lastIndexOf(':');
    host = s.slice(0, i);
    const p = s.slice(i + 1);
    if (!p) throw new PyValueError(`no port number specified in ${pyRepr(p)}`);
    port = portNumber(p);
    host = host.toLowerCase();
  } else {
    try {
      port = portNumber(s);
    } catch {
      throw new PyValueError(`not a valid port number: ${pyRepr(s)} `);
    }
  }
  return [host === '*' ? '' : host, port];
}

function portNumber(s: string): number {
  const v = pyInt(s);
  if (v < 1) throw new PyValueError(`${v} is below lower bound (1)`);
  if (v > 0xffff) throw new PyValueError(`${v} is above upper bound (65535)`);
  return v;
}

/** Python's int() or the name as written, as the oracle's passwd-free name_to_uid gives it. */
export function userOrId(name: string): string | number {
  try {
    return pyInt(name);
  } catch {
    return name;
  }
}

/** What would be right, for the converters whose Python message does not say. */
export const HINTS = {
  boolean: 'expected true or false (yes/no, on/off and 1/0 work too)',
  integer: 'expected a whole number',
  byteSize: 'expected a size like 50MB, 512KB, 1GB or a number of bytes',
  octal: 'expected an octal number like 022 or 0700',
  signal: 'expected a signal name like TERM, INT, HUP, QUIT, KILL, USR1, USR2 or its number',
  exitcodes: 'expected comma-separated numbers from 0 to 255, like 0,2',
  autorestart: 'expected true, false or unexpected',
  loglevel: 'expected critical, error, warn, info, debug, trace or blather',
  name: "names may not contain spaces, ':' or '/'",
} as const;
