// The one vocabulary shared by config (which produces it), the supervisor core (which runs it)
// and the control plane (which shows it). Plain readonly data; no behaviour, no I/O.
//
// Field names follow supervisord's, so an INI file's normalized values can be compared with
// what real supervisord 4.2.5 computes, and `pidone check --json` prints these objects as is.
// Durations are in seconds (numbers, fractions allowed).
import type { Limits } from './limits.ts';
import type { Schedule, Watch } from './schedule.ts';

/** supervisord's autorestart: true (always), false (never), "unexpected" (exit code not in exitcodes). */
export type Autorestart = true | false | 'unexpected';

/** What a dependent waits for before it starts. */
export type DependencyCondition = 'started' | 'ready' | 'completed' | 'completed_successfully';

export type LogFormat = 'prefix' | 'json' | 'raw';
export type ColorMode = 'auto' | 'always' | 'never';

/** How pidone decides that a program is ready (RUNNING), beyond surviving `startsecs`. */
export type ReadyCheck =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'exec'; readonly command: string | readonly string[] }
  | { readonly kind: 'log'; readonly pattern: string } // a JavaScript RegExp source, matched per line
  | { readonly kind: 'notify' }; // sd_notify READY=1 on $NOTIFY_SOCKET

/**
 * A probe: one check plus its timing. The same shape serves `ready` (start-up readiness) and
 * `liveness` (health while running); what a failure does differs, see ProgramSpec.
 */
export interface ReadyProbe {
  readonly check: ReadyCheck;
  readonly initial_delay: number;
  readonly interval: number;
  readonly timeout: number;
  /** Consecutive failures after which the probe has failed for good. */
  readonly retries: number;
}

/**
 * When a program's end ends pidone: `true` whenever it ends for good (EXITED and not restarting,
 * or FATAL), `'on-failure'` only when it ends for good unexpectedly (exit code not in exitcodes,
 * a signal, FATAL), `false` never.
 */
export type Critical = boolean | 'on-failure';

/**
 * pidone's restart pacing (YAML `backoff:`): the delay before restart n is
 * min(initial * 2^(n-1), max), applied to every automatic restart, and n resets to 0 once the
 * program stayed up `reset_after` seconds. null means supervisord's rules exactly: delays of
 * 1 s, 2 s, 3 s... only for exits while STARTING, and immediate restarts after RUNNING.
 */
export interface Backoff {
  readonly initial: number;
  readonly max: number;
  readonly reset_after: number;
}

export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col?: number;
}

/** One process to supervise (after numprocs expansion). */
export interface ProgramSpec {
  /** Process name (supervisord's process_name after expansion), unique across the model. */
  readonly name: string;
  /** Group name: the [program:x] name, or the [group:g] it belongs to; YAML: the program key. */
  readonly group: string;
  /**
   * As written. A string in INI is split like supervisord (shlex, no shell); a string in YAML
   * runs under `/bin/sh -c`; a list is an exec-form argv. `shell` says which applies.
   */
  readonly command: string | readonly string[];
  readonly shell: boolean;
  readonly directory: string | null;
  /** The merged environment (global under program), as supervisord merges it at parse time. */
  readonly environment: Readonly<Record<string, string>>;
  /** User name (or numeric uid string) as written; resolved when pidone runs, not in `check`. */
  readonly user: string | null;
  readonly umask: number | null;

  readonly autostart: boolean;
  readonly autorestart: Autorestart;
  readonly startsecs: number;
  readonly startretries: number;
  readonly exitcodes: readonly number[];
  /** Signal name without "SIG", e.g. "TERM". */
  readonly stopsignal: string;
  readonly stopwaitsecs: number;
  readonly stopasgroup: boolean;
  readonly killasgroup: boolean;
  readonly priority: number;

  readonly redirect_stderr: boolean;
  /** File path, "AUTO"-resolved path, or null for none (supervisord NONE/OFF). */
  readonly stdout_logfile: string | null;
  readonly stdout_logfile_maxbytes: number;
  readonly stdout_logfile_backups: number;
  readonly stderr_logfile: string | null;
  readonly stderr_logfile_maxbytes: number;
  readonly stderr_logfile_backups: number;
  /**
   * Whether each stream's lines are printed on pidone's stdout (prefixed), besides its log file.
   * A log file that names pidone's stdout or stderr (/dev/stdout, /dev/stderr...) is printed
   * there whatever this says. Absent: both printed (YAML's default; `print: false`). INI: only
   * AUTO streams, since supervisord writes a program's output to its log file alone.
   */
  readonly print?: { readonly stdout: boolean; readonly stderr: boolean };
  readonly serverurl: string | null;

  // pidone extensions (YAML keys; the same names in INI)
  /** Dependencies by process name (or group name, meaning every process of it). */
  readonly depends_on: Readonly<Record<string, DependencyCondition>>;
  readonly oneshot: boolean;
  readonly ready: ReadyProbe | null;
  readonly backoff: Backoff | null;
  /** Consecutive automatic restarts allowed before FATAL; null = unlimited. */
  readonly max_restarts: number | null;
  /**
   * When this program ends for good, pidone shuts down with its exit code (see Critical).
   * A program that will be restarted has not ended. process-compose: `exit_on_end` (true),
   * `restart: exit_on_failure` ('on-failure'); Procfile programs are all `true`.
   */
  readonly critical: Critical;
  /**
   * When this process is blocked for good (a dependency condition can no longer hold: the
   * dependency went FATAL, completed unsuccessfully...), pidone shuts down with exit code 1.
   * process-compose's `availability.exit_on_skipped`.
   */
  readonly exit_on_skipped: boolean;
  /** Signal names without "SIG" that pidone forwards to this program when it receives them. */
  readonly forward_signals: readonly string[];
  /**
   * Liveness probe: starts once the process is RUNNING (after startsecs and `ready`), then
   * checks every `interval` after `initial_delay`; after `retries` consecutive failures pidone
   * stops the process (stop_command or stopsignal, SIGKILL after stopwaitsecs) and treats the
   * exit as unexpected, so `autorestart` decides whether it comes back. null = none.
   */
  readonly liveness: ReadyProbe | null;
  /**
   * Run to stop the program instead of sending stopsignal (string: `/bin/sh -c`; list: exec
   * form), with the program's environment, directory and user; SIGKILL (to the group when
   * killasgroup) when the program has not exited stopwaitsecs after the stop began.
   * process-compose's `shutdown.command`. null = send stopsignal.
   */
  readonly stop_command: string | readonly string[] | null;
  /**
   * The command starts a daemon that forks into the background and then exits (process-compose
   * `is_daemon`): an exit with a code in exitcodes means "launched", and the process counts as
   * RUNNING until stop_command stops it or its liveness probe fails; any other exit is a
   * failed start.
   */
  readonly daemon: boolean;
  /**
   * fd 0: a pipe pidone holds open (supervisord's: a program that reads stdin waits for input,
   * and sendProcessStdin / `supervisorctl fg` write to it), or /dev/null (a read sees EOF).
   * Absent: /dev/null (YAML's default; INI sets pipe).
   */
  readonly stdin?: 'pipe' | 'null';
  /** supervisord's stdout_events_enabled / stderr_events_enabled: PROCESS_LOG_* events for its output. */
  readonly stdout_events_enabled?: boolean;
  readonly stderr_events_enabled?: boolean;
  /**
   * Set for the processes of an [eventlistener:x] pool (the pool is the group): their stdin and
   * stdout carry supervisord's event-listener protocol, so their stdout is not output.
   */
  readonly eventlistener?: EventListenerSpec;
  /** Runs once per due time instead of staying up (model/schedule.ts); null = an ordinary program. */
  readonly schedule: Schedule | null;
  /** Restart (or signal) it when files change; null = no watch. */
  readonly watch: Watch | null;
  /** rlimits and cgroup limits (model/limits.ts); {} = inherit pidone's. */
  readonly limits: Limits;
  /** Nice value (-20..19) and /proc/PID/oom_score_adj (-1000..1000); null = inherit. */
  readonly nice: number | null;
  readonly oom_score_adj: number | null;

  /** Where the program was defined, for runtime errors that point back at the config. */
  readonly source: SourcePos;
}

/** An [eventlistener:x] pool's settings (supervisord's pool config). */
export interface EventListenerSpec {
  /** Event type names it subscribes to, upper-case (PROCESS_STATE, TICK_60...). */
  readonly events: readonly string[];
  /** Events kept for the pool while no listener is ready; the oldest is dropped beyond it. */
  readonly buffer_size: number;
  /**
   * Which results accept an event: only `OK` (supervisord's default result handler), or any
   * (a result handler pidone cannot call, such as supervisor_stdout's, which accepts
   * everything: rejecting would resend the event forever).
   */
  readonly accepts: 'OK' | 'any';
}

export interface ControlSettings {
  /** Unix socket path; null = pidone's default (/run/pidone.sock, else a per-user runtime path). */
  readonly socket: string | null;
  readonly socket_mode: number;
  /** "host:port" for the optional TCP listener; null = none. */
  readonly tcp: string | null;
  readonly username: string | null;
  /** Plain text or supervisord's "{SHA}hex" form. */
  readonly password: string | null;
  readonly token: string | null;
  /**
   * Credentials the unix socket asks for: INI [unix_http_server] username/password, which
   * supervisord applies to that listener alone (username/password above are the TCP
   * listener's). Absent (YAML): the socket asks for the credentials above only when there is
   * no TCP listener, since they can only be meant for it then.
   */
  readonly socket_username?: string | null;
  readonly socket_password?: string | null;
  /**
   * "host:port" of the unauthenticated, read-only health listener (/healthz, /readyz, /metrics
   * only); host "*" = every interface; absent or null = none.
   */
  readonly health?: string | null;
}

export interface Settings {
  readonly log_format: LogFormat;
  readonly timestamps: boolean;
  readonly color: ColorMode;
  /** Whole-shutdown deadline, after which everything left is SIGKILLed. */
  readonly shutdown_timeout: number;
  readonly control: ControlSettings;
  /** supervisord's identifier (getIdentification). */
  readonly identifier: string;
  /** Where AUTO log files go (supervisord's childlogdir). */
  readonly childlogdir: string;
  readonly umask: number | null;
  readonly directory: string | null;
  /**
   * INI [supervisord] logfile= (with logfile_maxbytes, logfile_backups), when written: pidone's
   * own lines also go to this file, rotated as supervisord rotates its main log. Absent: none.
   */
  readonly logfile?: { readonly path: string; readonly maxbytes: number; readonly backups: number };
  /** INI [supervisord] pidfile=, when written: pidone writes its pid there and removes it at exit. */
  readonly pidfile?: string;
  /**
   * INI [supervisord] minfds= and minprocs= (supervisord's defaults 1024 and 200 when not
   * written): pidone raises its own RLIMIT_NOFILE / RLIMIT_NPROC to at least these at start,
   * or refuses to start, as supervisord does. Absent (YAML): no check.
   */
  readonly minfds?: number;
  readonly minprocs?: number;
}

export interface GroupSpec {
  readonly name: string;
  readonly priority: number;
  /** Process names, in config order. */
  readonly processes: readonly string[];
}

export interface Model {
  /** Every process, in start order (dependency waves, then priority, then name). */
  readonly programs: readonly ProgramSpec[];
  readonly groups: readonly GroupSpec[];
  readonly settings: Settings;
  /** The config file that was loaded (absolute), and every file it included. */
  readonly files: readonly string[];
}
