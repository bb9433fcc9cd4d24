// Signal names and numbers, and which signals an init may catch and pass on.
import { constants } from 'node:os';

const byName = constants.signals as Readonly<Record<string, number>>;
const byNumber = new Map<number, string>();
for (const [name, num] of Object.entries(byName)) {
  // SIGIOT/SIGPOLL are aliases of ABRT/IO: keep the first, conventional name.
  if (!byNumber.has(num)) byNumber.set(num, name.slice(3));
}

/** "TERM", "SIGTERM" or "15" -> 15; undefined when unknown. */
export function signalNumber(name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  const upper = name.toUpperCase();
  return byName[upper.startsWith('SIG') ? upper : `SIG${upper}`];
}

/** 15 -> "TERM"; real-time signals as "RTMIN+n"; unknown numbers as the number itself. */
export function signalName(num: number, rtmin = 34, rtmax = 64): string {
  const known = byNumber.get(num);
  if (known) return known;
  if (num >= rtmin && num <= rtmax) return num === rtmin ? 'RTMIN' : num === rtmax ? 'RTMAX' : `RTMIN+${num - rtmin}`;
  return String(num);
}

/**
 * Signals pidone forwards to its child in single mode through Node's listeners: every standard
 * signal Node can catch, except SIGCHLD (pidone's own: it reaps) and the four hardware-fault
 * signals, which the addon watches instead (FAULT_SIGNALS). KILL and STOP cannot be caught.
 */
export const FORWARDED_SIGNALS: readonly string[] = [
  'HUP', 'INT', 'QUIT', 'TRAP', 'ABRT', 'USR1', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CONT',
  'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS',
].filter((name) => byName[`SIG${name}`] !== undefined);

/**
 * The hardware-fault signals. A real fault must crash pidone (and V8 handles SEGV itself for
 * WebAssembly bounds checks), so no JS listener may take them; the addon forwards only those
 * sent with kill(2) (si_code SI_USER and kin) and passes real faults on.
 */
export const FAULT_SIGNALS: readonly string[] = ['ILL', 'BUS', 'FPE', 'SEGV'];
