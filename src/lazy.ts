// Everything main.ts needs only outside single mode. build.mjs compiles this part of the
// bundle on first use, so `pidone -- PROGRAM` does not pay to parse it (see build.mjs).
export { runCheck } from './cli/check.ts';
export { clientSettings } from './cli/client-config.ts';
export { configCandidates, discoverConfig } from './config/load.ts';
export { runDaemon } from './daemon/run.ts';
