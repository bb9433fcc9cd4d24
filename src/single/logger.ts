// pidone's own voice in single mode: one line per message on stderr, filtered by verbosity
// like tini's (-v: 1 = warnings and errors, the default; 2 = info; 3 = debug).
import { writeSync } from 'node:fs';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** A logger writing `pidone: level: message` lines synchronously to fd 2. */
export function stderrLogger(verbosity: number, fd = 2): Logger {
  const line = (minimum: number, level: string, message: string): void => {
    if (verbosity < minimum) return;
    try {
      writeSync(fd, `pidone: ${level}${message}\n`);
    } catch {
      // stderr is closed: pidone keeps doing its job silently.
    }
  };
  return {
    error: (m) => line(0, 'error: ', m),
    warn: (m) => line(1, 'warning: ', m),
    info: (m) => line(2, '', m),
    debug: (m) => line(3, 'debug: ', m),
  };
}
