// The npm package: `npm pack` (which runs prepare = build.mjs), then `npm install -g` of the
// tarball into a temp prefix: with --ignore-scripts; normally (the install script sees that
// the prebuilt dist/pidone.node, linux-x64 glibc, loads, so nothing is compiled and no
// compiler is needed); and with a prebuilt addon that cannot load here (as on musl or arm64:
// the install script compiles native/, and pidone falls back to that build). The installed
// `pidone` must run in every case, with the addon, and without the package's node_modules
// (dist/pidone.js bundles yaml and pino).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

// node-gyp compiles against local headers when the machine has them (as `npm ci` here does).
const npmEnv: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
if (!npmEnv.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) npmEnv.npm_config_nodedir = '/usr';

function npm(args: string[], cwd: string) {
  const r = spawnSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface Packed { filename: string; size: number; files: Array<{ path: string; size: number }> }

test('npm pack: dist/ with the addon, the schema, README and docs, native sources; nothing else; sizes', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT)) as Packed[];
  assert.ok(packed);
  const paths = packed.files.map((f) => f.path).sort();
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  assert.deepEqual(paths, ['README.md', 'dist/package.json', 'dist/pidone.js', 'dist/pidone.node', 'dist/supervisor.js', ...docs, 'native/binding.gyp', 'native/install.mjs', 'native/pidone.c', 'package.json', 'schema/pidone.schema.json'].sort());
  const size = (p: string) => packed.files.find((f) => f.path === p)!.size;
  // Goals (issue 8): bundle under 300 KB (not met: about 510 KB in all, see the README), addon
  // under 30 KB (not met since issue 16's resource limits grew the file by one 4 KB page). The
  // bounds catch regressions. Single mode reads only dist/pidone.js.
  assert.ok(size('dist/pidone.js') < 40_000, `dist/pidone.js is ${size('dist/pidone.js')} bytes`);
  assert.ok(size('dist/pidone.js') + size('dist/supervisor.js') < 540_000, `dist/*.js are ${size('dist/pidone.js') + size('dist/supervisor.js')} bytes`);
  assert.ok(size('dist/pidone.node') < 32_768, `dist/pidone.node is ${size('dist/pidone.node')} bytes`);
  assert.ok(packed.size < 300_000, `tarball is ${packed.size} bytes`);
  t.diagnostic(`tarball ${packed.size} B; dist/pidone.js ${size('dist/pidone.js')} B; dist/supervisor.js ${size('dist/supervisor.js')} B; dist/pidone.node ${size('dist/pidone.node')} B`);
});

const variants = [
  ['without install scripts', ['--ignore-scripts'], false, false],
  ['with the install script, keeping the prebuilt addon that loads here (no compiler needed)', [], false, false],
  ['with a prebuilt addon that cannot load here: the install script compiles one', [], true, true],
] as const;
for (const [how, flags, breakPrebuilt, compiles] of variants) {
  test(`npm install -g ./pidone-*.tgz ${how}: pidone --version, single mode, supervisor mode`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pidone-install-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    let [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT)) as Packed[];
    if (breakPrebuilt) {
      // Repack with a dist/pidone.node for "another platform" (here: not a shared object at all).
      spawnSync('tar', ['xzf', packed!.filename], { cwd: dir });
      writeFileSync(join(dir, 'package', 'dist', 'pidone.node'), 'built for another platform');
      rmSync(join(dir, packed!.filename));
      [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], join(dir, 'package'))) as Packed[];
    }
    const prefix = join(dir, 'prefix');
    npm(['install', '-g', '--prefix', prefix, '--prefer-offline', ...flags, `./${packed!.filename}`], dir);
    const installed = join(prefix, 'lib', 'node_modules', 'pidone');
    assert.equal(existsSync(join(installed, 'native', 'build', 'Release', 'pidone.node')), compiles, compiles ? 'the install script compiled the addon' : 'nothing was compiled');

    const bin = join(prefix, 'bin', 'pidone');
    const env = { PATH: `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin`, LANG: 'C.UTF-8' };
    const run = (args: string[]) => spawnSync(bin, args, { cwd: dir, env, encoding: 'utf8', timeout: 20_000 });
    const v = run(['--version']);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout, `pidone ${pkg.version}\n`);
    const three = run(['--', 'sh', '-c', 'exit 3']);
    assert.equal(three.status, 3);
    assert.equal(three.stderr, '', 'the addon loaded (no "addon unavailable" warning)');

    // The runtime dependencies are bundled: the installed node_modules are not needed.
    rmSync(join(installed, 'node_modules'), { recursive: true, force: true });
    writeFileSync(join(dir, 'pidone.yaml'), `settings: { control: { socket: ${join(dir, 'p.sock')} } }\nprograms:\n  job: { command: [echo, installed], oneshot: true }\n`);
    const sup = run(['-c', join(dir, 'pidone.yaml')]);
    assert.equal(sup.status, 0, sup.stderr);
    assert.match(sup.stdout, /job\s+\| installed/);
    const check = run(['check', '-c', join(ROOT, 'examples', 'supervisord.conf')]);
    assert.equal(check.status, 0, check.stderr);
  });
}
