// A control server in-process, over a supervisor in a fake world (FakeClock, FakeSpawner) and
// an in-memory log sink, on a temporary unix socket; plus small HTTP and XML-RPC clients.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamName } from '../../src/io/prefix.ts';
import type { LineSubscriber } from '../../src/io/log-sink-api.ts';
import type { Model, ProgramSpec } from '../../src/model/spec.ts';
import type { ReloadOutcome } from '../../src/control/protocol.ts';
import { EventBus } from '../../src/control/event-bus.ts';
import { ControlServer, type ControlOptions } from '../../src/control/server.ts';
import { RpcFault, type RpcValue, decodeValue, encodeValue } from '../../src/control/xmlrpc.ts';
import { elements, parseXml } from '../../src/control/xml.ts';
import { World, model } from './world.ts';

/** Tails and subscribers in memory, like the real sink's rings (without the size bound). */
export class MemorySink {
  readonly data = new Map<string, Buffer>();
  readonly subs = new Map<string, Set<LineSubscriber>>();
  readonly events: string[] = [];

  write(program: string, stream: StreamName, text: string): void {
    const key = `${program}\0${stream}`;
    this.data.set(key, Buffer.concat([this.data.get(key) ?? Buffer.alloc(0), Buffer.from(text)]));
    for (const line of text.split('\n').slice(0, -1)) for (const fn of this.subs.get(program) ?? []) fn(stream, line);
  }
  tail(program: string, stream: StreamName, maxBytes: number): Buffer {
    const b = this.data.get(`${program}\0${stream}`) ?? Buffer.alloc(0);
    return b.subarray(Math.max(0, b.length - maxBytes));
  }
  written(program: string, stream: StreamName): number {
    return this.data.get(`${program}\0${stream}`)?.length ?? 0;
  }
  clear(program: string, stream: StreamName): void {
    this.data.delete(`${program}\0${stream}`);
  }
  subscribe(program: string, fn: LineSubscriber): () => void {
    const set = this.subs.get(program) ?? new Set();
    this.subs.set(program, set.add(fn));
    return () => set.delete(fn);
  }
  event(level: string, message: string): void {
    this.events.push(`${level} ${message}`);
    this.write('pidone', 'stdout', `${message}\n`);
  }
}

export interface Harness {
  readonly world: World;
  readonly sink: MemorySink;
  readonly server: ControlServer;
  readonly socket: string;
  readonly dir: string;
  /** Replaces what the config file "contains" for reread/reload. */
  setFile(next: Model | string[]): void;
  close(): Promise<void>;
}

/** Starts a server over a fake world running `programs`. */
export async function startHarness(programs: ProgramSpec[] | Model, opts: Partial<ControlOptions> & { exitWhenIdle?: boolean } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-ctl-'));
  const socket = join(dir, 'ctl.sock');
  const bus = new EventBus();
  const world = new World(programs, { exitWhenIdle: opts.exitWhenIdle ?? false, onEvent: (e) => bus.emit(e) });
  let current: Model = Array.isArray(programs) ? model(programs) : programs;
  let file: Model | string[] = current;
  const sink = new MemorySink();
  const read = () => (Array.isArray(file) ? { ok: false as const, errors: file } : { ok: true as const, model: file });
  const apply = (m: Model) => {
    const diff = world.sup.reload(m);
    current = m;
    return diff;
  };
  const reload = (): ReloadOutcome => {
    const r = read();
    return r.ok ? { ok: true, ...apply(r.model) } : r;
  };
  const server = new ControlServer(
    { supervisor: world.sup, sink, bus, pid: 4242, startedAt: 1_700_000_000_000, now: () => world.clock.now(), config: { current: () => current, read, apply, reload } },
    { socket, ...opts },
  );
  await server.start();
  world.sup.start();
  return {
    world, sink, server, socket, dir,
    setFile: (next) => {
      file = next;
    },
    close: async () => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request over a unix socket. */
export function http(socket: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: { Host: 'localhost', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The XML of a call. */
export function callXml(method: string, params: RpcValue[]): string {
  return `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param>${encodeValue(p)}</param>`).join('')}</params></methodCall>`;
}

/** Decodes a <methodResponse>: the value, or throws its RpcFault. */
export function decodeResponse(xml: string): RpcValue {
  const root = parseXml(xml);
  const [first] = elements(root);
  if (first?.name === 'fault') {
    const f = decodeValue(elements(first)[0]!) as { faultCode: number; faultString: string };
    throw new RpcFault(f.faultCode, f.faultString);
  }
  const param = elements(elements(first!)[0]!)[0]!;
  return decodeValue(param);
}

/** Calls an XML-RPC method on the harness; resolves with the value or rejects with the fault. */
export async function rpc(socket: string, method: string, ...params: RpcValue[]): Promise<RpcValue> {
  const r = await http(socket, 'POST', '/RPC2', callXml(method, params), { 'Content-Type': 'text/xml' });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body}`);
  return decodeResponse(r.body);
}

/** The fault an RPC call ends with (fails the test if it succeeds). */
export async function rpcFaultOf(socket: string, method: string, ...params: RpcValue[]): Promise<RpcFault> {
  try {
    const v = await rpc(socket, method, ...params);
    throw new Error(`${method} answered ${JSON.stringify(v)} instead of a fault`);
  } catch (err) {
    if (err instanceof RpcFault) return err;
    throw err;
  }
}
