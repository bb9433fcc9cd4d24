// `ready:` and `liveness:` of a YAML program: one check (tcp, http, exec, log, notify) plus its
// timing. A liveness probe watches a running program, so it has no `notify` (sd_notify has no
// "still alive" message that pidone reads) and its own timing defaults.
import type { ReadyCheck, ReadyProbe } from '../model/spec.ts';
import { DEFAULT_LIVENESS, DEFAULT_PROBE } from './defaults.ts';
import { readCommand } from './yaml-parts.ts';
import { checkKeys, entries, parsed, plain, report, scalar, text, type Ctx, type Field } from './yaml-nodes.ts';
import { describe, parseBoolean, parseDuration, parseInteger } from './values.ts';

const CHECK_KINDS = ['tcp', 'http', 'exec', 'log', 'notify'] as const;
const LIVENESS_KINDS = CHECK_KINDS.filter((k) => k !== 'notify');
const TIMING_KEYS = ['interval', 'timeout', 'retries', 'initial_delay'];
const PROBE_KEYS = [...CHECK_KINDS, ...TIMING_KEYS];
const LIVENESS_KEYS = [...LIVENESS_KINDS, ...TIMING_KEYS];

/** `ready:` one check (tcp, http, exec, log, notify) plus its timing. */
export function readReady(ctx: Ctx, f: Field): ReadyProbe | null | undefined {
  return readProbe(ctx, f, 'ready');
}

/** `liveness:` one check (tcp, http, exec, log) plus its timing. */
export function readLiveness(ctx: Ctx, f: Field): ReadyProbe | null | undefined {
  return readProbe(ctx, f, 'liveness');
}

function readProbe(ctx: Ctx, f: Field, which: 'ready' | 'liveness'): ReadyProbe | null | undefined {
  if (plain(ctx, f.node) === null) return null;
  const fields = entries(ctx, f);
  if (!fields) return undefined;
  const kindsAllowed: readonly string[] = which === 'ready' ? CHECK_KINDS : LIVENESS_KINDS;
  const defaults = which === 'ready' ? DEFAULT_PROBE : DEFAULT_LIVENESS;
  checkKeys(ctx, fields, which === 'ready' ? PROBE_KEYS : LIVENESS_KEYS, {
    ...(which === 'liveness' ? { notify: 'a liveness probe checks a running program: use tcp, http, exec or log' } : {}),
    http_get: 'write http: "http://127.0.0.1:PORT/path"', period_seconds: 'use interval:',
    timeout_seconds: 'use timeout:', failure_threshold: 'use retries:', initial_delay_seconds: 'use initial_delay:',
  });
  const kinds = fields.filter((x) => kindsAllowed.includes(x.key));
  if (kinds.length !== 1) {
    const got = kinds.length === 0 ? 'none' : kinds.map((k) => k.key).join(' and ');
    report(ctx, f.at, f.path, `expected exactly one of ${kindsAllowed.join(', ')}, got ${got}`);
    return undefined;
  }
  const kind = kinds[0] as Field;
  const check = readCheck(ctx, kind);
  const timing: Record<string, number> = { ...defaults };
  let bad = check === undefined;
  for (const x of fields) {
    if (x.key === 'retries') {
      const n = parsed(ctx, x, (v) => parseInteger(v, 1));
      if (n === undefined) bad = true;
      else timing.retries = n;
    } else if (x.key === 'interval' || x.key === 'timeout' || x.key === 'initial_delay') {
      const d = parsed(ctx, x, parseDuration);
      if (d === undefined) bad = true;
      else timing[x.key] = d;
    }
  }
  if (bad || !check) return undefined;
  return {
    check,
    initial_delay: timing.initial_delay ?? defaults.initial_delay,
    interval: timing.interval ?? defaults.interval,
    timeout: timing.timeout ?? defaults.timeout,
    retries: timing.retries ?? defaults.retries,
  };
}

function readCheck(ctx: Ctx, f: Field): ReadyCheck | undefined {
  switch (f.key) {
    case 'tcp': {
      const v = scalar(ctx, f);
      if (v === undefined) return undefined;
      const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(String(v)) ?? /^()()(\d+)$/.exec(String(v).trim());
      const port = Number(m?.[3]);
      if (!m || !(port >= 1 && port <= 65535)) {
        report(ctx, f.at, f.path, `expected a port (6379) or host:port (db:5432), got ${describe(v)}`);
        return undefined;
      }
      return { kind: 'tcp', host: m[1] || m[2] || '127.0.0.1', port };
    }
    case 'http': {
      const url = text(ctx, f);
      if (url === undefined) return undefined;
      if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
        report(ctx, f.at, f.path, `expected a URL like http://127.0.0.1:3000/health, got ${describe(url)}`);
        return undefined;
      }
      return { kind: 'http', url };
    }
    case 'exec': {
      const command = readCommand(ctx, f);
      return command === undefined ? undefined : { kind: 'exec', command: command.command };
    }
    case 'log': {
      // A regex: `$` anchors must survive, so no ${VAR} expansion here.
      const pattern = text(ctx, f, true);
      if (pattern === undefined) return undefined;
      try {
        new RegExp(pattern);
      } catch (err) {
        const why = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
        report(ctx, f.at, f.path, `invalid regular expression /${pattern}/: ${why.charAt(0).toLowerCase()}${why.slice(1)}`);
        return undefined;
      }
      return { kind: 'log', pattern };
    }
    default: {
      const on = parsed(ctx, f, parseBoolean);
      if (on === false) report(ctx, f.at, f.path, 'expected true (leave ready: out for no probe)');
      return on ? { kind: 'notify' } : undefined;
    }
  }
}
