// The probe endpoints, and the opt-in listener that serves only them (settings.control.health):
// plain HTTP without credentials, for probes that cannot send any or should not hold them
// (a Kubernetes httpGet probe, a load balancer). It answers GET and HEAD of /healthz, /readyz
// and /metrics and nothing else, so reaching its port gives no control over anything.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { ControlContext } from './context.ts';
import { sendError, sendText } from './http-util.ts';
import { type ExitCounter, renderMetrics } from './metrics.ts';
import { programsResponse, usageOf } from './views.ts';

export const PROBE_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

/**
 * Answers /healthz (pidone answers: 200), /readyz (200 when every program meant to run is
 * RUNNING and ready, else 503 with the reasons) and /metrics (Prometheus text). False for any
 * other path.
 */
export function serveProbe(res: ServerResponse, path: string, ctx: ControlContext, exits: ExitCounter): boolean {
  if (path === '/healthz') {
    sendText(res, 200, 'ok\n');
    return true;
  }
  if (path === '/readyz') {
    const view = programsResponse(ctx, { usage: false });
    if (view.ready) {
      sendText(res, 200, 'ready\n');
      return true;
    }
    const reasons = view.pidone.phase !== 'running' ? [`pidone is ${view.pidone.phase}`] : [];
    for (const p of view.programs) if (!p.healthy) reasons.push(`${p.namespec}: ${p.problem}`);
    sendText(res, 503, `not ready\n${reasons.join('\n')}\n`);
    return true;
  }
  if (path === '/metrics') {
    const infos = ctx.supervisor.snapshot();
    sendText(res, 200, renderMetrics(infos, exits, ctx.startedAt, usageOf(ctx, infos)), 'text/plain; version=0.0.4; charset=utf-8');
    return true;
  }
  return false;
}

/** "host:port" (host "*" = every interface, "[::1]" bracketed) as listen() wants it. */
export function healthAddress(at: string): { host: string | null; port: number } {
  const i = at.lastIndexOf(':');
  const host = at.slice(0, i);
  return { host: host === '*' || host === '' ? null : host.replace(/^\[(.*)\]$/, '$1'), port: Number(at.slice(i + 1)) };
}

/** Starts the health listener at "host:port"; rejects when it cannot bind. */
export function listenHealth(at: string, ctx: ControlContext, exits: ExitCounter): Promise<Server> {
  const server = createServer({ headersTimeout: 5000, requestTimeout: 10_000, keepAliveTimeout: 5000 }, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!PROBE_PATHS.includes(path)) return sendError(res, 404, `this listener serves only ${PROBE_PATHS.join(', ')}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, `use GET for ${path}`);
    try {
      serveProbe(res, path, ctx, exits);
    } catch (err) {
      ctx.sink.event('warn', `control: health probe failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendError(res, 500, 'internal error (see pidone\'s log)');
    }
  });
  server.maxConnections = 64;
  server.on('clientError', (_err, socket) => socket.destroy());
  const { host, port } = healthAddress(at);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ok = (): void => {
      server.off('error', reject);
      resolve(server);
    };
    // No host: every interface, IPv6 and IPv4 where the container has IPv6, IPv4 alone otherwise.
    if (host === null) server.listen(port, ok);
    else server.listen(port, host, ok);
  });
}
