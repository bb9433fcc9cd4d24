// docker/compose.yaml under Debian's docker-compose (1.29): up --build, healthy, pidone status
// through `docker-compose exec`, stop (exit 0), down. The test adds an override file that
// gives the service no network at all (network_mode: none) and a 1 s health interval:
// compose would otherwise create a bridge network for the project, and no traffic may leave
// loopback here. docker/compose.yaml itself stays as users run it (ports, default network).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { run } from '../support/docker-engine.ts';
import { type Suite, containerSuite, until } from '../support/docker.ts';
import { ROOT } from '../support/pid1.ts';

const log = (m: string) => console.log(`containers: ${m}`);
const hasCompose = spawnSync('docker-compose', ['--version']).status === 0;
const suite = hasCompose ? await containerSuite([], log) : 'docker-compose is not installed (apt-get install docker-compose)';
if (!hasCompose && process.env.CI === 'true') throw new Error('CI=true, but docker-compose is not installed');
const skip = typeof suite === 'string' ? suite : false;
const dir = mkdtempSync(join(tmpdir(), 'pidone-compose-'));
const override = join(dir, 'no-network.yaml');
writeFileSync(override, `services:
  app:
    network_mode: none
    healthcheck:
      interval: 1s
    build:
      network: host
`);
const PROJECT = 'pidonetest';

function compose(args: string[], timeoutMs = 120_000) {
  const e = (suite as Suite).engine;
  // docker-compose builds with the docker CLI (BuildKit): Debian's, first on PATH.
  const env = { ...e.env, PATH: `/usr/bin:/bin:/usr/sbin:/sbin:${e.env.PATH}`, COMPOSE_DOCKER_CLI_BUILD: '1', DOCKER_BUILDKIT: '1' };
  return run('docker-compose', ['-f', join(ROOT, 'docker', 'compose.yaml'), '-f', override, '-p', PROJECT, ...args], { env, cwd: ROOT, timeoutMs });
}

after(async () => {
  if (typeof suite !== 'string') {
    await compose(['down', '--remove-orphans'], 120_000);
    await suite.engine.stop();
  }
  rmSync(dir, { recursive: true, force: true });
});

test('docker compose runs docker/compose.yaml: up --build, healthy, pidone status, stop with exit 0, down clean, no network made', { skip, timeout: 15 * 60_000 }, async () => {
  const e = (suite as Suite).engine;
  const networks = async () => (await e.ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean).sort();
  const before = await networks();
  const up = await compose(['up', '-d', '--build'], 15 * 60_000);
  assert.equal(up.code, 0, up.stdout + up.stderr);
  const id = (await compose(['ps', '-q', 'app'])).stdout.trim();
  assert.match(id, /^[0-9a-f]{12,}$/, 'the app container');
  const health = async () => (await e.ok(['inspect', '--format', '{{.State.Health.Status}}', id])).trim();
  await until(async () => (await health()) === 'healthy', 90_000, 'the compose healthcheck (pidone status) to pass');
  const status = await compose(['exec', '-T', 'app', 'pidone', 'status']);
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /^web\s+RUNNING/m);
  assert.deepEqual(await networks(), before, 'compose created no network');
  const t0 = Date.now();
  const stop = await compose(['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.ok(Date.now() - t0 < 10_000, `docker-compose stop took ${Date.now() - t0} ms`);
  assert.equal((await e.ok(['inspect', '--format', '{{.State.ExitCode}}', id])).trim(), '0');
  const logs = (await e.ok(['logs', id])).trimEnd().split('\n');
  assert.match(logs.at(-1)!, /exiting with code 0: received SIGTERM/);
  const down = await compose(['down']);
  assert.equal(down.code, 0, down.stderr);
  assert.equal((await e.docker(['inspect', id])).code, 1, 'the container is gone');
  assert.deepEqual(await networks(), before);
});
