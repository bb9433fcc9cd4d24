// supervisord's fault names and codes (supervisord.md 4.3): the core's command faults plus
// the ones only the control plane raises. The JSON API reports the same names, with an HTTP
// status that says the same thing to clients that only look at the status.
import { FAULT_CODES } from '../core/namespec.ts';
import { RpcFault } from './xmlrpc.ts';

/** Every fault name the control plane may answer with. */
export type Fault =
  | keyof typeof FAULT_CODES
  | 'UNKNOWN_METHOD' | 'INCORRECT_PARAMETERS' | 'BAD_ARGUMENTS' | 'SIGNATURE_UNSUPPORTED'
  | 'NO_FILE' | 'NOT_EXECUTABLE' | 'ABNORMAL_TERMINATION' | 'ALREADY_ADDED' | 'STILL_RUNNING' | 'CANT_REREAD';

/** supervisord's xmlrpc.Faults. */
export const FAULTS: Readonly<Record<Fault, number>> = {
  ...FAULT_CODES,
  UNKNOWN_METHOD: 1, INCORRECT_PARAMETERS: 2, BAD_ARGUMENTS: 3, SIGNATURE_UNSUPPORTED: 4,
  NO_FILE: 20, NOT_EXECUTABLE: 21, ABNORMAL_TERMINATION: 40, ALREADY_ADDED: 90, STILL_RUNNING: 91, CANT_REREAD: 92,
};

/** A fault as supervisord words it: "NAME" or "NAME: detail". */
export function rpcFault(name: Fault, detail?: string): RpcFault {
  return new RpcFault(FAULTS[name], detail === undefined || detail === '' ? name : `${name}: ${detail}`);
}

/** The HTTP status the JSON API answers a fault with. */
export function httpStatus(name: Fault): number {
  switch (name) {
    case 'BAD_NAME':
    case 'NO_FILE':
      return 404;
    case 'BAD_SIGNAL':
    case 'BAD_ARGUMENTS':
    case 'INCORRECT_PARAMETERS':
      return 400;
    case 'ALREADY_STARTED':
    case 'NOT_RUNNING':
    case 'ALREADY_ADDED':
    case 'STILL_RUNNING':
      return 409;
    case 'SHUTDOWN_STATE':
      return 503;
    case 'CANT_REREAD':
      return 422;
    default:
      return 500;
  }
}
