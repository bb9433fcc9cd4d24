// log_format: json. One JSON object per line, in pino's shape so pino tooling (pino-pretty,
// log shippers configured for pino) reads pidone's output as is:
//   {"level":30,"time":1764033723123,"program":"web","stream":"stdout","msg":"listening"}
// - level: pino's numbers (30 info, 40 warn, 50 error); program lines are always 30, the
//   stream field says where they came from. time: epoch milliseconds (pino's default).
// - A line that is itself a JSON object is embedded as "json":{...} instead of "msg"; its text
//   is copied verbatim (after checking it parses), so 64-bit integers keep all their digits.
// - Pieces of a cut line (over 64 KiB, or flushed before its newline) that continue the
//   previous piece carry "continued":true and are never parsed as JSON.
// - The bytes are decoded as UTF-8 (JSON output must be text): invalid sequences become U+FFFD.
// pidone's own events go through a real pino logger writing into the same ordered queue, so
// their structured fields (pid, code, signal, state...) are serialized by pino.
import { pino, type Logger } from 'pino';
import type { StreamName } from './prefix.ts';

/** The part of each program line's JSON that never changes: `,"program":"web","stream":"stdout"`. */
export function jsonBindings(program: string, stream: StreamName): string {
  return `,"program":${JSON.stringify(program)},"stream":"${stream}"`;
}

/** One program line (text without its newline) as a JSON record, newline included. */
export function jsonRecord(time: number, bindings: string, text: string, continued: boolean): string {
  const head = `{"level":30,"time":${time}${bindings}`;
  if (continued) return `${head},"continued":true,"msg":${JSON.stringify(text)}}\n`;
  const embedded = asJsonObject(text);
  if (embedded !== null) return `${head},"json":${embedded}}\n`;
  return `${head},"msg":${JSON.stringify(text)}}\n`;
}

/** The trimmed text if it is a JSON object, else null. */
export function asJsonObject(text: string): string | null {
  const t = text.trim();
  if (t.length < 2 || t.charCodeAt(0) !== 0x7b /* { */ || t.charCodeAt(t.length - 1) !== 0x7d /* } */) return null;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? t : null;
  } catch {
    return null;
  }
}

/** A pino logger for pidone's own events ("program":"pidone"), writing through write(). */
export function createEventLogger(write: (line: string) => void, now: () => number): Logger {
  return pino(
    {
      base: { program: 'pidone' },
      timestamp: () => `,"time":${now()}`,
      level: 'debug',
    },
    { write },
  );
}
