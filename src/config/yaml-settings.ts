// The YAML `settings:` block: output format, shutdown deadline, control socket and TCP listener.
import { isAbsolute, join, dirname } from 'node:path';
import type { ColorMode, ControlSettings, LogFormat, Settings } from '../model/spec.ts';
import { checkKeys, entries, parsed, plain, report, scalar, source, text, type Ctx, type Field } from './yaml-nodes.ts';
import { describe, parseBoolean, parseDuration, parseHealthListen, parseOctal, type Parsed } from './values.ts';

const oneOf = <T extends string>(values: readonly T[], aliases: Readonly<Record<string, T>> = {}) =>
  (v: unknown): Parsed<T> => {
    const key = String(v);
    if ((values as readonly string[]).includes(key)) return { ok: true, value: key as T };
    if (Object.hasOwn(aliases, key)) return { ok: true, value: aliases[key] as T };
    return { ok: false, error: `expected ${values.join(' | ')}, got ${describe(v)}` };
  };

const LOG_FORMATS: readonly LogFormat[] = ['prefix', 'json', 'raw'];
const COLORS: readonly ColorMode[] = ['auto', 'always', 'never'];
const MIN_TOKEN = 16;
const SETTINGS_KEYS = ['log_format', 'timestamps', 'color', 'shutdown_timeout', 'control'];
const CONTROL_KEYS = ['socket', 'socket_mode', 'tcp', 'username', 'password', 'token', 'health'];

/** Reads `settings:` over the defaults. */
export function readSettings(ctx: Ctx, f: Field, defaults: Settings): Settings {
  const fields = entries(ctx, f);
  if (!fields) return defaults;
  checkKeys(ctx, fields, SETTINGS_KEYS, {
    log_level: "pidone's own log level is set with -v",
  });
  const out = { ...defaults };
  for (const x of fields) {
    if (x.key === 'log_format') out.log_format = parsed(ctx, x, oneOf(LOG_FORMATS)) ?? out.log_format;
    if (x.key === 'timestamps') out.timestamps = parsed(ctx, x, parseBoolean) ?? out.timestamps;
    if (x.key === 'color') out.color = parsed(ctx, x, oneOf(COLORS, { true: 'always', false: 'never' })) ?? out.color;
    if (x.key === 'shutdown_timeout') out.shutdown_timeout = parsed(ctx, x, parseDuration) ?? out.shutdown_timeout;
    if (x.key === 'control') out.control = readControl(ctx, x, defaults.control);
  }
  return out;
}

function readControl(ctx: Ctx, f: Field, defaults: ControlSettings): ControlSettings {
  const fields = entries(ctx, f);
  if (!fields) return defaults;
  checkKeys(ctx, fields, CONTROL_KEYS, {
    chmod: 'use socket_mode:', file: 'use socket:', port: 'use tcp: "127.0.0.1:9001"',
  });
  const c = { ...defaults };
  const at: Record<string, Field> = {};
  for (const x of fields) {
    at[x.key] = x;
    if (x.key === 'socket') {
      const v = plain(ctx, x.node) === null ? null : text(ctx, x);
      if (v !== undefined) c.socket = v === null || isAbsolute(v) ? v : join(dirname(ctx.file), v);
    }
    if (x.key === 'socket_mode') c.socket_mode = parsed(ctx, x, (v) => parseOctal(v, source(ctx, x))) ?? c.socket_mode;
    if (x.key === 'tcp') c.tcp = readListen(ctx, x) ?? c.tcp;
    if (x.key === 'health') c.health = plain(ctx, x.node) === null ? null : parsed(ctx, x, parseHealthListen) ?? c.health;
    if (x.key === 'username' || x.key === 'password' || x.key === 'token') {
      const v = plain(ctx, x.node) === null ? null : text(ctx, x);
      if (v !== undefined) c[x.key] = v === '' ? null : v;
    }
  }
  if ((c.username === null) !== (c.password === null)) {
    const which = c.username === null ? 'password' : 'username';
    report(ctx, at[which]?.at ?? f.at, f.path, 'username and password go together; give both or neither');
  }
  if (c.token !== null && c.token.length < MIN_TOKEN) {
    report(ctx, at.token?.at ?? f.at, `${f.path}.token`, `must be at least ${MIN_TOKEN} characters long`);
  }
  if (c.tcp !== null && c.password === null && c.token === null) {
    report(ctx, at.tcp?.at ?? f.at, `${f.path}.tcp`, 'a TCP listener needs authentication: set username and password, or token');
  }
  return c;
}

// `9001`, `:9001` → 127.0.0.1:9001 (pidone binds loopback unless told otherwise); `*:9001` → all.
function readListen(ctx: Ctx, f: Field): string | undefined {
  const v = scalar(ctx, f);
  if (v === undefined) return undefined;
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d+)$/.exec(String(v).trim());
  const port = Number(m?.[2]);
  if (!m || !(port >= 1 && port <= 65535)) {
    report(ctx, f.at, f.path, `expected a port (9001) or host:port (127.0.0.1:9001), got ${describe(v)}`);
    return undefined;
  }
  const host = m[1] === undefined || m[1] === '' ? '127.0.0.1' : m[1] === '*' ? '0.0.0.0' : m[1];
  return `${host}:${port}`;
}
