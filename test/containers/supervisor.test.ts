// Supervisor mode in a real Docker engine: the example stack (docker/example/Dockerfile) and
// configs mounted into the pidone image (docker/Dockerfile), driven as a user drives them:
// docker stop, docker run -t and Ctrl-C, a read-only root as a non-root user, HEALTHCHECK,
// docker exec pidone status, and the Kubernetes manifest's probes.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { DOCKER_CLI, TEST_LABEL } from '../support/docker-engine.ts';
import { EXAMPLE_IMAGE, PIDONE_IMAGE, type Suite, containerSuite, plain, start, until } from '../support/docker.ts';
import { ROOT } from '../support/pid1.ts';

const log = (m: string) => console.log(`containers: ${m}`);
const suite = await containerSuite(['pidone', 'example'], log);
const skip = typeof suite === 'string' ? suite : false;
const e = () => (suite as Suite).engine;
const dir = mkdtempSync(join(tmpdir(), 'pidone-ct-'));
after(async () => {
  if (typeof suite !== 'string') await suite.engine.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a config into the temp dir; returns the -v option that mounts it at `at`. */
function mount(name: string, text: string, at: string): string[] {
  const file = join(dir, name);
  writeFileSync(file, text);
  return ['-v', `${file}:${at}:ro`];
}

const statusOk = (c: { exec: (cmd: string[]) => Promise<{ code: number | null }> }) => async () => (await c.exec(['pidone', 'status'])).code === 0;

test('the example stack: docker stop ends it in under 2 s with exit 0, programs stopped in reverse dependency order, the reason last', { skip, timeout: 120_000 }, async () => {
  const c = await start(e(), [], EXAMPLE_IMAGE);
  await until(statusOk(c), 60_000, 'every program RUNNING and ready (docker exec pidone status)');
  const took = await c.stop(40);
  const code = await c.inspect('{{.State.ExitCode}}');
  const lines = plain((await c.logs()).stdout).trimEnd().split('\n');
  assert.equal(code, '0', lines.join('\n'));
  assert.ok(took < 2, `docker stop took ${took.toFixed(2)} s`);
  const stopped = lines.map((l) => /^pidone\s+\| stopped: (\S+)/.exec(l)?.[1]).filter(Boolean);
  assert.deepEqual(new Set(stopped.slice(0, 3)), new Set(['web', 'worker:0', 'worker:1']), lines.join('\n'));
  assert.equal(stopped[3], 'redis', 'redis, which the others depend on, stops last');
  assert.match(lines.at(-1)!, /^pidone\s+\| exiting with code 0: received SIGTERM; final states: redis STOPPED, migrate EXITED \(0\), web STOPPED/);
  await c.remove();
});

test('a supervisord.conf program crashed and respawned, then docker stop: under 2 s, exit 0', { skip, timeout: 120_000 }, async () => {
  const conf = mount('crash.conf', '[supervisord]\nnodaemon=true\n\n[program:app]\ncommand=sleep 1000\nstartsecs=1\n', '/etc/supervisor/supervisord.conf');
  const c = await start(e(), conf, PIDONE_IMAGE); // found where supervisord looks: no -c
  const pid = async () => {
    const r = await c.exec(['pidone', 'status', '--json']);
    const app = r.code === 0 ? JSON.parse(r.stdout).programs.find((p: { name: string }) => p.name === 'app') : null;
    return app?.state === 'RUNNING' ? (app.pid as number) : 0;
  };
  await until(async () => (await pid()) > 0, 30_000, 'app RUNNING');
  const first = await pid();
  await c.exec(['sh', '-c', `kill -USR2 ${first}`]); // no kill(1) in the image: the shell's
  await until(async () => ![0, first].includes(await pid()), 30_000, 'app respawned and RUNNING again');
  const took = await c.stop(10);
  const code = await c.inspect('{{.State.ExitCode}}');
  const out = plain((await c.logs()).stdout);
  assert.equal(code, '0', out);
  assert.ok(took < 2, `docker stop took ${took.toFixed(2)} s (Docker SIGKILLs at 10 s)`);
  await c.remove();
});

test('a critical program\'s exit code becomes the container\'s', { skip, timeout: 60_000 }, async () => {
  const conf = mount('critical.yaml', `programs:
  app: { command: "sh -c 'echo working; sleep 0.5; exit 7'", critical: true, restart: never }
  sidecar: { command: "sleep 1000" }
`, '/etc/pidone/pidone.yaml');
  const c = await start(e(), conf, PIDONE_IMAGE);
  assert.equal(await c.exitCode(), 7, plain((await c.logs()).stdout));
  await c.remove();
});

/** Runs `docker run -it ...` under script(1), which gives it a terminal; returns a handle. */
function withTerminal(args: string[]) {
  const cmd = [DOCKER_CLI, 'run', '-it', '--rm', '--network', 'none', '--label', TEST_LABEL, ...args].map((a) => `'${a}'`).join(' ');
  const p = spawn('script', ['-qfec', cmd, '/dev/null'], { env: e().env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => p.on('close', (code) => r(code)));
  return { p, out: () => out, exited };
}

test('docker run -t prints the same prefixed lines as without a terminal (colours aside), and Ctrl-C stops it with exit 0', { skip, timeout: 90_000 }, async () => {
  const conf = mount('tty.yaml', `programs:
  talker: { command: "sh -c 'echo one; echo two >&2; echo three; exec sleep 1000'" }
  hello: { command: "echo hello world", oneshot: true }
`, '/etc/pidone/pidone.yaml');
  const programLines = (text: string) => plain(text).split('\n').filter((l) => /^(talker|hello)\s+[|!] /.test(l)).sort();
  const c = await start(e(), conf, PIDONE_IMAGE);
  await until(async () => programLines((await c.logs()).stdout + (await c.logs()).stderr).length === 4, 30_000, 'four program lines without a terminal');
  const expected = programLines((await c.logs()).stdout);
  await c.remove();

  const tty = withTerminal([...conf, PIDONE_IMAGE]);
  try {
    await until(() => programLines(tty.out()).length === 4, 30_000, 'four program lines on the terminal');
    assert.deepEqual(programLines(tty.out()), expected);
    assert.match(tty.out(), /\x1b\[/, 'on a terminal the names are coloured');
    tty.p.stdin.write('\x03'); // Ctrl-C: the terminal sends SIGINT to pidone, its foreground process
    assert.equal(await tty.exited, 0, plain(tty.out()));
    assert.match(plain(tty.out()), /received SIGINT indicating exit request[\s\S]*exiting with code 0: received SIGINT/);
  } finally {
    tty.p.kill('SIGKILL');
  }
});

// Docker's plain --tmpfs /run is root's (mode 755): uid 1000 still cannot make the socket there.
for (const tmpfs of [null, '/run', '/run:uid=1000']) {
  const works = tmpfs === '/run:uid=1000';
  test(`--read-only --user 1000:1000 ${tmpfs === null ? 'without a tmpfs' : `--tmpfs ${tmpfs}`}: it supervises${works ? ', and docker exec pidone status answers' : '; one warning says how to get the socket'}`, { skip, timeout: 60_000 }, async () => {
    const conf = mount('ro.yaml', 'programs:\n  app: { command: "sh -c \'echo up as $(id -u); exec sleep 1000\'" }\n', '/etc/pidone/pidone.yaml');
    const c = await start(e(), ['--read-only', '--user', '1000:1000', ...(tmpfs ? ['--tmpfs', tmpfs] : []), ...conf], PIDONE_IMAGE);
    await until(async () => /^app\s+\| up as 1000$/m.test(plain((await c.logs()).stdout)), 30_000, 'the program to run');
    const status = await c.exec(['pidone', 'status']);
    const out = plain((await c.logs()).stdout);
    const warnings = out.split('\n').filter((l) => l.includes('cannot create the control socket'));
    if (works) {
      assert.equal(status.code, 0, status.stdout + status.stderr);
      assert.match(status.stdout, /^app\s+RUNNING/m);
      assert.deepEqual(warnings, []);
    } else {
      assert.equal(status.code, 4, 'no pidone answered: there is no socket');
      assert.equal(warnings.length, 1, out);
      assert.match(warnings[0]!, /--tmpfs \/run:uid=1000 \(a plain --tmpfs \/run is root's\)/);
    }
    assert.equal(await c.inspect('{{.State.Running}}'), 'true');
    await c.stop(10);
    assert.equal(await c.inspect('{{.State.ExitCode}}'), '0');
    await c.remove();
  });
}

const health = (c: { inspect: (f: string) => Promise<string> }) => c.inspect('{{.State.Health.Status}}');

const HEALTH_OPTS = ['--health-cmd', 'pidone status', '--health-interval', '1s', '--health-timeout', '10s', '--health-retries', '1'];

test('HEALTHCHECK pidone status: healthy, then unhealthy when a program dies for good (YAML, default socket)', { skip, timeout: 90_000 }, async () => {
  const conf = mount('health.yaml', `programs:
  app: { command: "sleep 1000", restart: never }
  keeper: { command: "sleep 1000" }
`, '/etc/pidone/pidone.yaml');
  const c = await start(e(), [...HEALTH_OPTS, ...conf], PIDONE_IMAGE);
  await until(async () => (await health(c)) === 'healthy', 45_000, 'healthy');
  assert.equal((await c.exec(['pidone', 'signal', 'KILL', 'app'])).code, 0);
  await until(async () => (await health(c)) === 'unhealthy', 45_000, 'unhealthy');
  await c.remove();
});

test('HEALTHCHECK pidone status with a supervisord.conf that has its own socket path and a password', { skip, timeout: 90_000 }, async () => {
  const conf = mount('health.conf', `[unix_http_server]
file=/tmp/supervisor.sock
chmod=0700
username=admin
password=s3cret

[supervisord]
nodaemon=true

[supervisorctl]
serverurl=unix:///tmp/supervisor.sock
username=admin
password=s3cret

[program:app]
command=sleep 1000
autorestart=false

[program:keeper]
command=sleep 1000
`, '/etc/supervisor/supervisord.conf');
  const c = await start(e(), [...HEALTH_OPTS, ...conf], PIDONE_IMAGE); // daemon and client discover it
  await until(async () => (await health(c)) === 'healthy', 45_000, 'healthy');
  const status = await c.exec(['pidone', 'status']);
  assert.equal(status.code, 0, status.stderr);
  assert.equal((await c.exec(['pidone', 'signal', 'KILL', 'app'])).code, 0);
  await until(async () => (await health(c)) === 'unhealthy', 45_000, 'unhealthy');
  await c.remove();
});

test('the health listener of docker/k8s-pod.yaml answers its httpGet probes from inside the example container', { skip, timeout: 90_000 }, async () => {
  const pod = parse(readFileSync(join(ROOT, 'docker', 'k8s-pod.yaml'), 'utf8'));
  const container = pod.spec.containers[0];
  const port = (p: { name?: string; containerPort: number }[], name: string | number) => typeof name === 'number' ? name : p.find((x) => x.name === name)!.containerPort;
  const probes: Array<[string, { path: string; port: string | number }]> = [['readiness', container.readinessProbe.httpGet], ['liveness', container.livenessProbe.httpGet]];
  const c = await start(e(), [], EXAMPLE_IMAGE, container.args);
  const get = async (path: string, p: number, method = 'GET') => {
    const js = `fetch('http://127.0.0.1:${p}${path}', { method: '${method}' }).then(async (r) => console.log(r.status, JSON.stringify(await r.text())), (e) => { console.log(0, e.cause?.code); })`;
    const r = await c.exec(['node', '-e', js]);
    const [status, body] = r.stdout.trim().split(' ');
    return { status: Number(status), body: body ?? '' };
  };
  for (const [kind, probe] of probes) {
    const p = port(container.ports, probe.port);
    await until(async () => (await get(probe.path, p)).status === 200, 60_000, `the ${kind} probe ${probe.path} on ${p}`);
  }
  const p = port(container.ports, probes[0]![1].port);
  assert.equal((await get('/metrics', p)).status, 200);
  assert.equal((await get('/api/programs', p)).status, 404, 'no API on the health listener');
  assert.equal((await get('/api/shutdown', p, 'POST')).status, 404, 'no control on the health listener');
  await c.remove();
});
