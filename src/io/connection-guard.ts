// Bounds a server's connections without locking out the client that matters. Node's
// maxConnections drops the newcomer, so hundreds of slow clients (or a descriptor limit) keep
// `pidone status` and `pidone stop` out. Here the newcomer stays and the oldest connection
// that has no request in progress (one still trickling its headers, or idle between
// keep-alive requests) is closed instead: when the count is over the bound, and when no
// descriptor is left for the next accept (libuv would drop that one unseen).
import type { Socket } from 'node:net';
import { fdReserve } from './fd-reserve.ts';

export class ConnectionGuard {
  readonly #max: number;
  readonly #hasRoom: () => boolean;
  /** Open connections, oldest first; true while a request is in progress. */
  readonly #open = new Map<Socket, boolean>();

  constructor(max: number, hasRoom: () => boolean = () => fdReserve.hasRoom()) {
    this.#max = max;
    this.#hasRoom = hasRoom;
  }

  /** A new connection (the server's 'connection' event). */
  admit(socket: Socket): void {
    this.#open.set(socket, false);
    socket.once('close', () => this.#open.delete(socket));
    if (this.#open.size > this.#max && !this.#evictOne(socket)) {
      // Every other connection is busy: the newcomer is the one to go.
      this.#open.delete(socket);
      socket.destroy();
      return;
    }
    if (!this.#hasRoom()) this.#evictOne(socket);
  }

  /** A request arrived on the connection: it is no longer a candidate. */
  busy(socket: Socket): void {
    if (this.#open.has(socket)) this.#open.set(socket, true);
  }

  /** Its answer is done: idle again, and now the newest. */
  idle(socket: Socket): void {
    if (!this.#open.delete(socket) || socket.destroyed) return;
    this.#open.set(socket, false);
  }

  #evictOne(except: Socket): boolean {
    for (const [s, busy] of this.#open) {
      if (busy || s === except) continue;
      this.#open.delete(s);
      s.destroy();
      return true;
    }
    return false;
  }
}
