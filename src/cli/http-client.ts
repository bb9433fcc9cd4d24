// The CLI's side of the control API: one HTTP/1.0 request per connection over node:net (unix
// socket, or TCP for an http:// address), with the credentials from the environment. Not
// node:http: loading it and its agent costs ~10 ms, a third of what `pidone status` spends
// above Node's own start-up (bench/status.mjs). HTTP/1.0 keeps the answer simple: no
// chunking, the body ends when the server closes the connection.
import { connect } from 'node:net';

/** Where the server is: a unix socket path, or an http://host:port base URL. */
export interface Target {
  readonly socket: string | null;
  readonly base: string | null;
  /** Authorization header value, if credentials were given. */
  readonly auth: string | null;
}

/** Nothing listens at the target (no socket file, refused, not a socket, no permission): exit 4. */
export class NoAnswer extends Error {}

/**
 * Something listens at the target but dropped the connection before answering, or its queue
 * was full, for as long as the client retried: pidone is alive but overloaded or out of
 * descriptors. Exit 5, which a liveness probe must not read as "dead".
 */
export class Busy extends Error {}

/** How long a client keeps retrying a target that listens but does not answer. */
export const RETRY_MS = 2000;

/** A finished answer. */
export interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * The target from -s / PIDONE_SOCKET (`unix:///path`, a path, or `http://host:port`) and the
 * credential variables, which win over `fallbackAuth` (a config file's credentials).
 */
export function makeTarget(where: string, env: Readonly<Record<string, string | undefined>>, fallbackAuth: string | null = null): Target {
  const auth = env.PIDONE_TOKEN ? `Bearer ${env.PIDONE_TOKEN}`
    : env.PIDONE_USERNAME !== undefined && env.PIDONE_PASSWORD !== undefined
      ? `Basic ${Buffer.from(`${env.PIDONE_USERNAME}:${env.PIDONE_PASSWORD}`).toString('base64')}` : fallbackAuth;
  if (/^https?:\/\//.test(where)) return { socket: null, base: where.replace(/\/+$/, ''), auth };
  return { socket: where.startsWith('unix://') ? where.slice(7) : where, base: null, auth };
}

// Connection errors, worded for the user: nothing listens there (exit 4), or something does
// but could not take the connection (retried, then exit 5). libuv answers a server's EMFILE by
// accepting and closing at once, so a reset or a close before the answer means "busy".
const NOTHING: Readonly<Record<string, string>> = {
  ENOENT: 'no such file (is pidone running? choose the socket with -s or PIDONE_SOCKET)',
  ECONNREFUSED: 'refused connection', ENOTSOCK: 'not a socket',
  EACCES: 'permission denied (run as the user pidone runs as)', EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable', ENOTFOUND: 'no such host',
};
const BUSY: Readonly<Record<string, string>> = {
  EAGAIN: 'its connection queue is full', ECONNRESET: 'connection reset before an answer',
  EPIPE: 'connection closed before an answer', ETIMEDOUT: 'connection timed out',
  EMFILE: 'this client is out of file descriptors', ENFILE: 'the system is out of file descriptors',
};

/**
 * Sends one request. With `onBody`, a 200 answer's body is handed over as it arrives (logs -f)
 * and `body` is empty; any other answer is collected as usual. A target that listens but drops
 * the connection before any answer is tried again for up to `retryMs`, then Busy.
 */
export async function send(t: Target, method: string, path: string, json?: unknown, onBody?: (chunk: Buffer) => void, retryMs = RETRY_MS): Promise<Answer> {
  const deadline = Date.now() + retryMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 400)) {
    try {
      return await attempt(t, method, path, json, onBody, Math.max(100, deadline - Date.now()));
    } catch (err) {
      const left = deadline - Date.now();
      if (!(err instanceof Busy)) throw err;
      if (left <= 0) throw new Busy(`${err.message}; retried for ${retryMs / 1000} s`);
      await new Promise((r) => setTimeout(r, Math.min(delay, left)));
    }
  }
}

function attempt(t: Target, method: string, path: string, json: unknown, onBody: ((chunk: Buffer) => void) | undefined, connectMs: number): Promise<Answer> {
  const payload = json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(json));
  const url = t.base === null ? null : new URL(t.base);
  let head = `${method} ${path} HTTP/1.0\r\nHost: ${url?.host ?? 'localhost'}\r\nAccept: application/json\r\n`;
  if (t.auth !== null) head += `Authorization: ${t.auth}\r\n`;
  if (json !== undefined) head += 'Content-Type: application/json\r\n';
  head += `Content-Length: ${payload.length}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const s = url === null ? connect(t.socket ?? '') : connect(Number(url.port || 80), url.hostname);
    let buf = Buffer.alloc(0);
    let status = 0;
    let answered = false; // a byte of the answer arrived: from here on, never retried
    let streaming = false;
    // A TCP target whose queue is full drops the SYN: bound the wait for the connection.
    const timer = setTimeout(() => s.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), connectMs);
    // write, not end: a half-closed request makes Node's server drop the answer.
    s.on('connect', () => {
      clearTimeout(timer);
      s.write(Buffer.concat([Buffer.from(head), payload]));
    });
    s.on('data', (c: Buffer) => {
      answered = true;
      if (streaming) return onBody!(c);
      buf = Buffer.concat([buf, c]);
      if (status !== 0) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      buf = buf.subarray(end + 4);
      if (onBody !== undefined && status === 200) {
        streaming = true;
        if (buf.length > 0) onBody(buf);
      }
    });
    s.on('end', () => {
      if (!answered) return reject(new Busy(`${describe(t)}: closed the connection without answering`));
      resolve({ status, body: streaming ? '' : buf.toString('utf8') });
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = err.code ?? '';
      if (answered) return reject(err);
      if (NOTHING[code] !== undefined) return reject(new NoAnswer(`${describe(t)}: ${NOTHING[code]}`));
      if (BUSY[code] !== undefined) return reject(new Busy(`${describe(t)}: ${BUSY[code]}`));
      reject(err);
    });
    s.on('close', () => clearTimeout(timer));
  });
}

/** An answer's JSON body; a body that is not JSON (a 401's text) becomes { error: <its text> }. */
export function parseBody<T>(a: Answer): T {
  try {
    return JSON.parse(a.body) as T;
  } catch {
    return { error: a.body.trim() || `HTTP ${a.status}` } as T;
  }
}

/** Sends a request and parses the JSON answer (any status). */
export async function call<T>(t: Target, method: string, path: string, json?: unknown): Promise<{ status: number; body: T }> {
  const a = await send(t, method, path, json);
  return { status: a.status, body: parseBody<T>(a) };
}

/** How the target is shown in messages. */
export function describe(t: Target): string {
  return t.socket !== null ? `unix://${t.socket}` : (t.base ?? '');
}
