// Long-lived responses: a program's log followed as it is written (chunked text, or SSE for
// browsers), and the supervisor's events as Server-Sent Events. A client that reads too
// slowly is dropped rather than buffered without bound.
import type { ServerResponse } from 'node:http';
import type { SupervisorEvent } from '../core/events.ts';
import type { StreamName } from '../io/prefix.ts';
import type { ControlContext } from './context.ts';
import { startStream } from './http-util.ts';

/** Bytes queued for one streaming client before it is disconnected. */
const MAX_QUEUED = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** Open streams, so the server can end them all when pidone stops. */
export class Streams {
  readonly #open = new Set<ServerResponse>();

  /** Ends every open stream. */
  closeAll(): void {
    for (const res of this.#open) res.end();
    this.#open.clear();
  }

  #track(res: ServerResponse, cleanup: () => void): (chunk: string) => void {
    this.#open.add(res);
    const heartbeat = setInterval(() => write(res.getHeader('Content-Type') === 'text/event-stream' ? ': keep-alive\n\n' : ''), HEARTBEAT_MS);
    heartbeat.unref();
    const stop = (): void => {
      clearInterval(heartbeat);
      this.#open.delete(res);
      cleanup();
    };
    res.on('close', stop);
    const write = (chunk: string): void => {
      if (chunk === '' || res.writableEnded) return;
      if (res.writableLength > MAX_QUEUED) {
        res.destroy(); // too slow: better a dropped follower than unbounded memory in PID 1
        return;
      }
      res.write(chunk);
    };
    return write;
  }

  /** Writes `initial`, then every new line of program's stream until the client leaves. */
  followLog(res: ServerResponse, ctx: ControlContext, program: string, stream: StreamName, initial: Buffer, sse: boolean): void {
    startStream(res, sse ? 'text/event-stream' : 'text/plain; charset=utf-8');
    let unsubscribe = (): void => {};
    const write = this.#track(res, () => unsubscribe());
    const text = initial.toString('utf8');
    if (sse) {
      for (const line of text.split('\n')) if (line !== '') write(`data: ${sseSafe(line)}\n\n`);
    } else write(text);
    unsubscribe = ctx.sink.subscribe(program, (s, line) => {
      if (s === stream) write(sse ? `data: ${sseSafe(line)}\n\n` : `${line}\n`);
    });
  }

  /** Writes `initial`, then every new line of several programs' stream, each with its label in front. */
  followMany(res: ServerResponse, ctx: ControlContext, labels: ReadonlyMap<string, string>, stream: StreamName, initial: string, sse: boolean): void {
    startStream(res, sse ? 'text/event-stream' : 'text/plain; charset=utf-8');
    const offs: (() => void)[] = [];
    const write = this.#track(res, () => offs.forEach((off) => off()));
    const send = (text: string): void => write(sse ? `data: ${sseSafe(text)}\n\n` : `${text}\n`);
    for (const line of initial.split('\n')) if (line !== '') send(line);
    for (const [program, label] of labels) {
      offs.push(ctx.sink.subscribe(program, (s, line) => {
        if (s === stream) send(`${label}${line}`);
      }));
    }
  }

  /**
   * Sends each supervisor event as `event: <type>` with the event as JSON data, and each of
   * supervisord's events (what event listeners get) as `event: <EVENTNAME>` with
   * {eventname, serial, payload}.
   */
  events(res: ServerResponse, ctx: ControlContext): void {
    startStream(res, 'text/event-stream');
    const offs: (() => void)[] = [];
    const write = this.#track(res, () => offs.forEach((off) => off()));
    write(`event: hello\ndata: ${JSON.stringify({ phase: ctx.supervisor.phase })}\n\n`);
    if (ctx.events) offs.push(ctx.events.subscribe((e) => write(`event: ${e.eventname}\ndata: ${JSON.stringify(e)}\n\n`)));
    offs.push(ctx.bus.on((e: SupervisorEvent) => {
      write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      if (e.type === 'finished') res.end();
    }));
  }
}

// An SSE data line ends at CR or LF: a stray CR inside a log line would cut it.
function sseSafe(line: string): string {
  return line.replace(/\r/g, '');
}
