// supervisord's main log and pid file, when a supervisord.conf names them ([supervisord]
// logfile=, pidfile=): pidone's own lines also go to that file, in supervisord's line format
// (`2025-11-25 01:22:03,045 INFO spawned: 'web' with pid 7`) and rotated as supervisord rotates
// it, for the tools that read it; the pid file holds pidone's pid until it exits.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LogFile } from '../io/log-file.ts';
import type { EventLevel, LogSink } from '../io/log-sink-api.ts';
import { isOwnOutput } from '../io/own-output.ts';
import type { Settings } from '../model/spec.ts';

const LEVEL: Readonly<Record<EventLevel, string>> = { info: 'INFO', warn: 'WARN', error: 'ERRO' };
const two = (n: number) => String(n).padStart(2, '0');

/** supervisord's timestamp: local time, `YYYY-MM-DD HH:MM:SS,mmm`. */
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())},${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * The sink, with pidone's own lines also written to the configured main log. No file when none
 * is configured, for `syslog` (pidone does not log to syslog) and for pidone's own stdout or
 * stderr (/dev/stdout: its lines are there already).
 */
export function withMainLog(sink: LogSink, logfile: Settings['logfile'], cwd: string): LogSink {
  if (logfile === undefined || logfile.path.toLowerCase() === 'syslog') return sink;
  const path = resolve(cwd, logfile.path);
  if (isOwnOutput(path, [1, 2])) return sink;
  const file = new LogFile({
    path, maxbytes: logfile.maxbytes, backups: logfile.backups,
    onError: (message) => sink.event('error', `main log ${path}: ${message}`),
  });
  return {
    attach: (program, stream, source) => sink.attach(program, stream, source),
    event: (level, message, fields) => {
      sink.event(level, message, fields);
      file.write(Buffer.from(`${stamp(Date.now())} ${LEVEL[level]} ${message}\n`));
    },
    subscribe: (program, fn) => sink.subscribe(program, fn),
    tail: (program, stream, maxBytes) => sink.tail(program, stream, maxBytes),
    written: (program, stream) => sink.written(program, stream),
    clear: (program, stream) => sink.clear(program, stream),
    addProgram: (program) => sink.addProgram(program),
    removeProgram: (name) => sink.removeProgram(name),
    reopen: () => {
      sink.reopen();
      file.reopen();
    },
    flush: async () => {
      await sink.flush();
      await file.flush();
    },
    close: async (opts) => {
      // The final line goes to the main log too, as every other line of pidone's does.
      if (opts?.last !== undefined) file.write(Buffer.from(`${stamp(Date.now())} ${LEVEL[opts.last.level]} ${opts.last.message}\n`));
      const report = await sink.close(opts);
      await file.close();
      return report;
    },
  };
}

/** Writes the pid file; returns what removes it at exit (only while it still holds this pid). */
export function writePidfile(pidfile: string | undefined, pid: number, cwd: string, warn: (m: string) => void): () => void {
  if (pidfile === undefined) return () => {};
  const path = resolve(cwd, pidfile);
  try {
    writeFileSync(path, `${pid}\n`);
  } catch (err) {
    warn(`could not write pidfile ${path}: ${(err as Error).message}`);
    return () => {};
  }
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(pid)) unlinkSync(path);
    } catch {
      // already gone
    }
  };
}
