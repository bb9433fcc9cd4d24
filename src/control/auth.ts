// Who may talk to the control server, per listener as supervisord decides it. TCP always needs
// credentials (the server refuses to listen without them); the unix socket is guarded by its
// file mode and, as supervisord's [unix_http_server] username=, by credentials configured for
// it, which never open the TCP listener (nor the TCP ones the socket). Accepted:
// `Authorization: Bearer <token>`, or HTTP Basic with supervisord's username/password, the
// password plain or `{SHA}<hex sha1>`. Comparisons are constant-time.
import type { ControlSettings } from '../model/spec.ts';

// node:crypto takes a millisecond and more of every supervisor start; only a request with
// credentials to check needs it, so it is loaded then (getBuiltinModule: Node 20.16+; the
// bundle's require before).
function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule?.('node:crypto') ?? require('node:crypto');
}

/** The credentials a listener checks; null = none needed. */
export interface Credentials {
  readonly username: string | null;
  readonly password: string | null;
  readonly token: string | null;
}

/** Are there credentials at all (a TCP listener refuses to start without)? */
export function hasCredentials(c: Credentials): boolean {
  return c.token !== null || (c.username !== null && c.password !== null);
}

/**
 * Credentials for the unix socket. INI gives the socket its own ([unix_http_server]
 * username/password, as supervisord applies them: to that listener alone). YAML has one set
 * for both listeners; it guards the socket when there is no TCP listener, since it can only be
 * meant for the socket then.
 */
export function socketCredentials(s: ControlSettings): Credentials | null {
  if (s.socket_username !== undefined || s.socket_password !== undefined) {
    const username = s.socket_username ?? null;
    const password = s.socket_password ?? null;
    return username !== null && password !== null ? { username, password, token: null } : null;
  }
  return s.tcp === null && hasCredentials(s) ? s : null;
}

/** Credentials for the TCP listener (it does not start without them). */
export function tcpCredentials(s: ControlSettings): Credentials {
  return { username: s.username, password: s.password, token: s.token };
}

function same(a: string, b: string): boolean {
  const { createHash, timingSafeEqual } = crypto();
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

function passwordOk(configured: string, given: string): boolean {
  if (configured.startsWith('{SHA}')) return same(configured.slice(5).toLowerCase(), crypto().createHash('sha1').update(given).digest('hex'));
  return same(configured, given);
}

/** Does an Authorization header satisfy the credentials? */
export function authorized(c: Credentials | null, header: string | undefined): boolean {
  if (c === null) return true;
  if (header === undefined) return false;
  const sp = header.indexOf(' ');
  const scheme = header.slice(0, sp < 0 ? header.length : sp).toLowerCase();
  const value = sp < 0 ? '' : header.slice(sp + 1).trim();
  if (scheme === 'bearer') return c.token !== null && same(c.token, value);
  if (scheme === 'basic' && c.username !== null && c.password !== null) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    // Evaluate both so the time taken does not tell which one was wrong.
    const userOk = same(c.username, decoded.slice(0, colon));
    const passOk = passwordOk(c.password, decoded.slice(colon + 1));
    return userOk && passOk;
  }
  return false;
}
