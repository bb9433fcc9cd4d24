// Which pidone a client command talks to, and with which credentials, found the way
// `supervisorctl -c FILE` finds its server:
//   socket:      -s/--socket, else $PIDONE_SOCKET, else the config's socket, else the default
//                place (/run/pidone.sock, $XDG_RUNTIME_DIR/pidone.sock, pidone-<uid>.sock in tmp);
//   config:      -c FILE (before or after the command), else $PIDONE_CONFIG, else the daemon's own
//                discovery (./pidone.yaml ... /etc/supervisor/supervisord.conf);
//   credentials: PIDONE_TOKEN or PIDONE_USERNAME/PIDONE_PASSWORD, else the config's.
// A socket named by -s or $PIDONE_SOCKET skips discovery (a config is read only if named), so
// the common cases cost no config parsing.
import { resolve } from 'node:path';
import { discoverSocket } from '../control/socket.ts';
import { type Target, makeTarget } from './http-client.ts';

export interface TargetHost {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly uid: number;
  readonly cwd: string;
  /** The path pidone was started as (discovery looks beside it, as supervisord does). */
  readonly argv0: string;
  readonly hostname: string;
  exists(path: string): boolean;
}

/** A config named with -c or $PIDONE_CONFIG that cannot be read: exit 2, as the daemon would. */
export class ClientConfigError extends Error {
  readonly file: string;
  readonly errors: readonly string[];
  constructor(file: string, errors: readonly string[]) {
    super(`${file}: cannot find the control socket in it:\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.file = file;
    this.errors = errors;
  }
}

function envAuth(env: TargetHost['env']): boolean {
  return Boolean(env.PIDONE_TOKEN) || (env.PIDONE_USERNAME !== undefined && env.PIDONE_PASSWORD !== undefined);
}

/** The target for a client command given -s (socketFlag) and -c (configFlag), either may be null. */
export async function resolveTarget(socketFlag: string | null, configFlag: string | null, host: TargetHost): Promise<Target> {
  const { env } = host;
  const socketGiven = socketFlag ?? env.PIDONE_SOCKET ?? null;
  const named = configFlag ?? (env.PIDONE_CONFIG || null);
  if (socketGiven !== null && (named === null || envAuth(env))) return makeTarget(socketGiven, env);
  // The config module is in the lazily compiled half: loaded only when a config file is used.
  const lazy = await import('../lazy.ts');
  const file = named !== null ? resolve(host.cwd, named)
    : lazy.discoverConfig({ cwd: host.cwd, env: {}, argv0: host.argv0, exists: host.exists });
  if (file === null) return makeTarget(socketGiven ?? discoverSocket(env, host.uid), env);
  const read = lazy.clientSettings(file, { env, cwd: host.cwd, hostname: host.hostname });
  if (!read.ok) {
    if (named !== null) throw new ClientConfigError(file, read.errors);
    return makeTarget(socketGiven ?? discoverSocket(env, host.uid), env);
  }
  let socket = socketGiven ?? read.settings.socket ?? discoverSocket(env, host.uid);
  // A config found by discovery may not be the one pidone runs (pidone -c elsewhere): when its
  // socket is not there but one in the default places is, that one is pidone's.
  if (socketGiven === null && named === null && !host.exists(socket)) {
    const fallback = discoverSocket(env, host.uid);
    if (host.exists(fallback)) socket = fallback;
  }
  return makeTarget(socket, env, read.settings.auth);
}
