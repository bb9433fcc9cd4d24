// Small HTTP helpers for the control server: bounded body reading and the few response
// shapes it sends (JSON, text, errors).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './faults.ts';
import { httpStatus } from './faults.ts';
import type { ErrorBody } from './protocol.ts';

/** Largest request body accepted (XML-RPC calls and JSON bodies are tiny). */
export const MAX_BODY = 1024 * 1024;

/** Raised when a body is over the limit; the server answers 413. */
export class BodyTooLarge extends Error {}

/** Reads the whole body as UTF-8, at most `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return; // keep draining so the client can read the 413
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** A request's path and query; null when the target is not a URL (the client's mistake: 400). */
export function parseTarget(target: string): { path: string; query: URLSearchParams } | null {
  try {
    // An origin-form target ("//x/y") is a path: under a base it would name a host.
    const url = new URL(target.startsWith('/') ? `http://localhost${target}` : target);
    return { path: url.pathname, query: url.searchParams };
  } catch {
    return null;
  }
}

/** A percent-decoded path segment; null when its escapes are not UTF-8. */
export function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const NO_CACHE = { 'Cache-Control': 'no-store' };

/** Sends a JSON value. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...NO_CACHE, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends text (or another type given). */
export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...NO_CACHE, 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/** A JSON error: {error, fault?}, with the fault's HTTP status unless one is given. */
export function sendError(res: ServerResponse, status: number | null, error: string, fault?: Fault, extra: Partial<ErrorBody> = {}): void {
  const body: ErrorBody = { error, ...(fault ? { fault } : {}), ...extra };
  sendJson(res, status ?? (fault ? httpStatus(fault) : 500), body);
}

/**
 * Starts a streamed response that proxies must not buffer (chunked, or SSE). nosniff: a
 * browser that sniffs text/plain waits for 512 bytes before it shows anything.
 */
export function startStream(res: ServerResponse, type: string): void {
  res.writeHead(200, { ...NO_CACHE, 'Content-Type': type, 'X-Accel-Buffering': 'no', 'X-Content-Type-Options': 'nosniff' });
  res.flushHeaders();
}
