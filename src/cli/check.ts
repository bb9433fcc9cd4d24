// `pidone check [-c FILE] [--json]`: validate a config without starting anything and show the
// start plan. Facts of the host are warnings here (check usually runs outside the image).
// Exit 0 when valid, 2 when invalid or on a usage error.
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { configCandidates, discoverConfig, loadConfig, type Env } from '../config/load.ts';
import { ConfigError, formatDiagnostic, type Diagnostic } from '../config/diagnostic.ts';
import { planWaves } from '../model/graph.ts';
import { planText } from './plan-text.ts';

export interface CheckIO {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly cwd: string;
  readonly env: Env;
  readonly argv0: string;
  readonly hostname: string;
  /** For tests: whether a discovery candidate exists (default: the real file system). */
  readonly exists?: (path: string) => boolean;
}

const USAGE = 'usage: pidone check [-c FILE] [-m FORMATION] [--json]';

/** Runs `pidone check` with the arguments after `check`; returns the exit code. */
export function runCheck(args: string[], io: CheckIO): number {
  const opts = parseArgs(args);
  if (typeof opts === 'string') {
    io.stderr(`pidone check: ${opts}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    io.stdout(`${USAGE}\n\nValidates a config file and prints the order in which its programs start.\n` +
      `--json prints the normalized model instead. -m web=2,worker=1 sets a Procfile's formation\n` +
      `(default: $PIDONE_FORMATION, else all=1). Exit status: 0 valid, 2 invalid.\n`);
    return 0;
  }
  const exists = io.exists ?? existsSync;
  const file = opts.file ?? discoverConfig({ cwd: io.cwd, env: io.env, argv0: io.argv0, exists });
  if (file === null) {
    const searched = configCandidates({ cwd: io.cwd, argv0: io.argv0 }).map((f) => `  ${f}`).join('\n');
    io.stderr(`pidone check: no config file found; searched:\n${searched}\nGive one with -c FILE or PIDONE_CONFIG.\n`);
    return 2;
  }
  const print = (list: readonly Diagnostic[]) => {
    for (const d of list) io.stderr(`${formatDiagnostic({ ...d, file: show(d.file, io.cwd) })}\n`);
  };
  let loaded;
  try {
    loaded = loadConfig(file, { env: io.env, hostname: io.hostname, cwd: io.cwd, hostSeverity: 'warning', formation: opts.formation });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    print(err.diagnostics);
    return 2;
  }
  const { model, warnings } = loaded;
  print(warnings);
  const waves = planWaves(model.programs, model.groups);
  if (opts.json) {
    const plan = waves.map((w) => w.map((p) => p.name));
    io.stdout(`${JSON.stringify({ programs: model.programs, groups: model.groups, settings: model.settings, plan }, null, 2)}\n`);
    return 0;
  }
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const summary = [count(model.programs.length, 'process', 'processes'), count(waves.length, 'wave', 'waves')];
  if (warnings.length > 0) summary.push(count(warnings.length, 'warning', 'warnings'));
  io.stdout(`${show(file, io.cwd)}: valid, ${summary.join(', ')}\n\n${planText(waves).join('\n')}\n`);
  return 0;
}

interface CheckArgs {
  file: string | null;
  formation: string | null;
  json: boolean;
  help: boolean;
}

function parseArgs(args: readonly string[]): CheckArgs | string {
  const out: CheckArgs = { file: null, formation: null, json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--json') out.json = true;
    else if (a === '-h' || a === '--help') out.help = true;
    else if (a === '-c' || a === '--config') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a file name`;
      out.file = v;
    } else if (a === '-m' || a === '--formation') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a formation such as web=2,worker=1`;
      out.formation = v;
    } else if (a.startsWith('--formation=')) out.formation = a.slice('--formation='.length);
    else if (a.startsWith('-m') && a.length > 2) out.formation = a.slice(2);
    else if (a.startsWith('--config=')) out.file = a.slice('--config='.length);
    else if (a.startsWith('-c') && a.length > 2) out.file = a.slice(2);
    else if (a.startsWith('-')) return `unknown option ${JSON.stringify(a)}`;
    else return `unexpected argument ${JSON.stringify(a)} (the config file goes after -c)`;
  }
  return out;
}

// Paths under the working directory are shown relative to it, as people typed them.
function show(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
