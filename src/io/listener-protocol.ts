// One event listener's side of supervisord's protocol, as supervisord reads it
// (dispatchers.PEventListenerDispatcher): the listener starts ACKNOWLEDGED, says `READY\n`,
// is sent one event (BUSY), answers `RESULT <n>\n` and n bytes, and is ACKNOWLEDGED again.
// Anything else puts it in UNKNOWN, where it stays (no more events) until it is restarted.
// Pure: bytes in, steps out; the pool (event-listener.ts) does the writing.

export type ListenerState = 'ACKNOWLEDGED' | 'READY' | 'BUSY' | 'UNKNOWN';

/** What a chunk of the listener's output meant. */
export type ProtocolStep =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly body: Buffer }
  /** A line after an event that is not `RESULT <n>`: the event counts as rejected. */
  | { readonly kind: 'bad_result'; readonly line: string }
  /** The listener broke the protocol and will get no more events. */
  | { readonly kind: 'unknown' };

const READY = Buffer.from('READY\n');
const RESULT = 'RESULT ';

export class ListenerProtocol {
  #state: ListenerState = 'ACKNOWLEDGED';
  #buffer: Buffer = Buffer.alloc(0);
  #resultLength: number | null = null;
  #result: Buffer = Buffer.alloc(0);

  get state(): ListenerState {
    return this.#state;
  }

  /** An event was written to the listener. */
  sent(): void {
    this.#state = 'BUSY';
  }

  /** Feeds what the listener wrote on stdout. */
  feed(chunk: Buffer): ProtocolStep[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const steps: ProtocolStep[] = [];
    while (this.#buffer.length > 0) {
      const step = this.#next();
      if (step === 'wait') break;
      if (step !== null) steps.push(step);
    }
    return steps;
  }

  /** One move of supervisord's handle_listener_state_change; 'wait' when more bytes are needed. */
  #next(): ProtocolStep | null | 'wait' {
    switch (this.#state) {
      case 'UNKNOWN':
        this.#buffer = Buffer.alloc(0);
        return 'wait';
      case 'ACKNOWLEDGED':
        if (this.#buffer.length < READY.length) return 'wait';
        if (this.#buffer.subarray(0, READY.length).equals(READY)) {
          this.#state = 'READY';
          this.#buffer = this.#buffer.subarray(READY.length);
          return { kind: 'ready' };
        }
        return this.#unknown();
      case 'READY':
        // Output while waiting for an event: supervisord is strict about it.
        return this.#unknown();
      case 'BUSY':
        return this.#busy();
    }
  }

  #busy(): ProtocolStep | null | 'wait' {
    if (this.#resultLength === null) {
      const nl = this.#buffer.indexOf(0x0a);
      if (nl < 0) return 'wait';
      const line = this.#buffer.subarray(0, nl);
      this.#buffer = this.#buffer.subarray(nl + 1);
      // Python's int() of what follows the first 7 bytes: surrounding blanks allowed.
      const text = line.subarray(RESULT.length).toString('latin1').trim();
      if (!/^[+-]?\d+$/.test(text) || Number(text) < 0) {
        this.#state = 'UNKNOWN';
        this.#buffer = Buffer.alloc(0);
        return { kind: 'bad_result', line: line.toString() };
      }
      this.#resultLength = Number(text);
      return this.#resultLength === 0 ? this.#finish() : null;
    }
    const needed = this.#resultLength - this.#result.length;
    this.#result = Buffer.concat([this.#result, this.#buffer.subarray(0, needed)]);
    this.#buffer = this.#buffer.subarray(needed);
    return this.#result.length === this.#resultLength ? this.#finish() : 'wait';
  }

  #finish(): ProtocolStep {
    const body = this.#result;
    this.#result = Buffer.alloc(0);
    this.#resultLength = null;
    this.#state = 'ACKNOWLEDGED';
    return { kind: 'result', body };
  }

  #unknown(): ProtocolStep {
    this.#state = 'UNKNOWN';
    this.#buffer = Buffer.alloc(0);
    return { kind: 'unknown' };
  }
}
