// A process-compose.yaml, unchanged, with the meaning process-compose gives it: `processes:`
// become programs, `.env` beside the file feeds ${VAR} expansion and the processes, commands run
// through process-compose's shell (`bash -c` unless `shell:` or COMPOSE_SHELL says otherwise).
// The graph checks that need every process (unknown dependencies, process_log_ready without a
// ready_log_line) happen here, since process-compose words some of them differently from pidone.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMap } from 'yaml';
import type { GroupSpec, ProgramSpec } from '../model/spec.ts';
import { defaultSettings } from './defaults.ts';
import { parseEnvFile } from './envfile.ts';
import { readText } from './files.ts';
import { entries, parsed, plain, report, scalar, type Ctx, type Field } from './yaml-nodes.ts';
import { readEnvironment } from './yaml-parts.ts';
import { openYaml, positionFinder, type YamlConfig, type YamlOptions } from './yaml.ts';
import { SHELL_KEYS, TOP_KEYS, TOP_NOT_HONOURED, UNSUPPORTED, checkPcKeys, notHonoured, unsupported } from './pc-keys.ts';
import { pcInterpolate } from './pc-expand.ts';
import { readPcProcess, type PcProcess } from './pc-process.ts';
import { readVars } from './pc-parts.ts';
import { didYouMean } from './suggest.ts';
import { parseBoolean } from './values.ts';

const UNSET_HINT = ' (process-compose does the same; write $${NAME} to pass ${NAME} to the shell)';

/** Parses a process-compose file; `file` must be absolute. */
export function parseProcessCompose(text: string, file: string, opts: YamlOptions): YamlConfig {
  const env = opts.env;
  const configDir = dirname(file);
  const { ctx: opened, root } = openYaml(text, file, env);
  const settings = defaultSettings(env.TMPDIR || '/tmp');
  const positionOf = positionFinder(opened);
  const result = (programs: ProgramSpec[], groups: GroupSpec[]): YamlConfig => ({ programs, groups, settings, diagnostics: opened.diagnostics, positionOf });
  if (root === null) return result([], []);
  if (!isMap(root.node)) {
    report(opened, root.at, '', 'expected a mapping with processes: at the top of the file');
    return result([], []);
  }
  // Read the switches raw first: they decide how every other value is expanded.
  const rawTop = entries({ ...opened, interpolate: (t) => ({ value: t, unset: [], errors: [], bare: [] }) }, root) ?? [];
  const flag = (key: string): boolean => {
    const f = rawTop.find((x) => x.key === key);
    return f ? (parsed({ ...opened, interpolate: (t) => ({ value: t, unset: [], errors: [], bare: [] }) }, f, parseBoolean) ?? false) : false;
  };
  const strict = flag('is_strict');
  const noExpansion = flag('disable_env_expansion');

  // `.env` (process-compose reads it from its working directory; pidone from beside the file):
  // first in ${VAR} lookups, last in the processes' environment.
  const dotEnv = readDotEnv(opened, join(configDir, '.env'), env);
  const ctx: Ctx = {
    ...opened,
    lookup: (n) => (Object.hasOwn(dotEnv, n) ? dotEnv[n] : env[n]),
    interpolate: noExpansion ? (t) => ({ value: t, unset: [], errors: [], bare: [] }) : pcInterpolate,
    unsetHint: UNSET_HINT,
  };
  const top = entries(ctx, root) ?? [];
  checkPcKeys(ctx, top, TOP_KEYS, 'top');
  const get = (k: string) => top.find((x) => x.key === k);
  for (const x of top) {
    const why = TOP_NOT_HONOURED[x.key];
    if (why && plain(ctx, x.node) !== null) notHonoured(ctx, x, why);
    const no = UNSUPPORTED[x.key];
    if (no) unsupported(ctx, x, no);
  }
  const tui = get('is_tui_disabled');
  if (tui && parsed(ctx, tui, parseBoolean) === false) {
    notHonoured(ctx, tui, 'pidone has no TUI: every process\'s output goes to stdout under its name, and pidone status or the web page show their states');
  }
  const level = get('log_level');
  if (level) {
    const v = String(scalar(ctx, level) ?? '');
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'panic', 'disabled'];
    if (!levels.includes(v.toLowerCase())) report(ctx, level.at, level.path, `unknown log level ${JSON.stringify(v)}${didYouMean(v, levels)}`, strict ? 'error' : 'warning');
  }

  const shellField = get('shell');
  const shell = [env.COMPOSE_SHELL || 'bash', '-c'];
  if (shellField) {
    const s = entries(ctx, shellField) ?? [];
    checkPcKeys(ctx, s, SHELL_KEYS, 'shell');
    for (const x of s) {
      const v = scalar(ctx, x);
      if (x.key === 'shell_command' && typeof v === 'string' && v) shell[0] = v;
      if (x.key === 'shell_argument' && typeof v === 'string') shell[1] = v;
    }
  }
  const globalEnvField = get('environment');
  const shared = {
    configDir,
    shell: shell.filter((s) => s !== ''),
    globalEnv: globalEnvField ? readEnvironment(ctx, globalEnvField) : {},
    dotEnv: Object.fromEntries(Object.entries(dotEnv).filter(([k]) => env[k] === undefined)),
    vars: get('vars') ? readVars(ctx, get('vars') as Field) : {},
    strict,
    disabledByEnv: new Set((env.PC_DISABLED_PROCESSES ?? '').split(',').filter((s) => s !== '')),
  };

  // process-compose merges an override file found beside the one it loads; pidone reads one file.
  for (const name of ['process-compose.override.yml', 'process-compose.override.yaml', 'compose.override.yml', 'compose.override.yaml']) {
    if (existsSync(join(configDir, name))) {
      ctx.diagnostics.push({ file, line: 0, severity: 'warning', message: `${name} is not merged in: process-compose would merge it, pidone reads this file only` });
    }
  }
  const processesField = get('processes');
  if (!processesField) {
    report(ctx, root.at, '', 'missing processes: (the map of processes to run)');
    return result([], []);
  }
  const read: PcProcess[] = [];
  for (const p of entries(ctx, processesField) ?? []) {
    const r = readPcProcess(ctx, p, shared);
    if (r) read.push(r);
  }
  if (read.length === 0 && isMap(processesField.node)) report(ctx, processesField.at, 'processes', 'no processes defined');
  checkDependencies(ctx, read, strict);
  return result(read.flatMap((r) => r.specs), read.map((r) => r.group));
}

/**
 * Dependencies as process-compose judges them. A dependency on a process the file does not
 * define is dropped with a warning (process-compose runs the dependent anyway; its loader now
 * refuses, and is_strict makes pidone refuse too: a second file, as devbox merges in, would
 * define it). process_log_ready needs a ready_log_line; process_healthy without any probe never
 * becomes healthy in process-compose, so pidone says what it does instead.
 */
function checkDependencies(ctx: Ctx, read: PcProcess[], strict: boolean): void {
  const byGroup = new Map(read.map((r) => [r.group.name, r]));
  const names = new Set(read.flatMap((r) => [r.group.name, ...r.group.processes]));
  for (const r of read) {
    for (const [dep, d] of Object.entries(r.depends)) {
      if (!names.has(dep)) {
        if (strict) continue; // load.ts reports the unknown name with its did-you-mean
        report(ctx, d.at.at, d.at.path, `unknown process ${JSON.stringify(dep)}${didYouMean(dep, [...byGroup.keys()])}: the dependency is ignored, as process-compose ignores it when it starts ${r.group.name}`, 'warning');
        for (const s of r.specs) delete (s.depends_on as Record<string, unknown>)[dep];
        continue;
      }
      const target = byGroup.get(dep) ?? read.find((x) => x.group.processes.includes(dep));
      if (!target) continue;
      if (d.written === 'process_log_ready' && !target.logLine) {
        report(ctx, d.at.at, d.at.path, `${dep} has no ready_log_line to wait for (process-compose refuses this too)`);
      } else if (d.written === 'process_healthy' && !target.hasProbe) {
        report(ctx, d.at.at, d.at.path, `${dep} has no readiness_probe: process-compose would never start ${r.group.name}; pidone starts it once ${dep} is running`, strict ? 'error' : 'warning');
      }
    }
  }
}

function readDotEnv(ctx: Ctx, file: string, env: YamlOptions['env']): Record<string, string> {
  const content = readText(file);
  if (typeof content !== 'string') return {};
  const r = parseEnvFile(content, (n) => env[n]);
  for (const p of r.problems) ctx.diagnostics.push({ file, line: p.line, col: p.col, severity: 'warning', message: p.message });
  return { ...r.vars };
}
