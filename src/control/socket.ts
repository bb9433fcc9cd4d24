// Where the control socket lives and how it is put there. Default (spec 6): /run/pidone.sock
// when /run is writable, else $XDG_RUNTIME_DIR/pidone.sock, else pidone-<uid>.sock in the temp
// dir. It is bound under a temporary name, chmod-ed, then renamed into place (supervisord's
// bind-chmod-link), so it is never reachable with a looser mode; a file already there is
// removed only when nothing answers on it.
import { accessSync, constants, chmodSync, existsSync, lstatSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The candidate socket paths, in the order the server tries them. */
function socketCandidates(env: Env, uid: number): string[] {
  const list = ['/run/pidone.sock'];
  if (env.XDG_RUNTIME_DIR) list.push(join(env.XDG_RUNTIME_DIR, 'pidone.sock'));
  list.push(join(tmpdir(), `pidone-${uid}.sock`));
  return list;
}

/** The socket the server binds when the config names none. */
export function defaultSocketPath(env: Env, uid: number, canWrite: (dir: string) => boolean = writable): string {
  const list = socketCandidates(env, uid);
  for (const path of list.slice(0, -1)) if (canWrite(join(path, '..'))) return path;
  return list[list.length - 1]!;
}

/** The socket a client talks to: an existing candidate first, else where the server would bind. */
export function discoverSocket(env: Env, uid: number): string {
  return socketCandidates(env, uid).find((p) => existsSync(p)) ?? defaultSocketPath(env, uid);
}

/** Another live server answers on the socket path: a second pidone must not take it over. */
export class SocketInUse extends Error {}

/**
 * The one warning for a socket that cannot be made (no writable directory: a read-only root
 * filesystem, a non-root user): what is lost and how to get it back.
 */
export function socketFailure(path: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  // libuv reports a missing directory as EACCES too.
  const why = e.code === 'EROFS' ? 'read-only file system' : e.code === 'EACCES' ? 'permission denied, or no such directory'
    : e.code === 'ENOENT' ? 'no such directory' : e.message;
  // Docker's `--tmpfs /run` is root's (mode 755): a non-root user needs it mounted as theirs.
  const uid = process.geteuid?.() ?? 0;
  const tmpfs = uid === 0 ? 'docker run --tmpfs /run' : `docker run --tmpfs /run:uid=${uid} (a plain --tmpfs /run is root's)`;
  return `control: cannot create the control socket ${path} (${why}); pidone goes on supervising, `
    + 'but `pidone status`, supervisorctl and the web page cannot reach it. To fix: give it a writable '
    + `directory (${tmpfs}, a Kubernetes emptyDir on /run), or choose a writable path with `
    + 'settings.control.socket ([unix_http_server] file=)';
}

/** Resolves true when something accepts connections on the unix socket at path. */
function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (v: boolean): void => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(true)); // accepted but silent: still someone's
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function listen(server: Server, target: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    const ok = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (typeof target === 'string') server.listen(target, ok);
    else server.listen(target.port, target.host, 1024, ok);
  });
}

/** Binds `server` to the unix socket at path with mode; returns a function that removes it. */
export async function listenUnix(server: Server, path: string, mode: number, pid: number, log: (m: string) => void): Promise<() => void> {
  if (existsSync(path)) {
    if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket; remove it or choose another control socket`);
    if (await socketAnswers(path)) throw new SocketInUse(`another program is already listening on ${path} (another pidone?); stop it or choose another control socket`);
    log(`unlinking stale socket ${path}`);
    unlinkSync(path);
  }
  const temp = `${path}.${pid}`;
  // sun_path holds 107 bytes: a path that fits only without the suffix is bound directly.
  const direct = Buffer.byteLength(temp) > 107;
  if (!direct && existsSync(temp)) unlinkSync(temp);
  await listen(server, direct ? path : temp);
  chmodSync(direct ? path : temp, mode);
  if (!direct) renameSync(temp, path);
  const ino = statSync(path).ino;
  return () => {
    try {
      if (statSync(path).ino === ino) unlinkSync(path);
    } catch {
      // already gone
    }
  };
}

/** Parses "host:port", "[::1]:port" or a bare port (127.0.0.1). */
export function parseListen(text: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$|^(\d+)$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3] ?? m[4]);
  if (!(port >= 1 && port <= 65535)) return null;
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' || host === '*' ? (host === '*' ? '0.0.0.0' : '127.0.0.1') : host, port };
}

/** Binds `server` to a TCP address. */
export function listenTcp(server: Server, at: { host: string; port: number }): Promise<void> {
  return listen(server, at);
}
