// The CLI's side of the control API: one HTTP request over the unix socket (or TCP for an
// http:// address), with the credentials from the environment. Kept to node:http so that
// `pidone status` loads little and answers fast (bench/status.mjs).
import { request, type IncomingMessage } from 'node:http';

/** Where the server is: a unix socket path, or an http://host:port base URL. */
export interface Target {
  readonly socket: string | null;
  readonly base: string | null;
  /** Authorization header value, if credentials were given. */
  readonly auth: string | null;
}

/** Nothing answered at the target (no socket file, refused, reset): exit code 4. */
export class NoAnswer extends Error {}

/** The target from -s / PIDONE_SOCKET (`unix:///path`, a path, or `http://host:port`) and the credential variables. */
export function makeTarget(where: string, env: Readonly<Record<string, string | undefined>>): Target {
  const auth = env.PIDONE_TOKEN ? `Bearer ${env.PIDONE_TOKEN}`
    : env.PIDONE_USERNAME !== undefined && env.PIDONE_PASSWORD !== undefined
      ? `Basic ${Buffer.from(`${env.PIDONE_USERNAME}:${env.PIDONE_PASSWORD}`).toString('base64')}` : null;
  if (/^https?:\/\//.test(where)) return { socket: null, base: where.replace(/\/+$/, ''), auth };
  return { socket: where.startsWith('unix://') ? where.slice(7) : where, base: null, auth };
}

// Connection errors that mean "no pidone answered there", worded for the user.
const WHY: Readonly<Record<string, string>> = {
  ENOENT: 'no such file (is pidone running? choose the socket with -s or PIDONE_SOCKET)',
  ECONNREFUSED: 'refused connection', ECONNRESET: 'connection reset', ENOTSOCK: 'not a socket',
  EACCES: 'permission denied (run as the user pidone runs as)', EHOSTUNREACH: 'host unreachable', ETIMEDOUT: 'timed out',
};

/** Sends one request; resolves with the response (body unread) or rejects with NoAnswer. */
export function send(t: Target, method: string, path: string, body?: unknown): Promise<IncomingMessage> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  if (t.auth !== null) headers.Authorization = t.auth;
  return new Promise((resolve, reject) => {
    const opts = t.socket !== null ? { socketPath: t.socket, path, method, headers } : { method, headers };
    const req = t.socket !== null ? request(opts, resolve) : request(`${t.base}${path}`, opts, resolve);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      reject(Object.hasOwn(WHY, code) ? new NoAnswer(`${describe(t)}: ${WHY[code] ?? code}`) : err);
    });
    req.end(payload);
  });
}

/** Reads a whole response body as text. */
export async function text(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON answer; a body that is not JSON becomes { error: <its text> }. */
export async function json<T>(res: IncomingMessage): Promise<T> {
  const raw = await text(res);
  try {
    return JSON.parse(raw) as T;
  } catch {
    return { error: raw.trim() || `HTTP ${res.statusCode}` } as T;
  }
}

/** Sends a request and parses the JSON answer (any status). */
export async function call<T>(t: Target, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await send(t, method, path, body);
  return { status: res.statusCode ?? 0, body: await json<T>(res) };
}

/** How the target is shown in messages. */
export function describe(t: Target): string {
  return t.socket !== null ? `unix://${t.socket}` : (t.base ?? '');
}
