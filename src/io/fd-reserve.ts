// The last few file descriptors belong to the control socket. At the descriptor limit, `pidone
// status` and `pidone stop` must still connect (a stop is how a user frees descriptors), and
// libuv silently drops connections it cannot accept. So the control server holds RESERVE
// placeholders (/dev/null) while it runs. The first time something that makes descriptors
// for programs runs out of them (`noteFailure`), the placeholders are closed: the control
// socket can accept again, and from then on those makers are admitted only while RESERVE more
// stay free (`admit` tries to open them), until there is room for the placeholders again
// (seen by `admit`, or by the next control connection through `hasRoom`). Until the first
// exhaustion `admit` costs nothing. The makers: readiness probes (io/probe-attempts.ts), and
// the spawner and log files, each with `admit(n)` before and `noteFailure(err)` on failure;
// an open that completes later (fs/promises) was admitted before the release may have
// happened, so it checks `admit(0)` once it has its descriptor, and gives it back if that throws.
import { closeSync, openSync } from 'node:fs';

/** Descriptors kept for control connections. */
export const RESERVE = 8;

/** Errors that mean "no descriptor to be had" (per process, or system-wide). */
export function isFdLimit(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

/** Raised by `admit` when only the reserve is left; an EMFILE like the kernel's. */
export class FdLimitError extends Error {
  readonly code = 'EMFILE';
  readonly syscall = 'reserve';
}

/** Whether n descriptors can be opened now (they are closed again at once). */
export function freeDescriptors(n: number): boolean {
  const opened: number[] = [];
  try {
    while (opened.length < n) opened.push(openSync('/dev/null', 'r'));
    return true;
  } catch (err) {
    if (isFdLimit(err)) return false;
    throw err;
  } finally {
    for (const fd of opened) closeSync(fd);
  }
}

export class FdReserve {
  readonly #size: number;
  #held: number[] = [];
  #holding = false;
  /** The placeholders were spent: spawns and probes must leave `size` free. */
  #tight = false;

  constructor(size = RESERVE) {
    this.#size = size;
  }

  /** Opens the placeholders (the control server, while it listens). */
  hold(): void {
    this.#holding = true;
    this.#tight = false;
    this.#fill();
  }

  /** Closes the placeholders for good (the control server stopped listening). */
  release(): void {
    this.#holding = false;
    this.#tight = false;
    this.#close();
  }

  /**
   * Before making n descriptors for a program or a probe: throws FdLimitError when that would
   * leave fewer than the reserve free. Free (no system call) until the first exhaustion.
   */
  admit(n: number): void {
    if (!this.#tight) return;
    if (this.#holding && freeDescriptors(n + 2 * this.#size)) {
      this.#tight = false; // room again: hold the placeholders again
      this.#fill();
      return;
    }
    if (!freeDescriptors(n + this.#size)) {
      throw new FdLimitError(`too many open files: pidone keeps its last ${this.#size} descriptors for the control socket`);
    }
  }

  /**
   * For each control connection: whether a descriptor is left for the next one. Once there is
   * room again after an exhaustion, the placeholders are taken back here too.
   */
  hasRoom(): boolean {
    if (this.#tight && this.#holding && freeDescriptors(2 * this.#size + 1)) {
      this.#tight = false;
      this.#fill();
    }
    return freeDescriptors(1);
  }

  /** Call with the error of a failed spawn or probe: at the limit, the placeholders go to the control socket. */
  noteFailure(err: unknown): void {
    if (!isFdLimit(err) || err instanceof FdLimitError || !this.#holding || this.#held.length === 0) return;
    this.#close();
    this.#tight = true;
  }

  #fill(): void {
    try {
      while (this.#holding && this.#held.length < this.#size) this.#held.push(openSync('/dev/null', 'r'));
    } catch (err) {
      if (!isFdLimit(err)) throw err;
      // At the limit already: keep what was had, and let the control socket use the rest.
      this.#close();
      this.#tight = true;
    }
  }

  #close(): void {
    for (const fd of this.#held) closeSync(fd);
    this.#held = [];
  }
}

/** pidone's one reserve: held by the control server, consulted by whatever makes descriptors for programs. */
export const fdReserve = new FdReserve();
