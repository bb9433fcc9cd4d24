// /RPC2: decodes a call, checks the method name and the arguments against the method's
// signature, runs it, and encodes the value or the fault. Also the system.* namespace
// (listMethods, methodHelp, methodSignature, multicall with supervisord's plain results).
import { FAULTS, rpcFault } from './faults.ts';
import { SUPERVISOR_METHODS } from './rpc-supervisor.ts';
import type { RpcEnv, RpcMethod, RpcType } from './rpc-types.ts';
import { RpcFault, type RpcValue } from './xmlrpc.ts';

const SYSTEM_METHODS: Readonly<Record<string, RpcMethod>> = {
  listMethods: { sig: ['array'], help: 'Every method name, sorted.', run: () => Object.keys(ALL).sort() },
  methodHelp: {
    sig: ['string', 'string'], help: "A method's documentation.",
    run: (_env, [name]) => lookup(String(name), 'SIGNATURE_UNSUPPORTED').help,
  },
  methodSignature: {
    sig: ['array', 'string'], help: "A method's signature: [return type, parameter types...].",
    run: (_env, [name]) => lookup(String(name), 'SIGNATURE_UNSUPPORTED').sig.map((t) => (t === 'any' ? 'string' : t)),
  },
  multicall: {
    sig: ['array', 'array'], help: 'Run calls [{methodName, params}] in order; each result is the plain value or {faultCode, faultString}.',
    run: (env, [calls]) => multicall(env, calls as RpcValue[]),
  },
};

const ALL: Readonly<Record<string, RpcMethod>> = Object.fromEntries([
  ...Object.entries(SUPERVISOR_METHODS).map(([k, m]) => [`supervisor.${k}`, m] as const),
  ...Object.entries(SYSTEM_METHODS).map(([k, m]) => [`system.${k}`, m] as const),
]);

function lookup(name: string, fault: 'UNKNOWN_METHOD' | 'SIGNATURE_UNSUPPORTED'): RpcMethod {
  // Exactly namespace.method, no leading underscore (supervisord's CVE-2017-11610 fix).
  const m = /^[A-Za-z]\w*\.[A-Za-z]\w*$/.test(name) && Object.hasOwn(ALL, name) ? ALL[name] : undefined;
  if (m === undefined) throw rpcFault(fault);
  return m;
}

function typeOk(t: RpcType, v: RpcValue): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v));
    case 'boolean':
      return typeof v === 'boolean' || v === 0 || v === 1;
    case 'array':
      return Array.isArray(v);
    case 'struct':
      return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
    case 'any':
      return typeof v === 'string' || typeof v === 'number';
  }
}

/** Runs one call; throws RpcFault for every failure a client should see as a fault. */
export async function invoke(env: RpcEnv, method: string, params: RpcValue[]): Promise<RpcValue> {
  const m = lookup(method, 'UNKNOWN_METHOD');
  const [, ...types] = m.sig;
  if (params.length > types.length || params.length < types.length - (m.optional ?? 0)) throw rpcFault('INCORRECT_PARAMETERS');
  if (params.some((v, i) => !typeOk(types[i]!, v))) throw rpcFault('INCORRECT_PARAMETERS');
  if (method.startsWith('supervisor.') && !m.duringShutdown && (env.ctx.supervisor.phase !== 'running' || env.restartAll.busy)) throw rpcFault('SHUTDOWN_STATE');
  return await m.run(env, params);
}

/** A fault from anything a method threw (a bug becomes FAILED, not a crash). */
export function asFault(err: unknown): RpcFault {
  if (err instanceof RpcFault) return err;
  const msg = err instanceof Error ? `${err.name}:${err.message}` : String(err);
  return new RpcFault(FAULTS.FAILED, `FAILED: ${msg}`);
}

async function multicall(env: RpcEnv, calls: RpcValue[]): Promise<RpcValue[]> {
  const out: RpcValue[] = [];
  // Sequential, as supervisord runs them: a waiting start delays the calls after it.
  for (const call of calls) {
    try {
      const c = (typeof call === 'object' && call !== null && !Array.isArray(call) ? call : {}) as Record<string, RpcValue>;
      const name = c.methodName;
      if (typeof name !== 'string') throw rpcFault('INCORRECT_PARAMETERS', 'No methodName');
      if (name === 'system.multicall') throw rpcFault('INCORRECT_PARAMETERS', 'Recursive system.multicall forbidden');
      const params = c.params ?? [];
      if (!Array.isArray(params)) throw rpcFault('INCORRECT_PARAMETERS');
      out.push(await invoke(env, name, [...(params as RpcValue[])]));
    } catch (err) {
      const f = asFault(err);
      out.push({ faultCode: f.code, faultString: f.message });
    }
  }
  return out;
}
