// Bundles src/ and the runtime dependencies into one minified CommonJS file, dist/pidone.js,
// and puts the native addon beside it, so `node dist/pidone.js` runs with no node_modules.
// CommonJS because a lone .js file outside a "type": "module" package is loaded as CommonJS.
//
// Start-up: single mode (a tini replacement) must start about as fast as `node -e 0`, but V8
// spends ~9 ms just compiling the supervisor half of the bundle (yaml, pino, config, control).
// So that half (src/lazy.ts) is bundled on its own and embedded in dist/pidone.js as a string,
// compiled with vm only when main.ts first imports ./lazy.ts. Still one file.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

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

// yaml's ES module build lets esbuild drop what pidone never calls (stringify and friends).
const lazy = await build({ ...common, entryPoints: ['src/lazy.ts'], write: false, alias: { yaml: './node_modules/yaml/browser/dist/index.js' } });
const lazySource = lazy.outputFiles[0].text;
// As a template literal the code needs far less escaping than as a JSON string (3 KB, not 10);
// checked, because a template literal would turn a raw CR into LF.
const asTemplate = `\`${lazySource.replace(/[\\`]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${')}\``;
const lazyLiteral = (0, eval)(asTemplate) === lazySource ? asTemplate : JSON.stringify(lazySource);
const embedLazy = {
  name: 'embed-lazy',
  setup(b) {
    b.onResolve({ filter: /[/\\]lazy\.ts$/ }, () => ({ path: 'lazy', namespace: 'embed-lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'embed-lazy' }, () => ({
      loader: 'js',
      contents: `const { runInThisContext } = require('node:vm');
const wrapped = runInThisContext('(function (exports, require, module, __filename, __dirname) {' + ${lazyLiteral} + '\\n})', { filename: __filename + ' (supervisor part)' });
const m = { exports: {} };
wrapped(m.exports, require, m, __filename, __dirname);
module.exports = m.exports;`,
    }));
  },
};

mkdirSync('dist', { recursive: true });
await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/pidone.js',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [embedLazy],
});
chmodSync('dist/pidone.js', 0o755);
// The repository's package.json says "type": "module"; dist/ must load as CommonJS wherever
// it is copied, so it carries its own.
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
const addon = 'native/build/Release/pidone.node';
if (existsSync(addon)) copyFileSync(addon, 'dist/pidone.node');
else console.warn(`build: ${addon} is missing (run npm install); dist/ will run without orphan reaping`);
