// The JSON API under /api (routes in docs/control.md): program list, commands, logs, reload,
// shutdown and the event stream. Commands answer 200 with per-process results; a fault for
// the whole command answers {error, fault} with the fault's HTTP status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamName } from '../io/prefix.ts';
import type { Actions, Outcome } from './actions.ts';
import type { ControlContext } from './context.ts';
import { BodyTooLarge, readBody, sendError, sendJson } from './http-util.ts';
import type { Logs } from './logs.ts';
import type { ActionResponse } from './protocol.ts';
import type { Streams } from './streams.ts';
import { findProcess, programsResponse } from './views.ts';

/** What the API handlers work with. */
export interface ApiEnv {
  readonly ctx: ControlContext;
  readonly actions: Actions;
  readonly logs: Logs;
  readonly streams: Streams;
}

const VERBS = ['start', 'stop', 'restart', 'signal'] as const;
type Verb = (typeof VERBS)[number];

/** Default bytes of log a GET .../logs returns (supervisorctl tail shows 1600). */
const DEFAULT_LOG_BYTES = 1600;

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SyntaxError('the body must be a JSON object');
  return v as Record<string, unknown>;
}

function sendOutcome(res: ServerResponse, o: Outcome): void {
  if (!o.ok) return sendError(res, null, o.message, o.fault);
  const body: ActionResponse = { results: o.results };
  sendJson(res, 200, body);
}

async function command(env: ApiEnv, req: IncomingMessage, res: ServerResponse, namespec: string, verb: Verb, wait: boolean): Promise<void> {
  if (verb === 'signal') {
    const body = await jsonBody(req);
    const sig = body.signal;
    if (typeof sig !== 'string' && typeof sig !== 'number') return sendError(res, 400, 'the body needs {"signal": "HUP"} (a name or a number)', 'INCORRECT_PARAMETERS');
    return sendOutcome(res, env.actions.signal(namespec, sig));
  }
  await readBody(req); // nothing expected, but read it (bounded) so the connection stays usable
  sendOutcome(res, await env.actions[verb](namespec, wait));
}

function logs(env: ApiEnv, res: ServerResponse, name: string, q: URLSearchParams, sse: boolean): void {
  const spec = findProcess(env.ctx, name);
  if (spec === undefined) return sendError(res, 404, `no such process: ${name}`, 'BAD_NAME');
  const stream = q.get('stream') ?? 'stdout';
  if (stream !== 'stdout' && stream !== 'stderr') return sendError(res, 400, `stream must be stdout or stderr, not ${JSON.stringify(stream)}`, 'BAD_ARGUMENTS');
  const bytesText = q.get('bytes');
  const bytes = bytesText === null ? DEFAULT_LOG_BYTES : Number(bytesText);
  if (!(Number.isInteger(bytes) && bytes >= 0)) return sendError(res, 400, `bytes must be a whole number, not ${JSON.stringify(bytesText)}`, 'BAD_ARGUMENTS');
  const initial = env.logs.last(spec.name, stream as StreamName, bytes);
  if (q.get('follow') === '1' || q.get('follow') === 'true') return env.streams.followLog(res, env.ctx, spec.name, stream as StreamName, initial, sse);
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': initial.length, 'Cache-Control': 'no-store' });
  res.end(initial);
}

/** Handles a request under /api; `path` is the part after /api. */
export async function handleApi(env: ApiEnv, req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams): Promise<void> {
  const method = req.method ?? 'GET';
  const sse = (req.headers.accept ?? '').includes('text/event-stream');
  const wait = q.get('wait') !== '0' && q.get('wait') !== 'false';
  try {
    if (path === '/programs' && method === 'GET') return sendJson(res, 200, programsResponse(env.ctx));
    if (path === '/events' && method === 'GET') return env.streams.events(res, env.ctx);
    const m = /^\/programs\/([^/]+)\/(start|stop|restart|signal|logs)$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      const verb = m[2]!;
      if (verb === 'logs') return method === 'GET' ? logs(env, res, name, q, sse) : sendError(res, 405, 'use GET for logs');
      if (method !== 'POST') return sendError(res, 405, `use POST for ${verb}`);
      if (env.ctx.supervisor.phase !== 'running') return sendError(res, 503, 'pidone is shutting down', 'SHUTDOWN_STATE');
      return await command(env, req, res, name, verb as Verb, wait);
    }
    if (path === '/reload' && method === 'POST') {
      await readBody(req);
      if (env.ctx.supervisor.phase !== 'running') return sendError(res, 503, 'pidone is shutting down', 'SHUTDOWN_STATE');
      const r = env.ctx.config.reload();
      return r.ok ? sendJson(res, 200, r) : sendError(res, 422, 'the config has errors; nothing was changed', 'CANT_REREAD', { errors: r.errors });
    }
    if (path === '/shutdown' && method === 'POST') return await shutdown(env, req, res, q.get('wait') === '1');
    return sendError(res, 404, `no route ${method} /api${path}`);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw err;
    if (err instanceof SyntaxError || err instanceof URIError) return sendError(res, 400, `bad request: ${err.message}`, 'INCORRECT_PARAMETERS');
    throw err;
  }
}

async function shutdown(env: ApiEnv, req: IncomingMessage, res: ServerResponse, wait: boolean): Promise<void> {
  await readBody(req);
  const sup = env.ctx.supervisor;
  if (sup.phase !== 'running') return sendError(res, 503, 'pidone is already shutting down', 'SHUTDOWN_STATE');
  if (!wait) {
    sendJson(res, 202, { ok: true });
    setImmediate(() => sup.shutdown('shutdown requested by a control client'));
    return;
  }
  // Answer once pidone has finished: the exit code and reason are the answer.
  const off = env.ctx.bus.on((e) => {
    if (e.type !== 'finished') return;
    off();
    sendJson(res, 200, { ok: true, exitCode: e.exitCode, reason: e.reason });
  });
  res.on('close', off);
  sup.shutdown('shutdown requested by a control client');
}
