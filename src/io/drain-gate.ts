// The back-pressure contract both output writers keep (fd-writer.ts for files and terminals,
// pipe-writer.ts for pipes and sockets): write() answers false once the bytes pending reach the
// high-water mark, onDrain fires once they are down to half of it (or the writer broke), and
// flush() resolves when nothing is pending (or the writer broke). Only the transport differs.
export class DrainGate {
  readonly #hwm: number;
  readonly #onDrain: () => void;
  #needDrain = false;
  #idleWaiters: (() => void)[] = [];

  constructor(hwm: number, onDrain: () => void) {
    this.#hwm = hwm;
    this.#onDrain = onDrain;
  }

  /** After a write: whether the producer may go on (false: wait for onDrain). */
  admit(pending: number): boolean {
    if (pending < this.#hwm) return true;
    this.#needDrain = true;
    return false;
  }

  /** Resolves once settle() sees nothing pending, or a broken writer. */
  idle(pending: number, broken: boolean): Promise<void> {
    if (pending === 0 || broken) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Fires the drain and idle notifications that pending now allows. */
  settle(pending: number, broken: boolean): void {
    if (this.#needDrain && (broken || pending <= this.#hwm / 2)) {
      this.#needDrain = false;
      this.#onDrain();
    }
    if ((pending === 0 || broken) && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
