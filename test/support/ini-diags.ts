// Writes an INI file (and any files it includes) into a fresh temp directory, parses it, and
// returns the diagnostics as people read them, paths relative to that directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatDiagnostic } from '../../src/config/diagnostic.ts';
import { parseIni, type IniOptions, type IniResult } from '../../src/config/ini.ts';

export interface Case {
  /** supervisord.conf's text. */
  readonly conf: string | Uint8Array;
  /** Other files, by path relative to the config's directory; a trailing '/' makes a directory. */
  readonly files?: Readonly<Record<string, string>>;
  readonly opts?: Partial<IniOptions>;
}

/** Parses the case and hands back the result plus its diagnostics as `file:line: message` lines. */
export function parseCase(c: Case): { result: IniResult; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-ini-'));
  try {
    writeFileSync(join(dir, 'supervisord.conf'), c.conf);
    for (const [name, text] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      if (name.endsWith('/')) mkdirSync(join(dir, name), { recursive: true });
      else writeFileSync(join(dir, name), text);
    }
    const result = parseIni('supervisord.conf', { env: {}, hostname: 'box', cwd: dir, tempdir: '/tmp', ...c.opts });
    const lines = result.diagnostics.map((d) => formatDiagnostic(d).split(dir + '/').join(''));
    return { result, lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Just the diagnostic lines. */
export function diagnose(conf: string, files?: Record<string, string>, opts?: Partial<IniOptions>): string[] {
  return parseCase({ conf, ...(files ? { files } : {}), ...(opts ? { opts } : {}) }).lines;
}
