// [inet_http_server] and [unix_http_server] (ServerOptions.server_configs_from_parser): every
// section whose name starts with either word (`[inet_http_server:second]` too), inet first.
import type { ControlSettings } from '../model/spec.ts';
import { attempt, fail, saneget, type Ctx } from './ini-context.ts';
import { getOption } from './ini-parser.ts';
import { normalizePath } from './ini-pypath.ts';
import { pyStrip, PyValueError } from './ini-py.ts';
import { inetAddress, octalType, userOrId } from './ini-values.ts';

/** One HTTP server as supervisord configures it. */
export interface IniServer {
  readonly section: string;
  /** The part after ':' in the section name, or null. */
  readonly name: string | null;
  readonly family: 'unix' | 'inet';
  readonly username: string | null;
  readonly password: string | null;
  /** unix: the socket path (absolute, normalized), its mode and owner (user or uid, group or gid; -1 = unchanged). */
  readonly file?: string;
  readonly chmod?: number;
  readonly chown?: readonly [string | number, string | number];
  /** inet: host ('' = every interface) and port. */
  readonly host?: string;
  readonly port?: number;
}

function serverName(section: string): string | null {
  const i = section.indexOf(':');
  return i < 0 ? null : section.slice(i + 1);
}

function auth(ctx: Ctx, section: string): { username: string | null; password: string | null } {
  const username = attempt(ctx, { section, key: 'username' }, () => saneget(ctx, section, 'username', null), null);
  const password = attempt(ctx, { section, key: 'password' }, () => saneget(ctx, section, 'password', null), null);
  if ((username === null) !== (password === null)) {
    fail(ctx, { section, key: username === null ? 'password' : 'username' }, new PyValueError(
      `Section [${section}] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified`,
    ), `add the missing ${username === null ? 'username' : 'password'}`);
  }
  return { username, password };
}

/** Both kinds of server sections, inet ones first, as supervisord lists them. */
export function readServers(ctx: Ctx): IniServer[] {
  const out: IniServer[] = [];
  const sections = [...ctx.store.sections.keys()];
  for (const section of sections.filter((s) => s.startsWith('inet_http_server'))) {
    const creds = auth(ctx, section);
    const port = attempt(ctx, { section, key: 'port' }, () => saneget(ctx, section, 'port', null), null);
    if (port === null) {
      if (getOption(ctx.store, section, 'port') === undefined) {
        fail(ctx, { section }, new PyValueError(`section [${section}] has no port value`), 'add port = 127.0.0.1:9001');
      }
      continue;
    }
    const addr = attempt(ctx, { section, key: 'port' }, () => inetAddress(port), null, 'expected a port like 9001, 127.0.0.1:9001 or *:9001');
    if (addr === null) continue;
    out.push({ section, name: serverName(section), family: 'inet', ...creds, host: addr[0], port: addr[1] });
  }
  for (const section of sections.filter((s) => s.startsWith('unix_http_server'))) {
    const here = new Map([['here', ctx.here]]);
    const sfile = attempt(ctx, { section, key: 'file' }, () => saneget(ctx, section, 'file', null, here), null);
    if (sfile === null && getOption(ctx.store, section, 'file') === undefined) {
      fail(ctx, { section }, new PyValueError(`section [${section}] has no file value`), 'add file = /run/supervisord.sock');
    }
    const creds = auth(ctx, section);
    const chown = attempt(ctx, { section, key: 'chown' }, () => {
      const v = saneget(ctx, section, 'chown', null);
      if (v === null) return [-1, -1] as const;
      const i = v.indexOf(':');
      return i < 0 ? ([userOrId(v), -1] as const) : ([userOrId(v.slice(0, i)), userOrId(v.slice(i + 1))] as const);
    }, [-1, -1] as const);
    const chmod = attempt(ctx, { section, key: 'chmod' }, () => {
      const v = saneget(ctx, section, 'chmod', null);
      if (v === null) return 0o700;
      try {
        return octalType(v);
      } catch {
        throw new PyValueError(`Invalid chmod value ${v}`);
      }
    }, 0o700, 'expected an octal mode like 0700');
    if (sfile === null) continue;
    const file = normalizePath(pyStrip(sfile), ctx.cwd, ctx.home);
    out.push({ section, name: serverName(section), family: 'unix', ...creds, file, chmod, chown });
  }
  return out;
}

/**
 * The control listeners from the first server of each kind, each with its own credentials as
 * supervisord applies them: [unix_http_server] username/password guard the socket only, and
 * [inet_http_server]'s the TCP listener only (pidone refuses TCP without them).
 */
export function controlSettings(servers: readonly IniServer[], defaults: ControlSettings): ControlSettings {
  const unix = servers.find((s) => s.family === 'unix');
  const inet = servers.find((s) => s.family === 'inet');
  return {
    ...defaults,
    socket: unix?.file ?? null,
    socket_mode: unix?.chmod ?? defaults.socket_mode,
    // supervisord binds every interface for `port=9001`, `:9001` and `*:9001`.
    tcp: inet ? `${inet.host || '0.0.0.0'}:${inet.port}` : null,
    username: inet?.username ?? null,
    password: inet?.password ?? null,
    token: null,
    socket_username: unix?.username ?? null,
    socket_password: unix?.password ?? null,
  };
}
