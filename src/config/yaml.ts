// The native YAML format (spec section 3) → programs, groups and settings, with a position for
// every problem. Graph checks (unknown dependencies, cycles) happen later, in load.ts.
import { LineCounter, isMap, parseDocument, type Node } from 'yaml';
import type { GroupSpec, ProgramSpec, Settings, SourcePos } from '../model/spec.ts';
import type { Diagnostic, Severity } from './diagnostic.ts';
import { defaultSettings } from './defaults.ts';
import { checkKeys, entries, posOf, report, type Ctx, type Field } from './yaml-nodes.ts';
import { readEnvFiles, readEnvironment } from './yaml-parts.ts';
import { readSettings } from './yaml-settings.ts';
import { readProgram } from './yaml-program.ts';

export interface YamlOptions {
  /** pidone's environment: `${VAR}` expansion reads it (over the top-level env_file). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Severity of facts of the host (a missing env_file): warning in `check`, error at run. */
  readonly hostSeverity: Severity;
}

export interface YamlConfig {
  readonly programs: ProgramSpec[];
  readonly groups: GroupSpec[];
  readonly settings: Settings;
  readonly diagnostics: Diagnostic[];
  /** Where a key was written, by dotted path, for errors found after parsing. */
  readonly positionOf: (path: string) => SourcePos | undefined;
}

/** Appended to "variable X is not set" warnings: how to keep a `${X}` for the shell. */
export const YAML_UNSET_HINT = ' (write $${NAME} to pass ${NAME} on unexpanded)';

const TOP_KEYS = ['version', 'environment', 'env_file', 'settings', 'programs'];
const TOP_HINTS: Readonly<Record<string, string>> = {
  processes: 'pidone calls them programs:',
  services: 'pidone calls them programs:',
  log_level: "pidone's own log level is set with -v",
};

/**
 * Parses YAML text into a Ctx for the node readers, with syntax errors (and the parser's
 * warnings) already reported; root is null when there is nothing to read.
 */
export function openYaml(text: string, file: string, env: YamlOptions['env']): { ctx: Ctx; root: Field | null } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, merge: true, uniqueKeys: true });
  const ctx: Ctx = { file, src: text, doc, lc, lookup: (n) => env[n], diagnostics: [], keys: new Map(), unsetHint: YAML_UNSET_HINT };
  for (const e of doc.errors) {
    const { line, col } = lc.linePos(e.pos[0]);
    ctx.diagnostics.push({ file, line, col, severity: 'error', message: `invalid YAML: ${e.message}` });
  }
  if (doc.errors.length > 0) return { ctx, root: null };
  for (const w of doc.warnings) {
    const { line, col } = lc.linePos(w.pos[0]);
    ctx.diagnostics.push({ file, line, col, severity: 'warning', message: w.message });
  }
  return { ctx, root: { key: '', path: '', at: doc.contents as Node, node: doc.contents as Node | null } };
}

/** The position of a key by dotted path, once the readers have seen it. */
export function positionFinder(ctx: Ctx): (path: string) => SourcePos | undefined {
  return (path) => {
    const node = ctx.keys.get(path);
    return node ? posOf(ctx, node) : undefined;
  };
}

/** Parses YAML text; `file` must be absolute (relative paths in it resolve against its dir). */
export function parseYaml(text: string, file: string, opts: YamlOptions): YamlConfig {
  const env = opts.env;
  const { ctx: base, root } = openYaml(text, file, env);
  let settings = defaultSettings(env.TMPDIR || '/tmp');
  const positionOf = positionFinder(base);
  const empty = (): YamlConfig => ({ programs: [], groups: [], settings, diagnostics: base.diagnostics, positionOf });
  if (root === null) return empty();
  if (!isMap(root.node)) {
    report(base, root.at, '', 'expected a mapping with programs: at the top of the file');
    return empty();
  }
  const top = entries(base, root) ?? [];
  checkKeys(base, top, TOP_KEYS, TOP_HINTS);
  const field = (key: string) => top.find((f) => f.key === key);

  // The top-level env_file feeds both the programs and ${VAR} expansion, like compose's .env;
  // pidone's own environment wins in expansion, as the shell's does in compose.
  const envFileField = field('env_file');
  const fileVars = envFileField ? readEnvFiles(base, envFileField, opts.hostSeverity) : {};
  const ctx: Ctx = { ...base, lookup: (n) => env[n] ?? fileVars[n] };
  const envField = field('environment');
  const globalEnv = { ...fileVars, ...(envField ? readEnvironment(ctx, envField) : {}) };
  const settingsField = field('settings');
  if (settingsField) settings = readSettings(ctx, settingsField, settings);

  const programsField = field('programs');
  if (!programsField) {
    report(ctx, root.at, '', 'missing programs: (the map of programs to run)');
    return empty();
  }
  const programs: ProgramSpec[] = [];
  const groups: GroupSpec[] = [];
  const list = entries(ctx, programsField) ?? [];
  if (list.length === 0 && isMap(programsField.node)) report(ctx, programsField.at, 'programs', 'no programs defined');
  for (const p of list) {
    const r = readProgram(ctx, p, globalEnv, opts.hostSeverity);
    if (!r) continue;
    programs.push(...r.specs);
    groups.push(r.group);
  }
  return { programs, groups, settings, diagnostics: ctx.diagnostics, positionOf };
}
