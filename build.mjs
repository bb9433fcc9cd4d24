// Bundles src/ and the runtime dependencies into minified CommonJS, dist/pidone.js and
// dist/supervisor.js, and puts the native addon beside them, so `node dist/pidone.js` runs
// with no node_modules. CommonJS because dist/ carries a package.json that says so, and
// require() of a file beside the bundle needs no module loader beyond Node's first one.
//
// Start-up: single mode (a tini replacement) must start about as fast as `node -e 0`, but V8
// spends ~9 ms just reading and compiling the supervisor half of the code (yaml, pino, config,
// control). So that half (src/lazy.ts) is a second file, dist/supervisor.js, which main.ts
// require()s only when it first imports ./lazy.ts: single mode never reads it. dist/ stays one
// folder to copy (pidone.js, supervisor.js, pidone.node, package.json), no node_modules.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  define: { PIDONE_VERSION: JSON.stringify(pkg.version) },
  loader: { '.html': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
};

const LAZY_FILE = 'supervisor.js';
// main.ts's `await import('./lazy.ts')` becomes a require() of the file beside the bundle.
const lazyBeside = {
  name: 'lazy-beside',
  setup(b) {
    b.onResolve({ filter: /[/\\]lazy\.ts$/ }, () => ({ path: 'lazy', namespace: 'lazy-beside' }));
    b.onResolve({ filter: new RegExp(`^\\./${LAZY_FILE.replace('.', '\\.')}$`) }, (a) => ({ path: a.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-beside' }, () => ({ loader: 'js', contents: `module.exports = require('./${LAZY_FILE}');` }));
  },
};

// pino, as pidone uses it (a logger writing into the sink's own queue), never reaches its
// transports (lib/transport.js, thread-stream: worker threads), its file destination
// (sonic-boom) or worker_threads' isMainThread. Stubs keep them out of the bundle, and so keep
// worker_threads, assert and module from loading at start-up (about 3 ms and 25 KB).
const STUB = (what) => `module.exports = class { constructor() { throw new Error(${JSON.stringify(`pidone: ${what} is not bundled`)}); } };`;
const pinoSlim = {
  name: 'pino-slim',
  setup(b) {
    b.onResolve({ filter: /^(thread-stream|sonic-boom)$/ }, (a) => ({ path: a.path, namespace: 'pino-slim' }));
    b.onResolve({ filter: /^\.\/(lib\/)?transport$/ }, (a) => (/[/\\]pino[/\\]/.test(a.importer) ? { path: 'transport', namespace: 'pino-slim' } : undefined));
    b.onResolve({ filter: /^worker_threads$/ }, (a) => (/[/\\]pino[/\\]/.test(a.importer) ? { path: a.path, namespace: 'pino-slim' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'pino-slim' }, (a) => ({
      loader: 'js',
      contents: a.path === 'worker_threads' ? 'module.exports = { isMainThread: true };' : STUB(`pino's ${a.path}`),
    }));
  },
};

// Every file of dist/ is written beside its place and renamed over it: a pidone running from
// dist/ during a rebuild keeps the files it has open (the addon is mapped into it: overwritten
// in place, it crashed), and one that loads supervisor.js later never reads half a file.
const replace = (path, write) => {
  const temp = `${path}.${process.pid}.tmp`;
  write(temp);
  renameSync(temp, path);
};
const emit = (result) => {
  for (const f of result.outputFiles) {
    replace(f.path, (temp) => {
      writeFileSync(temp, f.contents);
      if (f.path.endsWith('pidone.js')) chmodSync(temp, 0o755);
    });
  }
};

mkdirSync('dist', { recursive: true });
emit(await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/pidone.js',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [lazyBeside],
  write: false,
}));
// yaml's ES module build lets esbuild drop what pidone never calls (stringify and friends).
emit(await build({ ...common, entryPoints: ['src/lazy.ts'], outfile: `dist/${LAZY_FILE}`, alias: { yaml: './node_modules/yaml/browser/dist/index.js' }, plugins: [pinoSlim], write: false }));
// The repository's package.json says "type": "module"; dist/ must load as CommonJS wherever
// it is copied, so it carries its own.
replace('dist/package.json', (temp) => writeFileSync(temp, '{ "type": "commonjs" }\n'));
const addon = 'native/build/Release/pidone.node';
if (existsSync(addon)) replace('dist/pidone.node', (temp) => copyFileSync(addon, temp));
else console.warn(`build: ${addon} is missing (run npm install); dist/ will run without orphan reaping`);
