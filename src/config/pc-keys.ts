// The keys of a process-compose file, as process-compose's own types declare them, and what
// pidone says about the ones it cannot honour. An unknown key is an error with a did-you-mean
// (pidone's rule everywhere); a key process-compose knows but pidone cannot honour is a warning
// that says what pidone does instead; a key written at the wrong level, which process-compose
// silently ignores, is a warning that says so.
import { checkKeys, report, type Ctx, type Field } from './yaml-nodes.ts';

export const TOP_KEYS = [
  'version', 'name', 'processes', 'environment', 'vars', 'shell', 'is_strict', 'disable_env_expansion',
  'is_tui_disabled', 'ordered_shutdown', 'log_level', 'log_length', 'log_format', 'log_location',
  'log_configuration', 'env_cmds', 'extends', 'mcp_server',
];

export const PROCESS_KEYS = [
  'command', 'entrypoint', 'args', 'working_dir', 'environment', 'env_file', 'is_dotenv_disabled', 'vars',
  'depends_on', 'availability', 'readiness_probe', 'liveness_probe', 'ready_log_line', 'shutdown',
  'disabled', 'is_disabled', 'replicas', 'namespace', 'description', 'log_location', 'log_configuration',
  'is_daemon', 'launch_timeout_seconds', 'success_exit_codes', 'is_template_disabled', 'truncate_log',
  'disable_ansi_colors', 'is_tty', 'is_interactive', 'is_foreground', 'is_elevated', 'monitor_for',
  'monitor_silence_threshold', 'schedule', 'watch', 'mcp', 'extends', 'name',
];

export const AVAILABILITY_KEYS = ['restart', 'backoff_seconds', 'max_restarts', 'exit_on_end', 'exit_on_skipped'];
export const SHUTDOWN_KEYS = ['command', 'signal', 'timeout_seconds', 'parent_only', 'send_keys'];
export const PROBE_KEYS = ['exec', 'http_get', 'initial_delay_seconds', 'period_seconds', 'timeout_seconds', 'success_threshold', 'failure_threshold'];
export const EXEC_PROBE_KEYS = ['command', 'working_dir'];
export const HTTP_PROBE_KEYS = ['host', 'scheme', 'path', 'port', 'num_port', 'headers', 'status_code'];
export const DEPENDENCY_KEYS = ['condition'];
export const SHELL_KEYS = ['shell_command', 'shell_argument', 'elevated_shell_command', 'elevated_shell_argument'];
export const LOG_CONFIG_KEYS = ['rotation', 'fields_order', 'disable_json', 'timestamp_format', 'no_color', 'no_metadata', 'add_timestamp', 'flush_each_line'];
export const ROTATION_KEYS = ['directory', 'filename', 'max_size_mb', 'max_backups', 'max_age_days', 'compress'];

/** Process keys pidone reads but cannot honour: what it does instead. */
export const PROCESS_NOT_HONOURED: Readonly<Record<string, string>> = {
  is_tty: 'pidone runs it with pipes, not a terminal; its output is still printed line by line under its name (a program that colours only on a TTY may want FORCE_COLOR=1)',
  is_interactive: 'pidone has no terminal to type into: the program gets no input',
  is_foreground: 'pidone has no TUI to hand the terminal to: the process is not started automatically (pidone start NAME runs it in the background)',
  is_elevated: 'pidone does not ask for a sudo password: the command runs as pidone\'s own user',
  disable_ansi_colors: 'pidone prints the output as the program wrote it, colours included',
  monitor_for: 'pidone has no TUI to notify: the setting is ignored',
  monitor_silence_threshold: 'pidone has no TUI to notify: the setting is ignored',
  mcp: 'pidone is not an MCP server: the process is not started automatically (pidone start NAME runs it)',
  args: 'process-compose builds the arguments from command or entrypoint and ignores this value; so does pidone',
};

/** Top-level keys pidone reads but cannot honour. */
export const TOP_NOT_HONOURED: Readonly<Record<string, string>> = {
  log_location: 'pidone writes no combined log file: every process\'s output goes to pidone\'s stdout under its name (give a process its own log_location for a file)',
  env_cmds: 'pidone does not run commands while loading its config: set these variables in pidone\'s environment',
  mcp_server: 'pidone is not an MCP server: the setting is ignored',
};

/** Keys with no equivalent at all: the file cannot be run as meant. */
export const UNSUPPORTED: Readonly<Record<string, string>> = {
  extends: 'pidone reads a single file: copy what the extended file defines into this one',
};

/**
 * Checks the keys of one mapping: unknown keys are errors (with a did-you-mean), keys of the
 * process level written inside a nested block are warnings (process-compose ignores them
 * there), `x-*` keys are ignored.
 */
export function checkPcKeys(ctx: Ctx, fields: readonly Field[], known: readonly string[], block: string): void {
  const unknown = fields.filter((f) => !known.includes(f.key) && !f.key.startsWith('x-'));
  const misplaced = block === 'process' || block === 'top' ? [] : unknown.filter((f) => PROCESS_KEYS.includes(f.key));
  for (const f of misplaced) {
    const parent = f.path.slice(0, f.path.length - f.key.length - 1);
    report(ctx, f.at, parent, `${f.key} belongs directly under the process, not under ${block}: process-compose ignores it here, and so does pidone (move it up one level to use it)`, 'warning');
  }
  const rest = unknown.filter((f) => !misplaced.includes(f));
  // checkKeys reports what remains, with pidone's usual wording and suggestion.
  checkKeys(ctx, rest, known);
}

/** A warning at a key that pidone reads but cannot honour. */
export function notHonoured(ctx: Ctx, f: Field, why: string): void {
  report(ctx, f.at, f.path, why, 'warning');
}

/** An error at a key pidone cannot run as meant. */
export function unsupported(ctx: Ctx, f: Field, why: string): void {
  report(ctx, f.at, f.path, `not supported: ${why}`);
}
