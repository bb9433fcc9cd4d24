// Everything main.ts needs only outside single mode. build.mjs bundles this part as a second
// file, dist/supervisor.js, which main.ts loads on first use, so `pidone -- PROGRAM` does not
// pay to read or compile it.
import './quiet-heap.ts';

export { hostname } from 'node:os';
export { runCheck } from './cli/check.ts';
export { clientSettings } from './cli/client-config.ts';
export { configCandidates, discoverConfig } from './config/load.ts';
export { runDaemon } from './daemon/run.ts';
