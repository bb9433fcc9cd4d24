// One `processes.<name>` entry of a process-compose file → pidone ProgramSpecs (one per replica),
// with the meaning process-compose gives each key (docs/config.md has the table). Fields that
// process-compose renders as templates are read once and rendered per replica.
import type { GroupSpec, ProgramSpec, ReadyProbe, SourcePos } from '../model/spec.ts';
import { YAML_PROGRAM_DEFAULTS } from './defaults.ts';
import { entries, isList, items, parsed, plain, posOf, report, scalar, text, type Ctx, type Field } from './yaml-nodes.ts';
import { readEnvironment } from './yaml-parts.ts';
import { PROCESS_KEYS, PROCESS_NOT_HONOURED, UNSUPPORTED, checkPcKeys, notHonoured, unsupported } from './pc-keys.ts';
import { livenessOf, logLineProbe, pcCheck, readPcProbe, readyOf, type PcProbe } from './pc-probe.ts';
import { readAvailability, readDepends, readLogFiles, readProcessEnvFile, readShutdown, readVars, replicaLog, resolveIn, type PcDependency } from './pc-parts.ts';
import { readPcSchedule } from './pc-schedule.ts';
import { readPcWatch, rootedWatch } from './pc-watch.ts';
import { renderTemplate } from './pc-template.ts';
import { parseBoolean, parseInteger } from './values.ts';

/** What every process of the file shares. */
export interface PcShared {
  readonly configDir: string;
  /** process-compose's shell: [shell_command, shell_argument], `bash -c` by default. */
  readonly shell: readonly string[];
  readonly globalEnv: Readonly<Record<string, string>>;
  /** `.env` values that pidone's own environment does not override (process-compose's order). */
  readonly dotEnv: Readonly<Record<string, string>>;
  readonly vars: Readonly<Record<string, unknown>>;
  /** is_strict: what process-compose then refuses is an error here too. */
  readonly strict: boolean;
  /** PC_DISABLED_PROCESSES. */
  readonly disabledByEnv: ReadonlySet<string>;
}

export interface PcProcess {
  readonly specs: ProgramSpec[];
  readonly group: GroupSpec;
  /** As written, for the checks that need every process (pc.ts). */
  readonly depends: Readonly<Record<string, PcDependency>>;
  readonly hasProbe: boolean;
  readonly logLine: boolean;
}

/** Reads one process; null when it is not a mapping. */
export function readPcProcess(ctx: Ctx, f: Field, shared: PcShared): PcProcess | null {
  const fields = entries(ctx, f);
  if (!fields) return null;
  if (!/^[^\s:/]+$/.test(f.key)) report(ctx, f.at, 'processes', `process name ${JSON.stringify(f.key)} cannot be used by pidone: no spaces, ":" or "/" allowed`);
  checkPcKeys(ctx, fields, PROCESS_KEYS, 'process');
  const get = (k: string) => fields.find((x) => x.key === k);
  const bools = new Map<string, boolean>();
  const bool = (k: string): boolean => {
    const x = get(k);
    if (!x) return false;
    if (!bools.has(k)) bools.set(k, parsed(ctx, x, parseBoolean) ?? false);
    return bools.get(k) ?? false;
  };
  for (const x of fields) {
    const why = PROCESS_NOT_HONOURED[x.key];
    const on = why && (x.key === 'mcp' || x.key === 'args' || x.key === 'monitor_silence_threshold' || x.key === 'monitor_for' ? plain(ctx, x.node) !== null : bool(x.key));
    if (why && on) notHonoured(ctx, x, why);
    const no = UNSUPPORTED[x.key];
    if (no) unsupported(ctx, x, no);
  }

  // command (through the shell) wins over entrypoint (exec form), as in process-compose.
  const commandField = get('command');
  const command = commandField ? text(ctx, commandField) : undefined;
  const entryField = get('entrypoint');
  let entrypoint: string[] | undefined;
  if (entryField && isList(ctx, entryField)) {
    entrypoint = (items(ctx, entryField) ?? []).map((i) => text(ctx, i, false) ?? '');
  } else if (entryField && plain(ctx, entryField.node) !== null) report(ctx, entryField.at, entryField.path, 'expected a list (the program and its arguments)');
  if (command !== undefined && command !== '' && entrypoint && entrypoint.length > 0 && entryField) {
    report(ctx, entryField.at, entryField.path, 'command and entrypoint are both set: command is used (as process-compose does)', 'warning');
  }
  const useCommand = command !== undefined && command !== '';
  if (!useCommand && !(entrypoint && entrypoint.length > 0)) report(ctx, f.at, f.path, 'missing command (or entrypoint)');

  const wdField = get('working_dir');
  const workingDir = wdField ? (text(ctx, wdField) || null) : null;
  const env = get('environment');
  const ownEnv = env ? readEnvironment(ctx, env) : {};
  const vars = { ...shared.vars, ...(get('vars') ? readVars(ctx, get('vars') as Field) : {}) };

  const a = get('availability') ? readAvailability(ctx, get('availability') as Field) : null;
  const d = {
    ...YAML_PROGRAM_DEFAULTS,
    autorestart: a?.autorestart ?? false,
    critical: a?.critical ?? false,
    exit_on_skipped: a?.exitOnSkipped ?? false,
    max_restarts: a?.maxRestarts ?? null,
    // A constant delay: process-compose waits backoff_seconds before every restart.
    backoff: { initial: a?.backoffSeconds ?? 1, max: a?.backoffSeconds ?? 1, reset_after: YAML_PROGRAM_DEFAULTS.backoff?.reset_after ?? 60 },
  };

  const codes = get('success_exit_codes');
  if (codes) {
    const list = isList(ctx, codes) ? (items(ctx, codes) ?? []) : [codes];
    const extra = list.map((i) => parsed(ctx, i, (v) => parseInteger(v, 0, 255))).filter((c): c is number => c !== undefined);
    d.exitcodes = [...new Set([0, ...extra])];
  }

  const shutdown = get('shutdown') ? readShutdown(ctx, get('shutdown') as Field, shared.shell) : null;
  if (shutdown) {
    d.stopsignal = shutdown.signal;
    if (shutdown.timeout !== null) d.stopwaitsecs = shutdown.timeout;
    d.stopasgroup = !shutdown.parentOnly;
    d.stop_command = shutdown.command;
  }
  // A scheduled process runs once per due time: a oneshot per run, never restarted.
  const scheduleField = get('schedule');
  const schedule = scheduleField && plain(ctx, scheduleField.node) !== null ? readPcSchedule(ctx, scheduleField) : null;
  if (schedule) {
    d.schedule = schedule;
    d.oneshot = true;
    if (a?.autorestart !== undefined && a.autorestart !== false) {
      report(ctx, scheduleField!.at, scheduleField!.path, 'a scheduled process is not restarted: the next due time runs it again (availability.restart is not used)', 'warning');
    }
    d.autorestart = false;
  }
  const watchField = get('watch');
  const watch = watchField && plain(ctx, watchField.node) !== null ? readPcWatch(ctx, watchField) : null;
  d.daemon = bool('is_daemon');
  if (d.daemon && d.stop_command === null && get('is_daemon')) {
    report(ctx, (get('is_daemon') as Field).at, `${f.path}.is_daemon`, 'a daemon needs shutdown.command to be stopped: pidone has no process to signal once the launcher exited', 'warning');
  }

  // Probes: readiness gates dependents (process_healthy) and keeps watching afterwards.
  const rp = get('readiness_probe');
  const lp = get('liveness_probe');
  const readiness = rp && plain(ctx, rp.node) !== null ? readPcProbe(ctx, rp) : undefined;
  const liveness = lp && plain(ctx, lp.node) !== null ? readPcProbe(ctx, lp) : undefined;
  const logField = get('ready_log_line');
  const logLine = logField ? text(ctx, logField) : undefined;
  if (logField && logLine !== undefined && logLine !== '' && rp) {
    report(ctx, logField.at, logField.path, 'ready_log_line and readiness_probe cannot be used together (process-compose refuses this too)');
  }

  // Autostart: disabled, is_disabled ("true"/"false" overrides), PC_DISABLED_PROCESSES, and the
  // processes process-compose does not start by itself.
  let disabled = bool('disabled');
  const isDisabled = get('is_disabled');
  const isDisabledText = isDisabled ? String(scalar(ctx, isDisabled) ?? '') : '';
  if (isDisabledText === 'true') disabled = true;
  if (isDisabledText === 'false') disabled = false;
  if (shared.disabledByEnv.has(f.key)) disabled = true;
  if (bool('is_foreground') || ['mcp'].some((k) => get(k) && plain(ctx, (get(k) as Field).node) !== null)) disabled = true;
  d.autostart = !disabled;

  const logs = get('log_location') ? readLogFiles(ctx, get('log_location') as Field, get('log_configuration')) : null;
  const depends = get('depends_on') ? readDepends(ctx, get('depends_on') as Field) : {};
  d.depends_on = Object.fromEntries(Object.entries(depends).map(([k, v]) => [k, v.condition]));

  const replicasField = get('replicas');
  let replicas = 1;
  if (replicasField) {
    const n = parsed(ctx, replicasField, (v) => parseInteger(v, 0));
    if (n !== undefined) replicas = Math.max(1, n);
  }
  const envFileField = get('env_file');
  const envFilePath = envFileField ? text(ctx, envFileField) : undefined;
  const noDotEnv = bool('is_dotenv_disabled');
  const templatesOff = bool('is_template_disabled');

  const src: SourcePos = posOf(ctx, f.at);
  const width = 1 + Math.floor(Math.log10(replicas));
  const specs: ProgramSpec[] = [];
  const reported = new Set<string>();
  for (let r = 0; r < replicas; r++) {
    const name = replicas > 1 ? `${f.key}-${String(r).padStart(width, '0')}` : f.key;
    const render = (at: Field | undefined) => (s: string): string => {
      const out = renderTemplate(s, { ...vars, PC_REPLICA_NUM: r });
      for (const e of out.errors) if (!reported.has(e)) { reported.add(e); report(ctx, at?.at ?? f.at, at?.path ?? f.path, e); }
      for (const m of out.missing) {
        const msg = `template variable ${m} is not defined in vars: it renders as "<no value>", as in process-compose`;
        if (!reported.has(msg)) { reported.add(msg); report(ctx, at?.at ?? f.at, at?.path ?? f.path, msg, 'warning'); }
      }
      return out.value;
    };
    const dirText = workingDir === null ? null : render(wdField)(workingDir);
    const directory = dirText ? resolveIn(shared.configDir, dirText) : shared.configDir;
    const cmd: string | string[] = useCommand
      ? [...shared.shell, templatesOff ? (command as string) : render(commandField)(command as string)]
      : (entrypoint ?? []);
    let fileEnv: Record<string, string> = {};
    if (envFilePath) fileEnv = readProcessEnvFile(ctx, envFileField as Field, resolveIn(directory, envFilePath), shared.strict ? 'error' : 'warning', reported);
    const environment: Record<string, string> = {
      PC_PROC_NAME: f.key, PC_REPLICA_NUM: String(r),
      ...(noDotEnv ? {} : shared.dotEnv), ...shared.globalEnv, ...fileEnv,
      ...Object.fromEntries(Object.entries(ownEnv).map(([k, v]) => [k, render(env)(v)])),
    };
    const check = (p: PcProbe | undefined, at: Field | undefined): ReadyProbe['check'] | null => {
      if (!p) return null;
      const c = pcCheck(p, render(at), shared.shell, directory);
      if (typeof c === 'string') {
        if (!reported.has(c)) { reported.add(c); report(ctx, at?.at ?? f.at, at?.path ?? f.path, c); }
        return null;
      }
      return c;
    };
    const readyCheck = check(readiness, rp);
    const liveCheck = liveness ? check(liveness, lp) : null;
    const ready = readiness && readyCheck ? readyOf(readiness, readyCheck)
      : logLine ? logLineProbe(logLine) : null;
    const live = liveness && liveCheck ? livenessOf(liveness, liveCheck, false)
      : readiness && readyCheck ? livenessOf(readiness, readyCheck, true) : null;
    const logPath = logs ? resolveIn(shared.configDir, replicaLog(render(get('log_location'))(logs.path), r, replicas)) : null;
    specs.push({
      name, group: f.key, command: cmd, shell: false,
      ...d,
      directory, environment,
      ...(logs ? {
        // One file for both streams, as process-compose writes it.
        stdout_logfile: logPath, stderr_logfile: logPath,
        stdout_logfile_maxbytes: logs.maxbytes, stderr_logfile_maxbytes: logs.maxbytes,
        stdout_logfile_backups: logs.backups, stderr_logfile_backups: logs.backups,
      } : {}),
      ready, liveness: live,
      ...(watch ? { watch: rootedWatch(watch, directory) } : {}),
      source: src,
    });
  }
  return {
    specs, group: { name: f.key, priority: 999, processes: specs.map((s) => s.name) }, depends,
    hasProbe: readiness !== undefined || liveness !== undefined, logLine: logLine !== undefined && logLine !== '',
  };
}
