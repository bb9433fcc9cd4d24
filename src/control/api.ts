// The JSON API under /api (routes in docs/control.md): program list, commands, logs, reload,
// shutdown and the event stream. Commands answer 200 with per-process results; a fault for
// the whole command answers {error, fault} with the fault's HTTP status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actions, Outcome } from './actions.ts';
import { clearLogs, logsOf, oneLog } from './api-logs.ts';
import type { ControlContext } from './context.ts';
import { BodyTooLarge, readBody, sendError, sendJson } from './http-util.ts';
import type { Logs } from './logs.ts';
import type { ActionResponse } from './protocol.ts';
import type { RestartAll } from './restart-all.ts';
import type { Streams } from './streams.ts';
import { programsResponse } from './views.ts';

/** What the API handlers work with. */
export interface ApiEnv {
  readonly ctx: ControlContext;
  readonly actions: Actions;
  readonly logs: Logs;
  readonly streams: Streams;
  readonly restartAll: RestartAll;
}

const VERBS = ['start', 'stop', 'restart', 'signal'] as const;
type Verb = (typeof VERBS)[number];

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

/** Handles a request under /api; `path` is the part after /api. */
export async function handleApi(env: ApiEnv, req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams): Promise<void> {
  const method = req.method ?? 'GET';
  const sse = (req.headers.accept ?? '').includes('text/event-stream');
  const wait = q.get('wait') !== '0' && q.get('wait') !== 'false';
  try {
    if (path === '/programs' && method === 'GET') return sendJson(res, 200, programsResponse(env.ctx, { usage: q.get('usage') === '1' || q.get('usage') === 'true' }));
    if (path === '/events' && method === 'GET') return env.streams.events(res, env.ctx);
    if (path === '/logs') return method === 'GET' ? logsOf(env, res, q, sse) : sendError(res, 405, 'use GET for logs');
    const m = /^\/programs\/([^/]+)\/(start|stop|restart|signal|logs|clear)$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      const verb = m[2]!;
      if (verb === 'logs') return method === 'GET' ? oneLog(env, res, name, q, sse) : sendError(res, 405, 'use GET for logs');
      if (method !== 'POST') return sendError(res, 405, `use POST for ${verb}`);
      if (busy(env)) return sendError(res, 503, busy(env)!, 'SHUTDOWN_STATE');
      if (verb === 'clear') return (await readBody(req), clearLogs(env, res, name));
      return await command(env, req, res, name, verb as Verb, wait);
    }
    if (path === '/reload' && method === 'POST') {
      await readBody(req);
      if (busy(env)) return sendError(res, 503, busy(env)!, 'SHUTDOWN_STATE');
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

/** Why commands are refused now (pidone stopping, or restarting everything), or null. */
function busy(env: ApiEnv): string | null {
  if (env.ctx.supervisor.phase !== 'running') return 'pidone is shutting down';
  return env.restartAll.busy ? 'pidone is restarting every program (supervisor.restart)' : null;
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
