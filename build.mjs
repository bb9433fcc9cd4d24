// Bundles src/ and the runtime dependencies into one minified CommonJS file, dist/pidone.js,
// and puts the native addon beside it, so `node dist/pidone.js` runs with no node_modules.
// CommonJS because a lone .js file outside a "type": "module" package is loaded as CommonJS.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/pidone.js',
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  define: { PIDONE_VERSION: JSON.stringify(pkg.version) },
  loader: { '.html': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync('dist/pidone.js', 0o755);
// The repository's package.json says "type": "module"; dist/ must load as CommonJS wherever
// it is copied, so it carries its own.
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
const addon = 'native/build/Release/pidone.node';
if (existsSync(addon)) copyFileSync(addon, 'dist/pidone.node');
else console.warn(`build: ${addon} is missing (run npm install); dist/ will run without orphan reaping`);
