// An [eventlistener:x] pool, as supervisord's EventListenerPool runs it: events it subscribes to
// wait in a buffer of buffer_size (the oldest is dropped beyond it), and each goes to the first
// listener of the pool that is RUNNING and READY (it is then BUSY until its RESULT). A rejected
// event (a result the handler refuses, a bad result line, a listener that dies while BUSY) goes
// back to the head of the buffer with the same serials and is sent again.
import type { EventListenerSpec } from '../model/spec.ts';
import type { StdinPipe, ProtocolSource } from './child-stdin.ts';
import { type SupervisordEvent, covers, envelope } from './event-types.ts';
import { ListenerProtocol } from './listener-protocol.ts';

/** An event with the serials it keeps until a listener accepts it. */
export interface SerialEvent {
  readonly event: SupervisordEvent;
  readonly serial: number;
}

interface Buffered extends SerialEvent {
  readonly poolSerial: number;
}

interface Member {
  readonly pid: number;
  readonly stdin: StdinPipe;
  readonly protocol: ListenerProtocol;
  running: boolean;
  /** The event it is working on (BUSY). */
  event: Buffered | null;
}

export interface PoolLog {
  (level: 'info' | 'warn' | 'error', message: string): void;
}

export class ListenerPool {
  readonly name: string;
  readonly spec: EventListenerSpec;
  readonly #identifier: string;
  readonly #log: PoolLog;
  readonly #buffer: Buffered[] = [];
  readonly #members = new Map<string, Member>();
  /** Pool serials start at 0, as supervisord's. */
  #serial = -1;
  #dispatching = false;

  constructor(name: string, spec: EventListenerSpec, identifier: string, log: PoolLog) {
    this.name = name;
    this.spec = spec;
    this.#identifier = identifier;
    this.#log = log;
  }

  /** Does the pool subscribe to events of this type? */
  wants(name: string): boolean {
    return this.spec.events.some((type) => covers(type, name));
  }

  /** Events waiting for a listener (oldest first). */
  get waiting(): number {
    return this.#buffer.length;
  }

  /** Takes an event the pool subscribes to, and sends what it can. */
  accept(e: SerialEvent): void {
    this.#store({ ...e, poolSerial: ++this.#serial }, false);
    this.dispatch();
  }

  /** A listener process was spawned: it starts ACKNOWLEDGED and speaks on its stdout. */
  opened(process: string, pid: number, stdin: StdinPipe, out: ProtocolSource | null): void {
    const m: Member = { pid, stdin, protocol: new ListenerProtocol(), running: false, event: null };
    this.#members.set(process, m);
    out?.on('data', (chunk: Buffer) => this.#read(process, m, chunk));
  }

  /** A listener process is gone: an event it was working on is sent again. */
  closed(process: string, pid: number): void {
    const m = this.#members.get(process);
    if (m === undefined || m.pid !== pid) return;
    this.#members.delete(process);
    if (m.event !== null) this.#rebuffer(m.event);
    this.dispatch();
  }

  /** Listeners get events only while RUNNING (after their startsecs), as under supervisord. */
  running(process: string, yes: boolean): void {
    const m = this.#members.get(process);
    if (m === undefined) return;
    m.running = yes;
    if (yes) this.dispatch();
  }

  /** Sends the oldest events to listeners that are RUNNING and READY, while there are both. */
  dispatch(): void {
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      while (this.#buffer.length > 0) {
        const e = this.#buffer[0]!;
        if (!this.#send(e)) break;
        this.#buffer.shift();
      }
    } finally {
      this.#dispatching = false;
    }
  }

  #send(e: Buffered): boolean {
    for (const m of this.#members.values()) {
      if (!m.running || m.protocol.state !== 'READY') continue;
      // A listener whose stdin is closed keeps its state (supervisord: EPIPE, try the next one).
      if (m.stdin.write(envelope(e.event, this.#identifier, e.serial, this.name, e.poolSerial)) !== 'ok') continue;
      m.protocol.sent();
      m.event = e;
      return true;
    }
    return false;
  }

  #read(process: string, m: Member, chunk: Buffer): void {
    for (const step of m.protocol.feed(chunk)) {
      switch (step.kind) {
        case 'ready':
          break;
        case 'result': {
          const e = m.event;
          m.event = null;
          if (e !== null && this.spec.accepts === 'OK' && !step.body.equals(OK)) {
            this.#log('warn', `${process}: event was rejected`);
            this.#rebuffer(e);
          }
          break;
        }
        case 'bad_result':
          this.#log('warn', `${process}: bad result line: '${step.line}'`);
          this.#toUnknown(process, m);
          break;
        case 'unknown':
          this.#toUnknown(process, m);
          break;
      }
    }
    this.dispatch();
  }

  #toUnknown(process: string, m: Member): void {
    this.#log('warn', `${process}: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol`);
    if (m.event !== null) this.#rebuffer(m.event);
    m.event = null;
  }

  /** Back to the head of the buffer, serials kept. */
  #rebuffer(e: Buffered): void {
    this.#store(e, true);
  }

  #store(e: Buffered, head: boolean): void {
    if (this.#buffer.length >= this.spec.buffer_size) {
      const dropped = this.#buffer.shift();
      if (dropped !== undefined) this.#log('error', `pool ${this.name} event buffer overflowed, discarding event ${dropped.serial}`);
    }
    if (head) this.#buffer.unshift(e);
    else this.#buffer.push(e);
  }
}

const OK = Buffer.from('OK');
