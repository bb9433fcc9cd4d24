// log_format: json. One JSON object per line, in the shape log shippers read without a parser
// config (Loki takes `level` as the detected level, Fluent Bit's json parser takes `time`):
//   {"level":"info","time":"2025-11-25T01:22:03.123Z","program":"web","stream":"stdout","msg":"listening"}
// - level: a label (info, warn, error); program lines are always info, the stream field says
//   where they came from. time: ISO 8601, UTC, milliseconds.
// - A line that is itself a JSON object is embedded as "json":{...} instead of "msg"; its text
//   is copied verbatim (after checking it parses), so 64-bit integers keep all their digits.
// - Pieces of a cut line (over 64 KiB, or flushed before its newline) that continue the
//   previous piece carry "continued":true and are never parsed as JSON.
// - The bytes are decoded as UTF-8 (JSON output must be text): invalid sequences become U+FFFD.
// pidone's own events go through a real pino logger writing into the same ordered queue, so
// their structured fields (pid, code, signal, state...) are serialized by pino, configured
// (formatters.level, stdTimeFunctions.isoTime) to the same shape. Program lines do not go
// through pino: a program's own JSON object is embedded as its text, which pino cannot do
// (its values are serialized again, and big integers would lose digits), and the hot path
// builds a whole batch of records in one string.
import { pino, type Logger } from 'pino';
import type { StreamName } from './prefix.ts';

/** The part of each program line's JSON that never changes: `,"program":"web","stream":"stdout"`. */
export function jsonBindings(program: string, stream: StreamName): string {
  return `,"program":${JSON.stringify(program)},"stream":"${stream}"`;
}

/** `time` as the records carry it (what pino.stdTimeFunctions.isoTime gives). */
export function isoTime(time: number): string {
  return new Date(time).toISOString();
}

/** One program line (text without its newline) as a JSON record, newline included. */
export function jsonRecord(time: string, bindings: string, text: string, continued: boolean): string {
  const head = `{"level":"info","time":"${time}"${bindings}`;
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
      formatters: { level: (label) => ({ level: label }) },
      // The same text as stdTimeFunctions.isoTime, from the sink's clock (tests set one).
      timestamp: now === Date.now ? pino.stdTimeFunctions.isoTime : () => `,"time":"${isoTime(now())}"`,
      level: 'debug',
    },
    { write },
  );
}
