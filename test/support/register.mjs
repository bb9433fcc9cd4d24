// Lets `node --test` run the TypeScript sources directly on Node 20 (which has no type
// stripping): .ts files are transformed by esbuild on load. No emit, no extra dependency.
import { register } from 'node:module';
register('./ts-loader.mjs', import.meta.url);
