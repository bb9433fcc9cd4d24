// `npm install` step. In an installed package (no src/: only dist/ ships) whose prebuilt
// dist/pidone.node loads on this machine, there is nothing to compile, and a machine without
// python3/make/g++ can still install pidone. Everywhere else (a checkout, musl, arm64),
// build the addon with node-gyp; dist/ then falls back to native/build/Release/pidone.node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const prebuilt = new URL('../dist/pidone.node', import.meta.url).pathname;
const checkout = existsSync(new URL('../src', import.meta.url).pathname);
if (!checkout && existsSync(prebuilt)) {
  try {
    process.dlopen({ exports: {} }, prebuilt);
    process.exit(0);
  } catch {
    // built for another libc or architecture: compile one for this machine
  }
}
const gyp = process.env.npm_config_node_gyp;
const argv = gyp ? [process.execPath, gyp] : ['node-gyp'];
const r = spawnSync(argv[0], [...argv.slice(1), 'rebuild', '--directory', 'native'], { stdio: 'inherit', shell: !gyp });
process.exit(r.status ?? 1);
