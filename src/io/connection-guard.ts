// Bounds a server's connections without locking out the client that matters. Node's
// maxConnections drops the newcomer, so hundreds of slow clients (or a descriptor limit) keep
// `pidone status` and `pidone stop` out. Here the newcomer stays and the oldest connection
// that has no request in progress (one still trickling its headers, or idle between
// keep-alive requests) is closed instead: when the count is over the bound, and when no
// descriptor is left for the next accept (libuv would drop that one unseen).
//
// It also closes a connection that sends no complete request within `idleMs` (slow or stuck
// clients), with one timer for the earliest deadline, armed only while such a connection
// exists: Node's own check (connectionsCheckingInterval) is a timer that wakes an idle pidone
// every second forever.
import type { Socket } from 'node:net';
import { fdReserve } from './fd-reserve.ts';

export class ConnectionGuard {
  readonly #max: number;
  readonly #hasRoom: () => boolean;
  readonly #headersMs: number;
  readonly #requestMs: number;
  /** Open connections, oldest first; true while a request is in progress. */
  readonly #open = new Map<Socket, boolean>();
  /** When each connection that owes a request (or the rest of one) is closed. */
  readonly #deadline = new Map<Socket, number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(max: number, hasRoom: () => boolean = () => fdReserve.hasRoom(), timeouts: { headersMs?: number; requestMs?: number } = {}) {
    this.#max = max;
    this.#hasRoom = hasRoom;
    this.#headersMs = timeouts.headersMs ?? 10_000;
    this.#requestMs = timeouts.requestMs ?? 30_000;
  }

  /** A new connection (the server's 'connection' event). */
  admit(socket: Socket): void {
    this.#open.set(socket, false);
    this.#due(socket, this.#headersMs);
    socket.once('close', () => {
      this.#open.delete(socket);
      this.#deadline.delete(socket);
    });
    if (this.#open.size > this.#max && !this.#evictOne(socket)) {
      // Every other connection is busy: the newcomer is the one to go.
      this.#open.delete(socket);
      this.#deadline.delete(socket);
      socket.destroy();
      return;
    }
    if (!this.#hasRoom()) this.#evictOne(socket);
  }

  /**
   * A request's headers arrived: no longer a candidate for eviction; the rest of it (its body)
   * must arrive within requestMs; once it has (`received`), the answer may take its time (a
   * followed log, an event stream).
   */
  busy(socket: Socket): void {
    if (this.#open.has(socket)) this.#open.set(socket, true);
    this.#due(socket, this.#requestMs);
  }

  /** The whole request arrived. */
  received(socket: Socket): void {
    this.#deadline.delete(socket);
  }

  /** Its answer is done: idle again, and now the newest. */
  idle(socket: Socket): void {
    if (!this.#open.delete(socket) || socket.destroyed) return;
    this.#open.set(socket, false);
    this.#due(socket, this.#headersMs);
  }

  #due(socket: Socket, ms: number): void {
    this.#deadline.set(socket, Date.now() + ms);
    this.#timer ??= setTimeout(() => this.#expire(), ms);
  }

  #expire(): void {
    this.#timer = null;
    const now = Date.now();
    let next = Infinity;
    for (const [s, at] of this.#deadline) {
      if (at > now) {
        next = Math.min(next, at);
        continue;
      }
      this.#deadline.delete(s);
      this.#open.delete(s);
      if (s.writable) s.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      s.destroySoon();
    }
    if (next !== Infinity) this.#timer = setTimeout(() => this.#expire(), next - now);
  }

  #evictOne(except: Socket): boolean {
    for (const [s, busy] of this.#open) {
      if (busy || s === except) continue;
      this.#open.delete(s);
      this.#deadline.delete(s);
      s.destroy();
      return true;
    }
    return false;
  }
}
