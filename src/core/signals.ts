// Signal names and numbers for the core, which may not import node:os. pidone runs on Linux
// only (package.json "os"), so the Linux numbering is the truth; io/signals.ts has the same
// facts from node:os for the parts that may use it.

const NUMBERS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19,
  TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28,
  IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

const NAMES = new Map<number, string>();
for (const [name, num] of Object.entries(NUMBERS)) if (!NAMES.has(num)) NAMES.set(num, name);

/**
 * Normalizes a signal as supervisorctl accepts it ("hup", "SIGHUP", "1", 1) to its name
 * without SIG ("HUP"); null when it is not a signal.
 */
export function normalizeSignal(input: string | number): string | null {
  const text = String(input).trim();
  if (/^\d+$/.test(text)) return NAMES.get(Number(text)) ?? null;
  const upper = text.toUpperCase();
  const bare = upper.startsWith('SIG') ? upper.slice(3) : upper;
  const num = NUMBERS[bare];
  return num === undefined ? null : (NAMES.get(num) ?? null);
}

/** The Linux number of a signal name (with or without SIG); 0 when unknown. */
export function signalNumber(name: string): number {
  const normal = normalizeSignal(name);
  return normal === null ? 0 : (NUMBERS[normal] ?? 0);
}
