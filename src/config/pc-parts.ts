// The structured blocks of a process-compose process: availability, depends_on, shutdown,
// log_location with log_configuration, vars, env_file.
import { isAbsolute, join } from 'node:path';
import { isScalar } from 'yaml';
import type { Critical, DependencyCondition, ProgramSpec } from '../model/spec.ts';
import type { Severity } from './diagnostic.ts';
import { parseEnvFile } from './envfile.ts';
import { readText } from './files.ts';
import { deref, entries, isMapping, parsed, plain, report, scalar, text, type Ctx, type Field } from './yaml-nodes.ts';
import { AVAILABILITY_KEYS, DEPENDENCY_KEYS, LOG_CONFIG_KEYS, ROTATION_KEYS, SHUTDOWN_KEYS, checkPcKeys, notHonoured } from './pc-keys.ts';
import { didYouMean } from './suggest.ts';
import { describe, parseBoolean, parseInteger, parseSignal } from './values.ts';

export interface PcAvailability {
  readonly autorestart: ProgramSpec['autorestart'];
  readonly critical: Critical;
  readonly backoffSeconds: number;
  /** null: unlimited (process-compose's 0). */
  readonly maxRestarts: number | null;
  readonly exitOnSkipped: boolean;
}

const RESTART: Readonly<Record<string, ProgramSpec['autorestart']>> = { no: false, always: true, on_failure: 'unexpected', exit_on_failure: false };

/** `availability: { restart, backoff_seconds, max_restarts, exit_on_end, exit_on_skipped }`. */
export function readAvailability(ctx: Ctx, f: Field): PcAvailability | null {
  const fields = entries(ctx, f);
  if (!fields) return null;
  checkPcKeys(ctx, fields, AVAILABILITY_KEYS, 'availability');
  const out = { autorestart: false as ProgramSpec['autorestart'], backoffSeconds: 1, maxRestarts: null as number | null, exitOnSkipped: false };
  let exitOnFailure = false;
  let exitOnEnd = false;
  for (const x of fields) {
    if (x.key === 'restart') {
      const v = scalar(ctx, x);
      const r = typeof v === 'string' && Object.hasOwn(RESTART, v) ? RESTART[v] : undefined;
      if (r !== undefined) {
        out.autorestart = r;
        exitOnFailure = v === 'exit_on_failure';
      } else if (v !== undefined) report(ctx, x.at, x.path, `expected always | on_failure | exit_on_failure | no, got ${describe(v)}`);
    }
    // process-compose waits at least a second.
    if (x.key === 'backoff_seconds') out.backoffSeconds = Math.max(1, parsed(ctx, x, (v) => parseInteger(v, Number.MIN_SAFE_INTEGER)) ?? 1);
    if (x.key === 'max_restarts') {
      const n = parsed(ctx, x, (v) => parseInteger(v, 0));
      if (n !== undefined) out.maxRestarts = n === 0 ? null : n;
    }
    if (x.key === 'exit_on_end') exitOnEnd = parsed(ctx, x, parseBoolean) ?? false;
    if (x.key === 'exit_on_skipped') out.exitOnSkipped = parsed(ctx, x, parseBoolean) ?? false;
  }
  // exit_on_failure ends the project when the process fails; exit_on_end whenever it ends.
  return { ...out, critical: exitOnEnd ? true : exitOnFailure ? 'on-failure' : false };
}

export interface PcDependency {
  readonly condition: DependencyCondition;
  /** The process-compose condition as written (process_healthy and process_log_ready both mean ready). */
  readonly written: string;
  readonly at: Field;
}

const CONDITIONS: Readonly<Record<string, DependencyCondition>> = {
  process_started: 'started',
  process_healthy: 'ready',
  process_log_ready: 'ready',
  process_completed: 'completed',
  process_completed_successfully: 'completed_successfully',
};

/** `depends_on: { name: { condition: ... } }`. */
export function readDepends(ctx: Ctx, f: Field): Record<string, PcDependency> {
  const out: Record<string, PcDependency> = {};
  for (const e of entries(ctx, f) ?? []) {
    if (plain(ctx, e.node) !== null && !isMapping(ctx, e)) {
      report(ctx, e.at, e.path, `expected { condition: process_started } (or another condition), got ${describe(plain(ctx, e.node))}`);
      continue;
    }
    const fields = plain(ctx, e.node) === null ? [] : (entries(ctx, e) ?? []);
    checkPcKeys(ctx, fields, DEPENDENCY_KEYS, 'depends_on');
    const c = fields.find((x) => x.key === 'condition');
    if (!c) {
      // process-compose reads a dependency without a condition as process_completed (its default value).
      report(ctx, e.at, e.path, `no condition: process-compose then waits for ${e.key} to complete (process_completed), and so does pidone; write condition: process_started to wait only for its start`, 'warning');
      out[e.key] = { condition: 'completed', written: 'process_completed', at: e };
      continue;
    }
    const v = scalar(ctx, c);
    const cond = typeof v === 'string' ? CONDITIONS[v] : undefined;
    if (!cond) {
      if (v !== undefined) report(ctx, c.at, c.path, `expected ${Object.keys(CONDITIONS).join(' | ')}, got ${describe(v)}${typeof v === 'string' ? didYouMean(v, Object.keys(CONDITIONS)) : ''}`);
      continue;
    }
    out[e.key] = { condition: cond, written: v as string, at: e };
    ctx.keys.set(`${f.path}.${e.key}`, e.at);
  }
  return out;
}

export interface PcShutdown {
  readonly signal: string;
  /** null: process-compose's "undefined" (pidone keeps its 10 s default). */
  readonly timeout: number | null;
  readonly parentOnly: boolean;
  readonly command: string[] | null;
}

/** `shutdown: { command, signal, timeout_seconds, parent_only, send_keys }`. */
export function readShutdown(ctx: Ctx, f: Field, shell: readonly string[]): PcShutdown | null {
  const fields = entries(ctx, f);
  if (!fields) return null;
  checkPcKeys(ctx, fields, SHUTDOWN_KEYS, 'shutdown');
  const out = { signal: 'TERM', timeout: null as number | null, parentOnly: false, command: null as string[] | null };
  for (const x of fields) {
    if (x.key === 'signal') {
      const v = scalar(ctx, x);
      const n = typeof v === 'number' || (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) ? Number(v) : null;
      if (n !== null && !(n >= 1 && n <= 31)) {
        report(ctx, x.at, x.path, `signal ${n} is outside 1-31: process-compose sends SIGTERM instead, and so does pidone`, 'warning');
      } else {
        const sig = parsed(ctx, x, parseSignal);
        if (sig !== undefined) out.signal = sig;
      }
    }
    if (x.key === 'timeout_seconds') {
      const n = parsed(ctx, x, (v) => parseInteger(v, Number.MIN_SAFE_INTEGER));
      if (n !== undefined && n > 0) out.timeout = n;
    }
    if (x.key === 'parent_only') out.parentOnly = parsed(ctx, x, parseBoolean) ?? false;
    if (x.key === 'command') {
      const c = text(ctx, x);
      if (c !== undefined && c.trim() !== '') out.command = [...shell, c];
    }
    if (x.key === 'send_keys' && plain(ctx, x.node) !== null) {
      notHonoured(ctx, x, `pidone cannot type into a program: it sends SIG${out.signal} instead`);
    }
  }
  return out;
}

export interface PcLogFiles {
  readonly path: string;
  /** Rotation size (0: the file is never rotated, as without log_configuration.rotation). */
  readonly maxbytes: number;
  readonly backups: number;
}

const MB = 1024 * 1024;

/** `log_location` with its `log_configuration`; the path is as written (templates not yet rendered). */
export function readLogFiles(ctx: Ctx, loc: Field, config: Field | undefined): PcLogFiles | null {
  const path = text(ctx, loc);
  if (path === undefined || path.trim() === '') return null;
  let maxbytes = 0;
  let backups = 10;
  let raw = false;
  const fields = config && plain(ctx, config.node) !== null ? (entries(ctx, config) ?? []) : [];
  if (config) checkPcKeys(ctx, fields, LOG_CONFIG_KEYS, 'log_configuration');
  const flag = (k: string) => {
    const x = fields.find((y) => y.key === k);
    return x ? (parsed(ctx, x, parseBoolean) ?? false) : false;
  };
  raw = flag('disable_json') && flag('no_metadata') && !flag('add_timestamp');
  const rotation = fields.find((x) => x.key === 'rotation');
  if (rotation && plain(ctx, rotation.node) !== null) {
    const r = entries(ctx, rotation) ?? [];
    checkPcKeys(ctx, r, ROTATION_KEYS, 'rotation');
    for (const x of r) {
      const n = () => parsed(ctx, x, (v) => parseInteger(v, 0));
      if (x.key === 'max_size_mb') maxbytes = (n() ?? 0) * MB;
      if (x.key === 'max_backups') {
        const b = n();
        if (b !== undefined && b > 0) backups = b;
      }
      if ((x.key === 'max_age_days' || x.key === 'compress') && plain(ctx, x.node) !== null) {
        notHonoured(ctx, x, 'pidone rotates by size only: old files are neither expired by age nor compressed');
      }
    }
  }
  if (!raw) {
    report(ctx, loc.at, loc.path, 'pidone writes the program\'s output lines to this file as they are; process-compose writes log records (JSON, or with log_configuration.disable_json a line with its metadata)', 'warning');
  }
  return { path, maxbytes, backups };
}

/** `vars:` (Go template variables): scalars with ${VAR} expanded, structures as they are. */
export function readVars(ctx: Ctx, f: Field): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries(ctx, f) ?? []) {
    const node = deref(ctx, e.node);
    out[e.key] = node === null || isScalar(node) ? scalar(ctx, e) : node.toJSON();
  }
  return out;
}

/** A replica's log file: `{PC_REPLICA_NUM}` replaced, else `.N` appended when replicated. */
export function replicaLog(path: string, replica: number, replicas: number): string {
  if (path.includes('{PC_REPLICA_NUM}')) return path.replaceAll('{PC_REPLICA_NUM}', String(replica));
  return replicas > 1 ? `${path}.${replica}` : path;
}

export function resolveIn(base: string, p: string): string {
  return isAbsolute(p) ? p : join(base, p);
}

// process-compose logs an unreadable env_file and runs the process without it (is_strict: refuses).
export function readProcessEnvFile(ctx: Ctx, f: Field, file: string, missing: Severity, reported: Set<string>): Record<string, string> {
  const content = readText(file);
  if (typeof content !== 'string') {
    const msg = `cannot read env file ${file}: ${content.error}${missing === 'warning' ? ' (process-compose runs the process without it, and so does pidone)' : ''}`;
    if (!reported.has(msg)) { reported.add(msg); report(ctx, f.at, f.path, msg, missing); }
    return {};
  }
  const r = parseEnvFile(content, (n) => ctx.lookup(n));
  for (const p of r.problems) {
    const msg = `${file}:${p.line}: ${p.message}`;
    if (!reported.has(msg)) { reported.add(msg); ctx.diagnostics.push({ file, line: p.line, col: p.col, severity: p.severity, message: p.message }); }
  }
  return { ...r.vars };
}
