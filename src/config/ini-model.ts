// supervisord's computed values into pidone's model (model/spec.ts). Field for field the same
// values; the decisions are where pidone's runtime differs from a daemonizing supervisord.
import type { ControlSettings, GroupSpec, ProgramSpec, Settings } from '../model/spec.ts';
import { defaultSettings } from './defaults.ts';
import type { SettingsExtensions } from './ini-extensions.ts';
import type { IniGroup, IniGroupKind } from './ini-groups.ts';
import type { IniProcess } from './ini-process.ts';
import { controlSettings, type IniServer } from './ini-servers.ts';
import type { IniSupervisord } from './ini-supervisord.ts';

/** The supervisord-only values of a process that ProgramSpec does not carry. */
export interface IniProcessExtra {
  readonly stdout_capture_maxbytes: number;
  readonly stdout_events_enabled: boolean;
  readonly stdout_syslog: boolean;
  readonly stderr_capture_maxbytes: number;
  readonly stderr_events_enabled: boolean;
  readonly stderr_syslog: boolean;
}

/** One supervisord process group, with its processes in the model's form. */
export interface IniProcessGroup {
  readonly name: string;
  readonly kind: IniGroupKind;
  readonly priority: number;
  readonly processes: readonly ProgramSpec[];
  /** Same order as processes. */
  readonly extras: readonly IniProcessExtra[];
  readonly listener?: IniGroup['listener'];
  readonly socket?: string;
  readonly source: IniGroup['source'];
}

/** One process as a ProgramSpec of group `group`. */
export function toProgramSpec(p: IniProcess, group: string): ProgramSpec {
  return {
    name: p.name,
    group,
    command: p.command,
    shell: false,
    directory: p.directory,
    environment: p.environment,
    user: p.user,
    umask: p.umask,
    autostart: p.autostart,
    autorestart: p.ext.schedule !== null ? false : p.autorestart,
    startsecs: p.startsecs,
    startretries: p.startretries,
    exitcodes: p.exitcodes,
    stopsignal: p.stopsignal,
    stopwaitsecs: p.stopwaitsecs,
    stopasgroup: p.stopasgroup,
    killasgroup: p.killasgroup,
    priority: p.priority,
    redirect_stderr: p.redirect_stderr,
    stdout_logfile: p.stdout.logfile,
    stdout_logfile_maxbytes: p.stdout.logfile_maxbytes,
    stdout_logfile_backups: p.stdout.logfile_backups,
    stderr_logfile: p.stderr.logfile,
    stderr_logfile_maxbytes: p.stderr.logfile_maxbytes,
    stderr_logfile_backups: p.stderr.logfile_backups,
    // supervisord writes a program's output to its log file and nowhere else; pidone writes no
    // AUTO file, so an AUTO stream is printed instead (src/io/routes.ts has the whole rule).
    // The extension key print= says it for every stream.
    print: p.ext.print !== undefined
      ? { stdout: p.ext.print, stderr: p.ext.print }
      : { stdout: p.stdout.logfile === 'AUTO', stderr: p.stderr.logfile === 'AUTO' },
    serverurl: p.serverurl,
    depends_on: p.ext.depends_on,
    // A scheduled program is a oneshot per run, never restarted (docs/ini-extensions.md).
    oneshot: p.ext.oneshot || p.ext.schedule !== null,
    ready: p.ext.ready,
    backoff: p.ext.backoff,
    max_restarts: p.ext.max_restarts,
    critical: p.ext.critical,
    exit_on_skipped: p.ext.exit_on_skipped,
    forward_signals: p.ext.forward_signals,
    liveness: p.ext.liveness,
    stop_command: p.ext.stop_command,
    daemon: p.ext.daemon,
    stdin: 'pipe',
    ...(p.stdout.events_enabled ? { stdout_events_enabled: true } : {}),
    ...(p.stderr.events_enabled ? { stderr_events_enabled: true } : {}),
    schedule: p.ext.schedule,
    watch: p.ext.watch,
    limits: p.ext.limits,
    nice: p.ext.nice,
    oom_score_adj: p.ext.oom_score_adj,
    source: p.source,
  };
}

/** A group in the model's form. */
export function toProcessGroup(g: IniGroup): IniProcessGroup {
  return {
    name: g.name,
    kind: g.kind,
    priority: g.priority,
    processes: g.processes.map((p) => toProgramSpec(p, g.name)),
    extras: g.processes.map((p) => ({
      stdout_capture_maxbytes: p.stdout.capture_maxbytes, stdout_events_enabled: p.stdout.events_enabled, stdout_syslog: p.stdout.syslog,
      stderr_capture_maxbytes: p.stderr.capture_maxbytes, stderr_events_enabled: p.stderr.events_enabled, stderr_syslog: p.stderr.syslog,
    })),
    ...(g.listener ? { listener: g.listener } : {}),
    ...(g.socket !== undefined ? { socket: g.socket } : {}),
    source: g.source,
  };
}

/** supervisord's own result handler: `OK` accepts an event, anything else rejects it. */
export const DEFAULT_RESULT_HANDLER = 'supervisor.dispatchers:default_handler';

/**
 * The processes pidone runs for a group: an event listener pool's carry the pool's settings,
 * and the pool's priority (supervisord orders start and shutdown by group priority, and a pool's
 * default of -1 is what makes listeners start first and stop last).
 */
export function runnableProcesses(g: IniProcessGroup, printed: HandlerPrinted = { stdout: false, stderr: false }): ProgramSpec[] {
  const listener = g.listener;
  if (g.kind !== 'eventlistener' || listener === undefined) return g.processes.map((p) => printedByHandler(p, printed));
  const accepts = listener.result_handler.trim() === DEFAULT_RESULT_HANDLER ? 'OK' : 'any';
  return g.processes.map((p) => ({ ...p, priority: g.priority, eventlistener: { events: listener.events, buffer_size: listener.buffer_size, accepts } }));
}

/** Which streams a listener's result handler prints (see handlerPrinted). */
export interface HandlerPrinted {
  readonly stdout: boolean;
  readonly stderr: boolean;
}

/**
 * supervisor_stdout's result handler, a common listener in images, prints on supervisord's
 * stdout the PROCESS_LOG events its pool gets. pidone cannot call it, so a stream with events
 * enabled that such a pool subscribes to is printed, whatever its log file.
 */
export function handlerPrinted(groups: readonly IniProcessGroup[]): HandlerPrinted {
  const events = groups.flatMap((g) => (g.listener !== undefined && /^supervisor_stdout\s*:/.test(g.listener.result_handler.trim()) ? g.listener.events : []));
  const has = (type: string) => events.some((e) => e === 'EVENT' || e === 'PROCESS_LOG' || e === type);
  return { stdout: has('PROCESS_LOG_STDOUT'), stderr: has('PROCESS_LOG_STDERR') };
}

function printedByHandler(p: ProgramSpec, by: HandlerPrinted): ProgramSpec {
  const stdout = by.stdout && p.stdout_events_enabled === true;
  const stderr = by.stderr && p.stderr_events_enabled === true;
  if (p.print === undefined || (!stdout && !stderr)) return p;
  return { ...p, print: { stdout: p.print.stdout || stdout, stderr: p.print.stderr || stderr } };
}

/** GroupSpec for a runnable group. */
export function toGroupSpec(g: IniProcessGroup): GroupSpec {
  return { name: g.name, priority: g.priority, processes: g.processes.map((p) => p.name) };
}

/**
 * Settings from [supervisord], the servers and the extension keys. umask and directory only
 * count when written: supervisord applies them only when it daemonizes, which pidone never does
 * (like `supervisord -n`), so their defaults (022, none) would change nothing there either.
 */
export function toSettings(sup: IniSupervisord, servers: readonly IniServer[], ext: SettingsExtensions, explicit: { umask: boolean; logfile?: boolean; pidfile?: boolean }): Settings {
  const base = defaultSettings(sup.childlogdir);
  const control: ControlSettings = {
    ...controlSettings(servers, base.control),
    ...(ext.health !== undefined ? { health: ext.health } : {}),
  };
  return {
    log_format: ext.log_format ?? base.log_format,
    timestamps: ext.timestamps ?? base.timestamps,
    color: ext.color ?? base.color,
    shutdown_timeout: ext.shutdown_timeout ?? base.shutdown_timeout,
    control,
    minfds: sup.minfds,
    minprocs: sup.minprocs,
    identifier: sup.identifier,
    childlogdir: sup.childlogdir,
    umask: explicit.umask ? sup.umask : null,
    directory: sup.directory,
    // Written only when the config says so: supervisord's defaults (supervisord.log and
    // supervisord.pid in the current directory) would litter a container's working directory.
    ...(explicit.logfile ? { logfile: { path: sup.logfile, maxbytes: sup.logfile_maxbytes, backups: sup.logfile_backups } } : {}),
    ...(explicit.pidfile ? { pidfile: sup.pidfile } : {}),
  };
}
