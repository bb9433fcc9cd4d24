// docker/ without a Docker engine (npm run test:containers builds and runs the images for real;
// this runs everywhere, and is all that checks docker/Dockerfile.alpine, whose musl base cannot
// be made offline): the Dockerfiles' shape (node:24 bases, a build stage that runs `npm ci`
// with everything it needs, a final stage that gets only dist/, ENTRYPOINT ["pidone"]), the
// Dockerfile snippets in README.md and docs/containers.md against docker/Dockerfile, the final
// stage simulated outside Docker (dist/ copied to <tmp>/opt/pidone, run through a
// /usr/local/bin/pidone symlink with no node_modules anywhere), the configs compose.yaml and
// k8s-pod.yaml use (`pidone check`), their grace periods against the config's
// shutdown_timeout, and the Kubernetes probes against a live pidone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

const ROOT = new URL('..', import.meta.url).pathname;
const DIST = join(ROOT, 'dist');
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

interface Instruction { op: string; args: string; line: number }
interface Stage { from: string; name: string | null; body: Instruction[] }

/** Dockerfile instructions (continuations joined, comments dropped), grouped into stages. */
function stages(file: string): Stage[] {
  const lines = readFileSync(file.startsWith('/') ? file : join(ROOT, file), 'utf8').split('\n');
  const out: Stage[] = [];
  for (let i = 0; i < lines.length; i++) {
    const at = i + 1;
    let text = lines[i]!.trim();
    if (text === '' || text.startsWith('#')) continue;
    while (text.endsWith('\\') && i + 1 < lines.length) {
      text = text.slice(0, -1).trimEnd();
      const next = lines[++i]!.trim();
      if (!next.startsWith('#')) text += ` ${next}`;
    }
    const m = /^(\w+)\s+(.*)$/s.exec(text);
    assert.ok(m, `${file}:${at}: cannot read ${JSON.stringify(text)}`);
    const op = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      assert.ok(f, `${file}:${at}: FROM ${args}`);
      out.push({ from: f[1]!, name: f[2] ?? null, body: [] });
    } else {
      assert.ok(out.length > 0, `${file}:${at}: ${op} before FROM`);
      out.at(-1)!.body.push({ op, args, line: at });
    }
  }
  return out;
}

/** COPY's flags, sources and destination (shell form only, which is all these files use). */
function copyParts(args: string): { from: string | null; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const rest = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice(7) ?? null;
  return { from, sources: rest.slice(0, -1), dest: rest.at(-1)! };
}

const IMAGES: Array<[string, RegExp]> = [
  ['docker/Dockerfile', /^node:24-slim$/],
  ['docker/Dockerfile.alpine', /^node:24-alpine$/],
  ['docker/example/Dockerfile', /^node:24-slim$/],
];

for (const [file, base] of IMAGES) {
  test(`${file}: node:24 stages; the build stage runs npm ci; the final stage gets only dist/; ENTRYPOINT ["pidone"]`, () => {
    const all = stages(file);
    assert.ok(all.length >= 2, 'a build stage and a final stage');
    for (const s of all) assert.match(s.from, base, `every stage is FROM ${base}`);
    const build = all[0]!;
    assert.equal(build.name, 'build');
    // BuildKit would fetch a `# syntax=` frontend from Docker Hub: offline builders fail.
    assert.doesNotMatch(readFileSync(join(ROOT, file), 'utf8'), /^#\s*syntax=/m, 'no # syntax= directive');
    const runs = build.body.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    assert.match(runs, /\bnpm ci\b/);
    assert.match(runs, /\bpython3\b/);
    assert.match(runs, /\bmake\b/);
    assert.match(runs, /\bg\+\+/);
    if (file.endsWith('alpine')) assert.match(runs, /\blinux-headers\b/, 'musl builds need the kernel headers');
    // Everything `npm ci` needs is copied in, and every source exists in the repository.
    const copied = build.body.filter((i) => i.op === 'COPY').flatMap((i) => copyParts(i.args).sources);
    for (const need of ['package.json', 'package-lock.json', 'build.mjs', 'native/pidone.c', 'native/binding.gyp', 'native/install.mjs', 'src/']) {
      assert.ok(copied.includes(need), `the build stage copies ${need}`);
    }
    for (const src of copied) assert.ok(existsSync(join(ROOT, src)), `${src} exists`);

    const final = all.at(-1)!;
    const fromBuild = final.body.filter((i) => i.op === 'COPY' && copyParts(i.args).from !== null).map((i) => copyParts(i.args));
    assert.deepEqual(fromBuild, [{ from: 'build', sources: ['/src/dist/'], dest: '/opt/pidone/' }], 'only dist/ comes from the build stage');
    for (const i of final.body.filter((x) => x.op === 'COPY' || x.op === 'ADD')) {
      for (const src of copyParts(i.args).sources) {
        if (copyParts(i.args).from === null) assert.ok(src.startsWith('docker/example/') && existsSync(join(ROOT, src)), `${file}:${i.line}: only the example's own files besides dist/ (${src})`);
      }
    }
    assert.match(final.body.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n'), /ln -s \/opt\/pidone\/pidone\.js \/usr\/local\/bin\/pidone/);
    const entry = final.body.filter((i) => i.op === 'ENTRYPOINT');
    assert.equal(entry.length, 1);
    assert.deepEqual(JSON.parse(entry[0]!.args), ['pidone']);

    // BuildKit's <Dockerfile>.dockerignore lets every COPY source through (an allowlist).
    const ignore = readFileSync(join(ROOT, `${file}.dockerignore`), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    assert.equal(ignore[0], '*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    for (const i of all.flatMap((s) => s.body).filter((x) => x.op === 'COPY' && copyParts(x.args).from === null)) {
      for (const src of copyParts(i.args).sources) assert.ok(allowed.some((a) => src === a || src.startsWith(a)), `${file}.dockerignore lets ${src} through`);
    }
  });
}

test("docker/example/Dockerfile's build stage is docker/Dockerfile's", () => {
  const strip = (s: Stage) => s.body.map((i) => `${i.op} ${i.args}`);
  assert.deepEqual(strip(stages('docker/example/Dockerfile')[0]!), strip(stages('docker/Dockerfile')[0]!));
});

test('the Dockerfile snippets in README.md and docs/containers.md are docker/Dockerfile, instruction for instruction', () => {
  const real = stages('docker/Dockerfile').map((s) => ({ ...s, body: s.body.map((i) => `${i.op} ${i.args}`) }));
  for (const doc of ['README.md', 'docs/containers.md']) {
    const blocks = [...readFileSync(join(ROOT, doc), 'utf8').matchAll(/```dockerfile\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const full = blocks.filter((b) => b.startsWith('FROM node:24-slim AS build'));
    assert.equal(full.length, 1, `${doc} shows the whole Dockerfile once`);
    const tmp = mkdtempSync(join(tmpdir(), 'pidone-snippet-'));
    writeFileSync(join(tmp, 'Dockerfile'), full[0]!);
    const shown = stages(join(tmp, 'Dockerfile')).map((s) => ({ ...s, body: s.body.map((i) => `${i.op} ${i.args}`) }));
    rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual(shown, real, `${doc}'s Dockerfile snippet differs from docker/Dockerfile`);
  }
});

/** The final stage outside Docker: dist/ alone at <tmp>/opt/pidone, the symlink on PATH. */
function image(): { root: string; bin: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), 'pidone-image-'));
  cpSync(DIST, join(root, 'opt', 'pidone'), { recursive: true });
  mkdirSync(join(root, 'usr', 'local', 'bin'), { recursive: true });
  const bin = join(root, 'usr', 'local', 'bin', 'pidone');
  symlinkSync(join(root, 'opt', 'pidone', 'pidone.js'), bin);
  // node is on PATH in the node images; here it is wherever this test's node is.
  const env = { PATH: `${dirname(bin)}:${dirname(process.execPath)}:/usr/bin:/bin`, LANG: 'C.UTF-8', HOME: root };
  return { root, bin, env };
}

test('the final stage outside Docker: dist/ alone, run through the symlink by its shebang', (t) => {
  const img = image();
  t.after(() => rmSync(img.root, { recursive: true, force: true }));
  assert.deepEqual(spawnSync('ls', [join(img.root, 'opt', 'pidone')], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean), ['package.json', 'pidone.js', 'pidone.node', 'supervisor.js']);
  assert.equal(readFileSync(img.bin, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  const run = (args: string[], cwd = img.root) => spawnSync('pidone', args, { cwd, env: img.env, encoding: 'utf8', timeout: 20_000 });

  const v = run(['--version']);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout, `pidone ${version}\n`);
  // Single mode with the addon found beside the real file (no "addon unavailable" warning).
  const single = run(['--', 'sh', '-c', 'exit 3']);
  assert.equal(single.status, 3);
  assert.equal(single.stderr, '');
  const debug = run(['-vv', '--', 'true']);
  assert.match(debug.stderr, /registered as child subreaper/);
  // Supervisor mode compiles the embedded half of the bundle: still nothing else needed.
  writeFileSync(join(img.root, 'pidone.yaml'), `settings: { control: { socket: ${join(img.root, 'p.sock')} } }\nprograms:\n  hello: { command: "echo hello from the image", oneshot: true }\n`);
  const sup = run([]);
  assert.equal(sup.status, 0, sup.stderr);
  assert.match(sup.stdout, /hello\s+\| hello from the image/);
  // The example's config, as `RUN pidone check` does in docker/example/Dockerfile.
  const check = run(['check', '-c', join(ROOT, 'docker', 'example', 'pidone.yaml')]);
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /valid, 5 processes, 3 waves/);
});

/** Files the example image holds, by their path in the image (its COPY lines). */
function exampleImageFiles(): Map<string, string> {
  const map = new Map<string, string>();
  for (const i of stages('docker/example/Dockerfile').at(-1)!.body) {
    if (i.op !== 'COPY') continue;
    const c = copyParts(i.args);
    if (c.from === null) for (const s of c.sources) map.set(c.dest, join(ROOT, s));
  }
  return map;
}

/** The config a container runs: `-c FILE` in its arguments, else the image's CMD. */
function configOf(args: string[] | undefined): string {
  const cmd = args ?? JSON.parse(stages('docker/example/Dockerfile').at(-1)!.body.find((i) => i.op === 'CMD')!.args) as string[];
  const at = cmd.indexOf('-c');
  assert.ok(at >= 0, `-c FILE in ${JSON.stringify(cmd)}`);
  const file = exampleImageFiles().get(cmd[at + 1]!);
  assert.ok(file, `${cmd[at + 1]} is copied into the example image`);
  return file;
}

function checkJson(file: string): { settings: { shutdown_timeout: number }; programs: Array<{ name: string }> } {
  const r = spawnSync(process.execPath, [join(DIST, 'pidone.js'), 'check', '--json', '-c', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `pidone check ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const seconds = (d: string | number) => {
  if (typeof d === 'number') return d;
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  assert.ok(m && d !== '', `duration ${d}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
};

test('compose.yaml: builds the example image, runs a config that passes pidone check, waits longer than its shutdown', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker', 'compose.yaml'), 'utf8'));
  const services = Object.entries(compose.services as Record<string, any>);
  assert.ok(services.length >= 1);
  for (const [name, svc] of services) {
    assert.equal(svc.build.dockerfile, 'docker/example/Dockerfile', name);
    assert.ok(existsSync(join(ROOT, 'docker', svc.build.context, svc.build.dockerfile)), `${name}: build context is the repository root`);
    assert.equal(svc.init, false, `${name}: pidone is the init`);
    const model = checkJson(configOf(svc.command));
    assert.deepEqual(model.programs.map((p) => p.name), ['redis', 'migrate', 'web', 'worker:0', 'worker:1']);
    assert.ok(seconds(svc.stop_grace_period) > model.settings.shutdown_timeout + 5, `${name}: stop_grace_period ${svc.stop_grace_period} > shutdown_timeout ${model.settings.shutdown_timeout}s + 5 s`);
    assert.deepEqual(svc.healthcheck.test, ['CMD', 'pidone', 'status']);
  }
});

test('k8s-pod.yaml: the config passes pidone check; terminationGracePeriodSeconds exceeds its shutdown; httpGet probes on its health listener', () => {
  const pod = parse(readFileSync(join(ROOT, 'docker', 'k8s-pod.yaml'), 'utf8'));
  assert.equal(pod.kind, 'Pod');
  const [c, ...more] = pod.spec.containers;
  assert.equal(more.length, 0);
  const model = checkJson(configOf(c.args)) as ReturnType<typeof checkJson> & { settings: { control: { health?: string } } };
  assert.ok(pod.spec.terminationGracePeriodSeconds > model.settings.shutdown_timeout + 5,
    `terminationGracePeriodSeconds ${pod.spec.terminationGracePeriodSeconds} > shutdown_timeout ${model.settings.shutdown_timeout}s + 5 s (pidone's own SIGKILL margin)`);
  // The probes reach the config's health listener, on every interface (the kubelet comes from outside).
  const health = model.settings.control.health;
  assert.ok(health?.startsWith('*:'), `settings.control.health listens on every interface: ${health}`);
  const port = (p: string | number) => (typeof p === 'number' ? p : c.ports.find((x: { name: string }) => x.name === p)?.containerPort);
  assert.deepEqual([c.readinessProbe.httpGet.path, port(c.readinessProbe.httpGet.port)], ['/readyz', Number(health!.slice(2))]);
  assert.deepEqual([c.livenessProbe.httpGet.path, port(c.livenessProbe.httpGet.port)], ['/healthz', Number(health!.slice(2))]);
  const mounts = new Set(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath));
  assert.ok(mounts.has('/run'), 'the control socket needs a writable /run on a read-only root');
});

test('the probes against a live pidone: httpGet on the health listener, and the exec form the manifest documents', async (t) => {
  const img = image();
  t.after(() => rmSync(img.root, { recursive: true, force: true }));
  const pod = parse(readFileSync(join(ROOT, 'docker', 'k8s-pod.yaml'), 'utf8'));
  const readyPath: string = pod.spec.containers[0].readinessProbe.httpGet.path;
  const livePath: string = pod.spec.containers[0].livenessProbe.httpGet.path;
  const sock = join(img.root, 'pidone.sock');
  const env = { ...img.env, PIDONE_SOCKET: sock };
  const { createServer } = await import('node:net');
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as { port: number }).port;
  await new Promise<void>((r) => free.close(() => r()));
  const get = async (path: string) => {
    try {
      return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
    } catch {
      return 0; // refused: what kubelet counts as a failure
    }
  };
  // The exec probes the manifest's comment offers when there is no health listener.
  const readiness = ['pidone', 'status'];
  const liveness = ['sh', '-c', 'pidone status >/dev/null 2>&1; test $? -ne 4'];
  const probe = (cmd: string[]) => spawnSync(cmd[0]!, cmd.slice(1), { env, encoding: 'utf8', timeout: 10_000 }).status;
  assert.match(readFileSync(join(ROOT, 'docker', 'k8s-pod.yaml'), 'utf8'), /readinessProbe: \{ exec: \{ command: \["pidone", "status"\] \} \}/);
  writeFileSync(join(img.root, 'pidone.yaml'), `settings: { control: { socket: ${sock}, health: "127.0.0.1:${port}" } }
programs:
  slow:
    command: "sleep 0.8; echo up; exec sleep 1000"
    ready: { log: "^up$", interval: 100ms }
`);
  const proc = spawn('pidone', ['-c', join(img.root, 'pidone.yaml')], { env: img.env, stdio: 'ignore' });
  const exited = new Promise((r) => proc.on('exit', r));
  t.after(() => proc.kill('SIGKILL'));
  for (let i = 0; i < 100 && (await get(livePath)) !== 200; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await get(livePath), 200, 'alive while a program is still starting');
  assert.equal(await get(readyPath), 503, 'not ready while a program is still starting');
  assert.equal(probe(liveness), 0);
  assert.equal(probe(readiness), 1);
  let ready = 0;
  for (let i = 0; i < 50 && ready !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await get(readyPath);
  }
  assert.equal(ready, 200, 'ready once the program is');
  assert.equal(probe(readiness), 0);
  proc.kill('SIGTERM');
  await exited;
  assert.equal(await get(readyPath), 0, 'nothing answers once pidone is gone');
  assert.equal(await get(livePath), 0);
  assert.equal(probe(readiness), 4, 'no pidone answered');
  assert.notEqual(probe(liveness), 0, 'not alive once pidone is gone');
});
