// process-compose's readiness_probe / liveness_probe (exec or http_get, with Kubernetes-style
// timing) and ready_log_line, in pidone's probe shape. Read once per process; built per replica,
// since process-compose renders the probe's command and URL parts as templates.
import type { ReadyProbe } from '../model/spec.ts';
import { entries, parsed, plain, report, scalar, text, type Ctx, type Field } from './yaml-nodes.ts';
import { EXEC_PROBE_KEYS, HTTP_PROBE_KEYS, PROBE_KEYS, checkPcKeys } from './pc-keys.ts';
import { describe, parseInteger } from './values.ts';

/** A probe as written, before templates are rendered. */
export interface PcProbe {
  readonly exec: { readonly command: string; readonly workingDir: string | null } | null;
  readonly http: { readonly host: string; readonly scheme: string; readonly path: string; readonly port: string } | null;
  readonly initialDelay: number;
  readonly period: number;
  readonly timeout: number;
  readonly failures: number;
}

/**
 * How long pidone waits for a ready_log_line: process-compose waits forever; pidone's log probe
 * needs a deadline (interval x retries), so it gets a day.
 */
export const LOG_LINE_WAIT = { interval: 1, retries: 86_400 } as const;

/** Reads `readiness_probe:` or `liveness_probe:`; undefined when it is unusable (reported). */
export function readPcProbe(ctx: Ctx, f: Field): PcProbe | undefined {
  const fields = entries(ctx, f);
  if (!fields) return undefined;
  checkPcKeys(ctx, fields, PROBE_KEYS, f.key);
  const get = (k: string) => fields.find((x) => x.key === k);
  // Go ints; values below the minimum fall back to the defaults, as process-compose does.
  const int = (k: string, min: number, dflt: number): number => {
    const x = get(k);
    if (!x) return dflt;
    const n = parsed(ctx, x, (v) => parseInteger(v, Number.MIN_SAFE_INTEGER));
    return n === undefined || n < min ? dflt : n;
  };
  const timing = {
    initialDelay: Math.max(0, int('initial_delay_seconds', 0, 0)),
    period: int('period_seconds', 1, 10),
    timeout: int('timeout_seconds', 1, 1),
    failures: int('failure_threshold', 1, 3),
  };
  // success_threshold is a placeholder in process-compose too ("not respected"): read, unused.
  if (get('success_threshold')) int('success_threshold', 1, 1);
  const execField = get('exec');
  const httpField = get('http_get');
  if (execField && httpField) {
    report(ctx, f.at, f.path, 'give exec or http_get, not both');
    return undefined;
  }
  if (execField) {
    const e = entries(ctx, execField);
    if (!e) return undefined;
    checkPcKeys(ctx, e, EXEC_PROBE_KEYS, 'exec');
    const cmd = e.find((x) => x.key === 'command');
    const command = cmd ? text(ctx, cmd) : undefined;
    if (!cmd || command === undefined || command.trim() === '') {
      if (!cmd) report(ctx, execField.at, execField.path, 'missing command');
      else if (command !== undefined) report(ctx, cmd.at, cmd.path, 'command is empty');
      return undefined;
    }
    const wd = e.find((x) => x.key === 'working_dir');
    const workingDir = wd ? (text(ctx, wd) ?? null) : null;
    return { exec: { command, workingDir: workingDir || null }, http: null, ...timing };
  }
  if (httpField) {
    const h = entries(ctx, httpField);
    if (!h) return undefined;
    checkPcKeys(ctx, h, HTTP_PROBE_KEYS, 'http_get');
    const str = (k: string, dflt: string): string => {
      const x = h.find((y) => y.key === k);
      const v = x ? scalar(ctx, x) : undefined;
      return v === undefined || v === null || String(v).trim() === '' ? dflt : String(v).trim();
    };
    let port = str('port', '');
    const numPort = h.find((x) => x.key === 'num_port');
    if (port === '' && numPort) port = str('num_port', '');
    const headers = h.find((x) => x.key === 'headers');
    if (headers && plain(ctx, headers.node) !== null) {
      report(ctx, headers.at, headers.path, 'pidone\'s HTTP probe sends no extra headers: they are ignored (an exec probe with curl -H can send them)', 'warning');
    }
    const status = h.find((x) => x.key === 'status_code');
    if (status) {
      const code = parsed(ctx, status, (v) => parseInteger(v, Number.MIN_SAFE_INTEGER));
      if (code !== undefined && code >= 1 && code < 400 && code !== 200) {
        report(ctx, status.at, status.path, `pidone's HTTP probe passes on any 2xx or 3xx answer, not only ${code}`, 'warning');
      }
    }
    return { exec: null, http: { host: str('host', '127.0.0.1'), scheme: str('scheme', 'http'), path: str('path', '/'), port }, ...timing };
  }
  report(ctx, f.at, f.path, `expected exec: { command } or http_get: { port, path }, got ${describe(plain(ctx, f.node))}`);
  return undefined;
}

/** The probe's check with templates rendered; shell is process-compose's shell argv prefix. */
export function pcCheck(p: PcProbe, render: (s: string) => string, shell: readonly string[], dir: string | null): ReadyProbe['check'] | string {
  if (p.exec) {
    let command = render(p.exec.command);
    const wd = p.exec.workingDir === null ? null : render(p.exec.workingDir);
    // The probe may run somewhere else than the process: pidone runs probes in its directory.
    if (wd && wd !== dir) command = `cd -- '${wd.replace(/'/g, `'\\''`)}' && ${command}`;
    return { kind: 'exec', command: [...shell, command] };
  }
  const h = p.http as NonNullable<PcProbe['http']>;
  const port = Number(render(h.port));
  const portPart = Number.isInteger(port) && port >= 1 && port <= 65535 ? `:${port}` : '';
  const host = render(h.host);
  const url = `${render(h.scheme)}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}${portPart}${render(h.path)}`;
  if (!URL.canParse(url) || !/^https?:/.test(url)) return `the probe's URL ${JSON.stringify(url)} is not an http(s) URL`;
  return { kind: 'http', url };
}

/** pidone's `ready` for a process-compose readiness probe: gates the start, gives up after failure_threshold. */
export function readyOf(p: PcProbe, check: ReadyProbe['check']): ReadyProbe {
  return { check, initial_delay: p.initialDelay, interval: p.period, timeout: p.timeout, retries: p.failures };
}

/**
 * pidone's `liveness` for a process-compose probe. A liveness_probe is one as written; a
 * readiness_probe keeps checking after the process became ready (a process that stops being
 * healthy is stopped and restarted by its availability policy), which is pidone's liveness,
 * starting right after readiness.
 */
export function livenessOf(p: PcProbe, check: ReadyProbe['check'], afterReady: boolean): ReadyProbe {
  return { check, initial_delay: afterReady ? 0 : p.initialDelay, interval: p.period, timeout: p.timeout, retries: p.failures };
}

/** A ready_log_line: a substring match, as a regex that matches it literally. */
export function logLineProbe(line: string): ReadyProbe {
  return {
    check: { kind: 'log', pattern: line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') },
    initial_delay: 0, interval: LOG_LINE_WAIT.interval, timeout: 1, retries: LOG_LINE_WAIT.retries,
  };
}
