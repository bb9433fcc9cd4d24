// What a client takes from a config file to reach the pidone that runs it: the control socket
// and the credentials, as `supervisorctl -c FILE` takes them. The socket is the one the daemon
// binds for that file (settings.control.socket, [unix_http_server] file=); the credentials are,
// in INI, [supervisorctl] username/password (what supervisorctl sends; the server's own password
// may be a {SHA} hash), else the server's when they are plain; in YAML, control.token or
// control.username/password. Part of the lazily compiled half of the bundle (src/lazy.ts).
import { readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { ConfigError, formatDiagnostic } from '../config/diagnostic.ts';
import { expand, type PyDict } from '../config/ini-expand.ts';
import { expandHere, getOption, newStore, readIniText } from '../config/ini-parser.ts';
import { loadConfig } from '../config/load.ts';

export interface ClientSettings {
  /** The unix socket the daemon binds for this config; null: pidone's default. */
  readonly socket: string | null;
  /** Authorization header value, or null when the config holds no usable credentials. */
  readonly auth: string | null;
}

export type ClientSettingsResult =
  | { readonly ok: true; readonly settings: ClientSettings }
  | { readonly ok: false; readonly errors: readonly string[] };

export interface ClientConfigOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly hostname: string;
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The control socket and credentials a client should use for the pidone running `file`. */
export function clientSettings(file: string, opts: ClientConfigOptions): ClientSettingsResult {
  let control;
  try {
    // Facts of this host (users, directories) do not change where the socket is.
    control = loadConfig(file, { ...opts, hostSeverity: 'warning' }).model.settings.control;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { ok: false, errors: err.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic) };
  }
  let auth: string | null = null;
  if (control.token !== null) auth = `Bearer ${control.token}`;
  else if (control.username !== null && control.password !== null && !control.password.startsWith('{SHA}')) auth = basic(control.username, control.password);
  if (!/^\.ya?ml$/i.test(extname(file))) auth = supervisorctlAuth(file, opts.env) ?? auth;
  return { ok: true, settings: { socket: control.socket, auth } };
}

/**
 * [supervisorctl] username and password of an INI file, expanded as supervisorctl expands them
 * (%(ENV_X)s and %(here)s); null when absent or unreadable. supervisorctl reads only the main
 * file, not its [include]s.
 */
function supervisorctlAuth(file: string, env: ClientConfigOptions['env']): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const store = newStore();
  if (readIniText(store, text, file).error !== null) return null;
  expandHere(store, dirname(file));
  const names: PyDict = new Map([['here', dirname(file)]]);
  for (const [k, v] of Object.entries(env)) if (v !== undefined) names.set(`ENV_${k}`, v);
  const get = (key: string): string | null => {
    const v = getOption(store, 'supervisorctl', key);
    if (v === undefined) return null;
    try {
      return expand(v.value, names, `supervisorctl.${key}`);
    } catch {
      return null;
    }
  };
  const user = get('username');
  const password = get('password');
  return user !== null && password !== null ? basic(user, password) : null;
}
