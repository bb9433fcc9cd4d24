// settings.control.health (YAML) and [supervisord] health= (INI): an HTTP listener without
// credentials that a Kubernetes httpGet probe can use. It answers /healthz, /readyz and
// /metrics, GET and HEAD only, and nothing else: no API, no web page, no XML-RPC.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { until } from './support/daemon.ts';
import { killAll, runPidone } from './support/pid1.ts';

afterEach(killAll);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const answers = async (port: number) => {
  try {
    return (await get(port, '/healthz')).status === 200;
  } catch {
    return false;
  }
};

// A program that becomes ready after a marker file appears, so the test decides when.
const program = (marker: string) => `sh -c 'while [ ! -e ${marker} ]; do sleep 0.05; done; echo up; exec sleep 1000'`;

for (const format of ['yaml', 'ini'] as const) {
  test(`${format}: the health listener serves /healthz, /readyz and /metrics without credentials, and nothing else`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pidone-health-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const marker = join(dir, 'go');
    const config = join(dir, format === 'yaml' ? 'pidone.yaml' : 'supervisord.conf');
    // Credentials on the socket: the health listener must not need them.
    writeFileSync(config, format === 'yaml'
      ? `settings: { control: { socket: ${join(dir, 'p.sock')}, token: a-token-of-sixteen-chars, health: "127.0.0.1:${port}" } }
programs:
  app: { command: ${JSON.stringify(program(marker))}, ready: { log: "^up$" } }
`
      : `[supervisord]
health = 127.0.0.1:${port}
[unix_http_server]
file = ${join(dir, 'p.sock')}
username = admin
password = secret
[program:app]
command = ${program(marker)}
ready_log = ^up$
`);
    const run = runPidone(['-c', config]);
    await until(() => answers(port), 10_000, 'the health listener');
    assert.equal((await get(port, '/healthz')).body, 'ok\n');
    const starting = await get(port, '/readyz');
    assert.equal(starting.status, 503);
    assert.match(starting.body, /^not ready\napp: starting/);
    writeFileSync(marker, '');
    await until(async () => (await get(port, '/readyz')).status === 200, 10_000, '/readyz 200');
    const metrics = await get(port, '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^pidone_program_ready\{program="app",group="app"\} 1$/m);
    assert.equal((await get(port, '/readyz', 'HEAD')).status, 200);
    // Read-only and nothing more: no API, no page, no XML-RPC, no POST.
    for (const path of ['/api/programs', '/', '/RPC2', '/ok.html', '/logtail/app']) assert.equal((await get(port, path)).status, 404, path);
    assert.equal((await get(port, '/readyz', 'POST')).status, 405);
    assert.match(run.stdout.join('\n'), new RegExp(`health listener on http://127\\.0\\.0\\.1:${port}`));
    process.kill(await run.hostPid(), 'SIGTERM');
    assert.equal((await run.exited).code, 0);
  });
}

test('the health listener still serves when the control socket cannot be made', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-health-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const config = join(dir, 'pidone.yaml');
  writeFileSync(config, `settings: { control: { socket: ${join(dir, 'no', 'such', 'p.sock')}, health: "127.0.0.1:${port}" } }
programs:
  app: { command: "sleep 1000" }
`);
  const run = runPidone(['-c', config]);
  await until(() => answers(port), 10_000, 'the health listener');
  await until(async () => (await get(port, '/readyz')).status === 200, 10_000, '/readyz 200');
  process.kill(await run.hostPid(), 'SIGTERM');
  assert.equal((await run.exited).code, 0);
});

test('health: a port, :port and *:port mean every interface; a bad value is a config error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-health-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { spawnSync } = await import('node:child_process');
  const { DIST } = await import('./support/pid1.ts');
  const check = (value: string) => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, `settings: { control: { health: ${value} } }\nprograms:\n  a: { command: "true" }\n`);
    return spawnSync(process.execPath, [DIST, 'check', '--json', '-c', file], { encoding: 'utf8' });
  };
  for (const [value, expected] of [['8080', '*:8080'], ['":8080"', '*:8080'], ['"*:8080"', '*:8080'], ['"127.0.0.1:9"', '127.0.0.1:9'], ['"[::1]:80"', '[::1]:80']]) {
    const r = check(value!);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).settings.control.health, expected, value);
  }
  const bad = check('"localhost"');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /settings\.control\.health: expected a port \(8080\), :port or host:port/);
});
