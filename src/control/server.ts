// The control server: HTTP on the unix socket (and, with credentials, on TCP), routing to the
// XML-RPC interface (/RPC2, plus supervisorctl's /logtail and /mainlogtail), the JSON API
// (/api), the web page (/), and /healthz, /readyz, /metrics. A bad request only ever costs
// its own connection: bodies are bounded, slow clients time out, handler errors become 500.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { ConnectionGuard } from '../io/connection-guard.ts';
import { fdReserve } from '../io/fd-reserve.ts';
import { Actions } from './actions.ts';
import { handleApi } from './api.ts';
import { type Credentials, authorized, hasCredentials, socketCredentials, tcpCredentials } from './auth.ts';
import type { ControlContext } from './context.ts';
import type { ControlSettings } from '../model/spec.ts';
import { GroupOps } from './groups.ts';
import { listenHealth, serveProbe } from './health-listener.ts';
import { BodyTooLarge, decodeSegment, parseTarget, readBody, sendError, sendText } from './http-util.ts';
import { Logs, MAIN_LOG } from './logs.ts';
import { ExitCounter } from './metrics.ts';
import { asFault, invoke } from './rpc.ts';
import { SocketInUse, listenTcp, listenUnix, parseListen, socketFailure } from './socket.ts';
import { Streams } from './streams.ts';
import { RestartAll } from './restart-all.ts';
import { findProcess, programsResponse, usageOf } from './views.ts';
import { BrowserGuard } from './web.ts';
import { sendTailPage, tailLimit } from './web-tail.ts';
import { XmlSyntaxError } from './xml.ts';
import { decodeCall, encodeFault, encodeResponse } from './xmlrpc.ts';

export interface ControlOptions {
  /** The unix socket path to bind. */
  readonly socket: string;
  /** Timeouts for slow clients; defaults suit production. */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

type Transport = 'unix' | 'tcp';

/** The control plane's HTTP server (docs/control.md). */
export class ControlServer {
  readonly #ctx: ControlContext;
  readonly #opts: ControlOptions;
  readonly #actions: Actions;
  readonly #groups: GroupOps;
  readonly #logs: Logs;
  readonly #restartAll: RestartAll;
  readonly #streams = new Streams();
  readonly #guard = new BrowserGuard();
  readonly #exits = new ExitCounter();
  readonly #servers: Server[] = [];
  #unlink: (() => void) | null = null;

  constructor(ctx: ControlContext, opts: ControlOptions) {
    this.#ctx = ctx;
    this.#opts = opts;
    this.#actions = new Actions(ctx);
    this.#groups = new GroupOps(ctx.config, ctx.supervisor);
    this.#logs = new Logs(ctx.sink);
    this.#restartAll = new RestartAll(ctx, this.#actions, this.#logs, this.#groups);
    ctx.bus.on((e) => this.#exits.observe(e));
  }

  /** SUPERVISOR_SERVER_URL for the children. */
  get url(): string {
    return `unix://${this.#opts.socket}`;
  }

  /**
   * Binds the socket, the TCP listener and the health listener that are configured. Rejects only
   * when another live server owns the socket (SocketInUse); a socket that cannot be made (a
   * read-only root filesystem) is reported once, and pidone supervises without it.
   */
  async start(): Promise<void> {
    const settings = this.#ctx.config.current().settings.control;
    const unix = this.#server('unix', socketCredentials(settings));
    try {
      this.#unlink = await listenUnix(unix, this.#opts.socket, settings.socket_mode, this.#ctx.pid, (m) => this.#ctx.sink.event('info', m));
      fdReserve.hold(); // the last descriptors, for control connections at the limit (io/fd-reserve.ts)
    } catch (err) {
      if (err instanceof SocketInUse) throw err;
      this.#servers.splice(this.#servers.indexOf(unix), 1);
      this.#ctx.sink.event('warn', socketFailure(this.#opts.socket, err));
    }
    await this.#startTcp(settings);
    if (settings.health) await this.#startHealth(settings.health);
  }

  async #startHealth(at: string): Promise<void> {
    try {
      this.#servers.push(await listenHealth(at, this.#ctx, this.#exits));
      this.#ctx.sink.event('info', `control: health listener on http://${at} (/healthz /readyz /metrics; no authentication)`);
    } catch (err) {
      this.#ctx.sink.event('error', `control: NOT listening for health probes on ${at}: ${(err as Error).message}`);
    }
  }

  async #startTcp(settings: ControlSettings): Promise<void> {
    if (settings.tcp === null) return;
    const at = parseListen(settings.tcp);
    const creds = tcpCredentials(settings);
    if (!hasCredentials(creds)) {
      this.#ctx.sink.event('error', `control: NOT listening on TCP ${settings.tcp}: pidone serves TCP only with authentication; set username= and password= in [inet_http_server] (YAML: control.username and control.password, or control.token)`);
      return;
    }
    if (at === null) {
      this.#ctx.sink.event('error', `control: NOT listening on TCP: cannot read ${JSON.stringify(settings.tcp)} as host:port`);
      return;
    }
    const tcp = this.#server('tcp', creds);
    try {
      await listenTcp(tcp, at);
      this.#ctx.sink.event('info', `control: listening on http://${settings.tcp} (authentication required)`);
    } catch (err) {
      this.#ctx.sink.event('error', `control: cannot listen on TCP ${settings.tcp}: ${(err as Error).message}`);
    }
  }

  /** Stops listening, ends streams and idle connections, removes the socket file. */
  close(): void {
    for (const s of this.#servers) {
      s.close();
      s.closeIdleConnections();
    }
    this.#streams.closeAll();
    this.#unlink?.();
    this.#unlink = null;
    fdReserve.release();
  }

  #server(transport: Transport, creds: Credentials | null): Server {
    // At most 512 connections, and a descriptor left for the next one: slow or idle ones make room.
    const guard = new ConnectionGuard(512, undefined, { headersMs: this.#opts.headersTimeoutMs ?? 10_000, requestMs: this.#opts.requestTimeoutMs ?? 30_000 });
    const server = createServer({
      headersTimeout: this.#opts.headersTimeoutMs ?? 10_000,
      requestTimeout: this.#opts.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: 5_000,
      // Node's own timeout check is an endless 1 s timer; the guard keeps the deadlines instead,
      // with a timer only while a connection waits (an idle pidone makes no wakeups).
      connectionsCheckingInterval: 2 ** 31 - 1,
    }, (req, res) => {
      guard.busy(req.socket);
      // A request without a body is whole already (its 'end' comes only if someone reads it);
      // one with a body is once the handler has read it.
      const body = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
      if (!body) guard.received(req.socket);
      else req.once('end', () => guard.received(req.socket));
      res.once('close', () => guard.idle(req.socket));
      this.#handle(req, res, transport, creds).catch((err: unknown) => this.#failed(res, err));
    });
    server.on('connection', (socket: Socket) => guard.admit(socket));
    // Unparsable requests and timeouts: answer if the socket still takes it, then drop it.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
        : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    });
    this.#servers.push(server);
    return server;
  }

  #failed(res: ServerResponse, err: unknown): void {
    if (err instanceof BodyTooLarge) {
      // The rest of the body is never read: the connection cannot carry another request.
      res.shouldKeepAlive = false;
      if (!res.headersSent) sendError(res, 413, 'request body too large (limit 1 MiB)', undefined);
      return;
    }
    this.#ctx.sink.event('warn', `control: request failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    if (!res.headersSent) sendError(res, 500, 'internal error (see pidone\'s log)');
    else res.destroy();
  }

  async #handle(req: IncomingMessage, res: ServerResponse, transport: Transport, creds: Credentials | null): Promise<void> {
    if (!authorized(creds, req.headers.authorization)) {
      const challenge = creds?.username ? 'Basic realm="default"' : 'Bearer';
      return sendText(res, 401, 'Unauthorized\n', 'text/plain; charset=utf-8', { 'WWW-Authenticate': challenge });
    }
    const url = parseTarget(req.url ?? '/');
    if (url === null) return sendError(res, 400, `bad request target ${JSON.stringify(req.url)}`);
    const path = url.path;
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      const why = this.#guard.refuse(req, !path.startsWith('/RPC2'));
      if (why !== null) return sendError(res, 403, why);
    }
    if (path.startsWith('/RPC2')) return this.#rpc(req, res);
    if (path.startsWith('/api/')) {
      return handleApi({ ctx: this.#ctx, actions: this.#actions, logs: this.#logs, streams: this.#streams, restartAll: this.#restartAll }, req, res, path.slice(4), url.query);
    }
    if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, `use GET for ${path}`);
    if (path === '/' || path === '/index.html') return this.#guard.page(res);
    if (path === '/tail.html') return this.#tailPage(res, url.query);
    if (path === '/ok.html') return sendText(res, 200, 'OK');
    if (serveProbe(res, path, this.#ctx, this.#exits)) return;
    if (path === '/mainlogtail') return this.#streams.followLog(res, this.#ctx, MAIN_LOG, 'stdout', this.#logs.last(MAIN_LOG, 'stdout', 1024), false);
    const tail = /^\/logtail\/([^/]+)(?:\/(stdout|stderr))?$/.exec(path);
    if (tail) {
      const name = decodeSegment(tail[1]!);
      if (name === null) return sendError(res, 400, `bad escape in ${JSON.stringify(path)}`);
      return this.#logtail(res, name, (tail[2] ?? 'stdout') as 'stdout' | 'stderr');
    }
    return sendError(res, 404, `no route GET ${path}`);
  }

  /** supervisorctl tail -f: the last 1024 bytes, then the stream as it grows. */
  #logtail(res: ServerResponse, name: string, stream: 'stdout' | 'stderr'): void {
    const spec = findProcess(this.#ctx, name);
    if (spec === undefined) return sendText(res, 404, 'Not Found\n');
    this.#streams.followLog(res, this.#ctx, spec.name, stream, this.#logs.last(spec.name, stream, 1024), false);
  }

  /** supervisord's tail page: the last max(1024, limit) bytes of stdout. */
  #tailPage(res: ServerResponse, q: URLSearchParams): void {
    const name = q.get('processname');
    const limit = tailLimit(q.get('limit'));
    const spec = name === null ? undefined : findProcess(this.#ctx, name);
    sendTailPage(res, name, spec === undefined ? null : this.#logs.last(spec.name, 'stdout', limit).toString('utf8'), limit);
  }

  async #rpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendText(res, 400, 'Bad Request: XML-RPC needs POST\n');
    const body = await readBody(req);
    let call;
    try {
      call = decodeCall(body);
    } catch (err) {
      if (!(err instanceof XmlSyntaxError)) throw err;
      return sendText(res, 400, `Bad Request: ${err.message}\n`);
    }
    let xml: string;
    try {
      xml = encodeResponse(await invoke({ ctx: this.#ctx, actions: this.#actions, groups: this.#groups, logs: this.#logs, restartAll: this.#restartAll }, call.method, call.params));
    } catch (err) {
      xml = encodeFault(asFault(err));
    }
    sendText(res, 200, xml, 'text/xml');
  }
}
