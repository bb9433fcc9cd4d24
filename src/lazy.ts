// Everything main.ts needs only outside single mode (the client too: it reads the config to find
// the socket, so it loads this half anyway). build.mjs bundles this part as a second file,
// dist/supervisor.js, which main.ts loads on first use, so `pidone -- PROGRAM` does not pay to
// read or compile it.
import './quiet-heap.ts';

export { hostname } from 'node:os';
export { runCheck } from './cli/check.ts';
export { runClient } from './cli/client.ts';
export { clientSettings } from './cli/client-config.ts';
export { configCandidates, discoverConfig } from './config/load.ts';
export { runDaemon } from './daemon/run.ts';
