// The shape of an XML-RPC method in pidone's table: its signature (what system.methodSignature
// reports and what arguments are checked against), its help text and its implementation.
import type { Actions } from './actions.ts';
import type { ControlContext } from './context.ts';
import type { GroupOps } from './groups.ts';
import type { Logs } from './logs.ts';
import type { RestartAll } from './restart-all.ts';
import type { RpcValue } from './xmlrpc.ts';

/** XML-RPC type names as supervisord's docstrings give them; `any` accepts string or int. */
export type RpcType = 'string' | 'int' | 'boolean' | 'array' | 'struct' | 'any';

/** What a method implementation can use. */
export interface RpcEnv {
  readonly ctx: ControlContext;
  readonly actions: Actions;
  readonly groups: GroupOps;
  readonly logs: Logs;
  readonly restartAll: RestartAll;
}

export interface RpcMethod {
  /** [return type, parameter types...] (system.methodSignature). */
  readonly sig: readonly [RpcType, ...RpcType[]];
  /** Trailing parameters that may be left out (startProcess's wait=true). */
  readonly optional?: number;
  readonly help: string;
  /** Allowed while pidone shuts down (supervisord: only system.* and sendRemoteCommEvent). */
  readonly duringShutdown?: boolean;
  run(env: RpcEnv, args: RpcValue[]): RpcValue | Promise<RpcValue>;
}
