// Defaults of the YAML format. They differ from supervisord's where a container stack wants
// something else (docs/config.md explains each); the INI parser keeps supervisord's own.
import type { Backoff, ProgramSpec, Settings } from '../model/spec.ts';

/** Restart pacing when a YAML program gives no `backoff:`. */
export const DEFAULT_BACKOFF: Backoff = { initial: 1, max: 30, reset_after: 60 };

/** Readiness probe timing when `ready:` leaves it out: polls every second for a minute. */
export const DEFAULT_PROBE = { initial_delay: 0, interval: 1, timeout: 1, retries: 60 } as const;

/**
 * Liveness probe timing when `liveness:` leaves it out: Kubernetes' and process-compose's
 * defaults (a check every 10 s, restart after 3 failures in a row), since a program that is
 * already running needs watching, not polling.
 */
export const DEFAULT_LIVENESS = { initial_delay: 0, interval: 10, timeout: 1, retries: 3 } as const;

const MB = 1024 * 1024;

/** Every ProgramSpec field a YAML program does not have to write. */
export const YAML_PROGRAM_DEFAULTS: Omit<ProgramSpec, 'name' | 'group' | 'command' | 'shell' | 'source'> = {
  directory: null,
  environment: {},
  user: null,
  umask: null,
  autostart: true,
  autorestart: 'unexpected',
  // A YAML program is RUNNING once spawned (or once its ready probe passes); supervisord's
  // startsecs=1 only applies to INI files.
  startsecs: 0,
  startretries: 3,
  exitcodes: [0],
  stopsignal: 'TERM',
  stopwaitsecs: 10,
  // Shells, npm and friends leave children behind: stop the whole process group by default.
  stopasgroup: true,
  killasgroup: true,
  priority: 999,
  redirect_stderr: false,
  stdout_logfile: null,
  stdout_logfile_maxbytes: 50 * MB,
  stdout_logfile_backups: 10,
  stderr_logfile: null,
  stderr_logfile_maxbytes: 50 * MB,
  stderr_logfile_backups: 10,
  serverurl: null,
  depends_on: {},
  oneshot: false,
  ready: null,
  backoff: DEFAULT_BACKOFF,
  max_restarts: null,
  critical: false,
  exit_on_skipped: false,
  forward_signals: [],
  liveness: null,
  stop_command: null,
  daemon: false,
  schedule: null,
  watch: null,
  limits: {},
  nice: null,
  oom_score_adj: null,
};

/** Settings of a YAML file that has no `settings:` (tmpDir stands in for supervisord's tempdir). */
export function defaultSettings(tmpDir: string): Settings {
  return {
    log_format: 'prefix',
    timestamps: false,
    color: 'auto',
    shutdown_timeout: 30,
    control: { socket: null, socket_mode: 0o600, tcp: null, username: null, password: null, token: null },
    identifier: 'pidone',
    childlogdir: tmpDir,
    umask: null,
    directory: null,
  };
}
