// One attempt of an active readiness probe (tcp connect, http GET, exec), as a Result: passed
// (with where a tcp/http connection went, for the owner check), failed, or skipped when pidone
// itself had no descriptor for it (io/fd-reserve.ts): that says nothing about the program.
import { request } from 'node:http';
import { type Socket, connect, isIP } from 'node:net';
import type { ExitStatus } from '../core/ports.ts';
import type { ProgramSpec, ReadyCheck } from '../model/spec.ts';
import { fdReserve, isFdLimit } from './fd-reserve.ts';

/** Runs a probe command with the program's environment; resolves with its status or null on timeout. */
export type CommandRunner = (spec: ProgramSpec, command: string | readonly string[], timeoutMs: number) => Promise<ExitStatus | null>;

/** Where a tcp or http probe's connection went. */
export interface Reached {
  readonly address: string;
  readonly port: number;
}

/**
 * One attempt: passed; failed (counts toward `retries`); or skipped, when pidone itself had no
 * descriptor to run it with: that says nothing about the program, so it is not counted.
 */
export type Result =
  | { readonly kind: 'passed'; readonly reached?: Reached }
  | { readonly kind: 'failed'; readonly why: string }
  | { readonly kind: 'skipped'; readonly why: string };

export type Attempt = (timeoutMs: number) => Promise<Result>;

const failed = (why: string): Result => ({ kind: 'failed', why });

/** A connection error: skipped at the descriptor limit (which gives the reserve to the control socket), else failed. */
function connectError(what: string, err: NodeJS.ErrnoException): Result {
  if (!isFdLimit(err)) return failed(`${what}: ${err.code ?? err.message}`);
  fdReserve.noteFailure(err);
  return { kind: 'skipped', why: `${what}: ${err.code}, too many open files in pidone` };
}

/** Admits one more descriptor (io/fd-reserve.ts); a Result when pidone must not spend it. */
function admitOne(what: string): Result | null {
  try {
    fdReserve.admit(1);
    return null;
  } catch (err) {
    return { kind: 'skipped', why: `${what}: ${(err as Error).message}` };
  }
}

function reachedBy(socket: Socket, port: number, host: string): Reached {
  return { address: socket.remoteAddress ?? host, port: socket.remotePort ?? port };
}

export function tcpAttempt(host: string, port: number): Attempt {
  const what = `tcp ${host}:${port}`;
  return (timeoutMs) => new Promise((resolve) => {
    const refused = admitOne(what);
    if (refused) return resolve(refused);
    const socket = connect({ host, port });
    const done = (r: Result): void => {
      socket.destroy();
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => done(failed(`${what}: no connection within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => done({ kind: 'passed', reached: reachedBy(socket, port, host) }));
    socket.once('error', (err: NodeJS.ErrnoException) => done(connectError(what, err)));
  });
}

export function httpAttempt(url: string): Attempt {
  const what = `http ${url}`;
  return (timeoutMs) => new Promise((resolve) => {
    let settled = false;
    const done = (r: Result): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const refused = admitOne(what);
    if (refused) return done(refused);
    try {
      let reached: Reached | undefined;
      // A connection of its own each time (no keep-alive pool): the answer is checked against
      // the socket it came through, and no idle descriptor is left behind.
      const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        done(code >= 200 && code < 400 ? { kind: 'passed', reached } : failed(`${what}: status ${code}`));
      });
      req.on('socket', (s: Socket) => s.once('connect', () => {
        reached = reachedBy(s, Number(new URL(url).port || 80), new URL(url).hostname);
      }));
      req.on('timeout', () => {
        req.destroy();
        done(failed(`${what}: no answer within ${timeoutMs} ms`));
      });
      req.on('error', (err: NodeJS.ErrnoException) => done(connectError(what, err)));
      req.end();
    } catch (err) {
      done(failed(`${what}: ${(err as Error).message}`));
    }
  });
}

export function execAttempt(run: CommandRunner, spec: ProgramSpec, command: string | readonly string[]): Attempt {
  return async (timeoutMs) => {
    const refused = admitOne('exec');
    if (refused) return refused;
    let status: ExitStatus | null;
    try {
      status = await run(spec, command, timeoutMs);
    } catch (err) {
      if (isFdLimit(err)) return connectError('exec', err as NodeJS.ErrnoException);
      return failed(`exec: ${(err as Error).message}`);
    }
    if (status === null) return failed(`exec: no result within ${timeoutMs} ms`);
    if (status.code === 0) return { kind: 'passed' };
    return failed(`exec: ${status.code !== null ? `exit status ${status.code}` : `killed by SIG${status.signal}`}`);
  };
}

/** The port and, when the probe names an IP address, the address a tcp/http probe checks. */
export function probeTarget(check: ReadyCheck): { port: number; address: string | null } | null {
  if (check.kind === 'tcp') return { port: check.port, address: isIP(check.host) ? check.host : null };
  if (check.kind !== 'http') return null;
  try {
    const u = new URL(check.url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return { port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), address: isIP(host) ? host : null };
  } catch {
    return null;
  }
}
