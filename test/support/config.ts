// Helpers for config tests: load YAML text from a temp directory with a host where every user
// and directory exists, so tests see only what the text itself causes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadYamlText, type Loaded } from '../../src/config/load.ts';
import { ConfigError, formatDiagnostic } from '../../src/config/diagnostic.ts';
import type { HostFacts } from '../../src/config/host.ts';

export const anyHost: HostFacts = { userExists: () => true, isDirectory: () => true };

/** A fresh temp directory with the given files written into it. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Loads YAML text as `<dir>/pidone.yaml`. */
export function loadText(text: string, env: Record<string, string> = {}, dir = tempDir()): Loaded {
  return loadYamlText(text, join(dir, 'pidone.yaml'), { env, hostname: 'test', cwd: dir, host: anyHost });
}

/** The diagnostics a YAML text fails with, formatted with the file shown as `pidone.yaml`. */
export function errorsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    loadText(text, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.diagnostics.map((d) => formatDiagnostic({ ...d, file: d.file.replace(/^.*\//, '') }));
  }
  throw new Error('expected the config to be rejected');
}
