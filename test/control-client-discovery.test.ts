// `pidone status` finds the pidone it talks to the way `supervisorctl -c FILE` finds supervisord:
// the socket and credentials of the config (-c FILE before or after the command, PIDONE_CONFIG,
// or the daemon's own discovery), so a HEALTHCHECK of `pidone status` works for configs with
// their own socket path and password (8 of the 27 corpus supervisord.conf files).
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { until } from './support/daemon.ts';
import { BASE_ENV, DIST, killAll, runPidone } from './support/pid1.ts';

afterEach(killAll);

interface Result { code: number | null; stdout: string; stderr: string }

function client(args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<Result> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [DIST, ...args], { cwd: opts.cwd, env: { ...BASE_ENV, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}


test('INI with its own socket and a {SHA} server password: pidone -c FILE status, PIDONE_CONFIG, discovery from the cwd', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-disc-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'pidone-disc-cwd-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });
  const socket = join(dir, 'supervisor.sock');
  const conf = join(dir, 'supervisord.conf');
  // As webdevops' image has it: the server holds a hash, supervisorctl the plain password;
  // the user name comes from the environment, as in MISP's.
  writeFileSync(conf, `[unix_http_server]
file = ${socket}
chmod = 0700
username = %(ENV_CTL_USER)s
password = {SHA}e982f17bcbe0f724063b708a4f76db211a999304

[supervisord]
nodaemon = true

[supervisorctl]
serverurl = unix://${socket}
username = %(ENV_CTL_USER)s
password = docker

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:app]
command = sh -c 'echo up; exec sleep 1000'
`);
  const env = { CTL_USER: 'root' };
  const run = runPidone(['-c', conf], { env: { ...BASE_ENV, ...env } });
  await until(() => existsSync(socket), 10_000, 'the socket');
  const ok = async (args: string[], cwd: string, extra: Record<string, string> = {}) => {
    let r: Result = { code: null, stdout: '', stderr: '' };
    await until(async () => (r = await client(args, { cwd, env: { ...env, ...extra } })).code === 0, 10_000, `${args.join(' ')} to exit 0`).catch(() => {});
    assert.equal(r.code, 0, `${args.join(' ')} (cwd ${cwd}): ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^app\s+RUNNING/m);
  };
  await ok(['-c', conf, 'status'], elsewhere);
  await ok(['status', '-c', conf], elsewhere);
  await ok(['status'], elsewhere, { PIDONE_CONFIG: conf });
  await ok(['status'], dir); // ./supervisord.conf, as the daemon would find it
  // Without the config, the credentials are missing: 401 and a hint, not "ok".
  const bare = await client(['status', '-s', socket], { cwd: elsewhere });
  assert.equal(bare.code, 1);
  assert.match(bare.stderr, /PIDONE_TOKEN/);
  // The real supervisorctl reads the same file the same way.
  if (spawnSync('supervisorctl', ['--version']).status === 0) {
    const sc = spawnSync('supervisorctl', ['-c', conf, 'status'], { env: { ...BASE_ENV, ...env }, encoding: 'utf8' });
    assert.match(sc.stdout, /^app\s+RUNNING/m, sc.stdout + sc.stderr);
  }
  process.kill(await run.hostPid(), 'SIGTERM');
  assert.equal((await run.exited).code, 0);
});

test('YAML with a token on its socket: pidone -c FILE status uses the token; a named config with errors exits 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-disc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, 'p.sock');
  const file = join(dir, 'app.yaml');
  writeFileSync(file, `settings: { control: { socket: ${socket}, token: "0123456789abcdef-token" } }
programs:
  app: { command: "sh -c 'echo up; exec sleep 1000'" }
`);
  const run = runPidone(['-c', file]);
  await until(() => existsSync(socket), 10_000, 'the socket');
  let r: Result = { code: null, stdout: '', stderr: '' };
  await until(async () => (r = await client(['-c', file, 'status'], { cwd: tmpdir() })).code === 0, 10_000, 'status 0').catch(() => {});
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // PIDONE_TOKEN wins over the config's.
  const wrong = await client(['-c', file, 'status'], { cwd: tmpdir(), env: { PIDONE_TOKEN: 'not-the-right-token-at-all' } });
  assert.equal(wrong.code, 1);
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'programs:\n  x: { comand: "typo" }\n');
  const bad = await client(['-c', broken, 'status'], { cwd: tmpdir() });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /broken\.yaml: cannot find the control socket in it/);
  process.kill(await run.hostPid(), 'SIGTERM');
  assert.equal((await run.exited).code, 0);
});
