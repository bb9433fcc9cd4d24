// Real process-compose files from the corpus, unchanged, run by the built pidone as PID 1 with
// Debian's redis, memcached and PostgreSQL, and a client talks to each server. Each run has its
// own PID, mount and network namespaces and runs as nobody (test/support/isolated.ts), so the
// files' fixed ports cannot meet anything else on the machine. Skipped, with the reason, where
// the Debian packages are missing (.ci/run installs them).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/pid1.ts';
import { exec, until } from './support/daemon.ts';
import { killIsolated, runIsolated, type IsolatedRun } from './support/isolated.ts';

const CORPUS = join(ROOT, 'test', 'fixtures', 'process-compose');
const EXTRAS = join(ROOT, 'test', 'fixtures', 'process-compose-run');
const NOBODY = 65534;
afterEach(killIsolated);

const onPath = (cmd: string) => ['/usr/bin', '/usr/sbin', '/bin', '/usr/local/bin'].some((d) => existsSync(join(d, cmd)));
const pgBin = (() => {
  const base = '/usr/lib/postgresql';
  const v = existsSync(base) ? readdirSync(base).sort().reverse().find((d) => existsSync(join(base, d, 'bin', 'initdb'))) : undefined;
  return v ? join(base, v, 'bin') : null;
})();
const missing = (...cmds: string[]) => {
  const gone = cmds.filter((c) => !onPath(c));
  return gone.length > 0 ? `not installed: ${gone.join(', ')} (.ci/run installs them)` : false;
};

/** A directory owned by nobody with the corpus file (and extras) in it. */
function project(file: string, extras?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-pcrun-'));
  copyFileSync(join(CORPUS, file), join(dir, file));
  if (extras) cpSync(join(EXTRAS, extras), dir, { recursive: true });
  chmodSync(dir, 0o755);
  const own = (p: string) => {
    chownSync(p, NOBODY, NOBODY);
    for (const e of readdirSync(p, { withFileTypes: true })) {
      if (e.isDirectory()) own(join(p, e.name));
      else chownSync(join(p, e.name), NOBODY, NOBODY);
    }
  };
  own(dir);
  return dir;
}

const baseEnv = (dir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: `${pgBin ? `${pgBin}:` : ''}/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
  HOME: dir, XDG_RUNTIME_DIR: dir, LANG: 'C.UTF-8', ...extra,
});

async function stop(run: IsolatedRun): Promise<number | null> {
  process.kill(await run.pid(), 'SIGTERM');
  return (await run.exited).code;
}

test('cement.yaml: redis and memcached are served; mailpit, not installed, is restarted as restart: always says', {
  skip: missing('redis-server', 'redis-cli', 'memcached'), timeout: 60_000,
}, async (t) => {
  const dir = project('cement.yaml');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = runIsolated(['-c', join(dir, 'cement.yaml')], { cwd: dir, env: baseEnv(dir) });
  const env = baseEnv(dir);
  await until(async () => (await run.inNet(['redis-cli', 'ping'], env)).stdout.trim() === 'PONG', 15_000, 'redis PONG');
  assert.equal((await run.inNet(['redis-cli', 'set', 'greeting', 'hello'], env)).stdout.trim(), 'OK');
  assert.equal((await run.inNet(['redis-cli', 'get', 'greeting'], env)).stdout.trim(), 'hello');
  const memcached = (cmds: string) => run.inNet(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/11211; printf '${cmds}quit\\r\\n' >&3; cat <&3`], env);
  await until(async () => (await memcached('version\\r\\n')).stdout.startsWith('VERSION'), 15_000, 'memcached VERSION');
  assert.equal((await memcached('set k 0 0 2\\r\\nhi\\r\\nget k\\r\\n')).stdout, 'STORED\r\nVALUE k 0 2\r\nhi\r\nEND\r\n');
  // restart: "always": the missing mailpit comes back again and again, with process-compose's 1 s backoff.
  await run.line((l) => /mailpit.*command not found/.test(l));
  await until(() => run.stdout.filter((l) => /spawned: 'mailpit'/.test(l)).length >= 2, 10_000, 'mailpit spawned twice');
  // The output is prefixed by name; redis says it is ready on 6379.
  assert.ok(run.stdout.some((l) => /^redis\s+\| .*Ready to accept connections/.test(l)), run.stdout.join('\n'));
  assert.equal(await stop(run), 0, `${run.stdout.join('\n')}\n${run.stderr()}`);
});

test('slacklinker.yaml: postgres becomes healthy by its psql probe, postgres_init runs after it, a client queries the database', {
  skip: (!pgBin && 'PostgreSQL is not installed (.ci/run installs it)') || missing('psql'), timeout: 90_000,
}, async (t) => {
  const dir = project('slacklinker.yaml', 'slacklinker');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // process-compose creates a log_location's directory; pidone writes only where it may.
  mkdirSync(join(dir, '$PC_DIR', 'logs'), { recursive: true });
  chownSync(join(dir, '$PC_DIR', 'logs'), NOBODY, NOBODY);
  chownSync(join(dir, '$PC_DIR'), NOBODY, NOBODY);
  const env = baseEnv(dir, { PGDATA: join(dir, 'pgdata'), PGHOST: dir });
  const run = runIsolated(['-c', join(dir, 'slacklinker.yaml')], { cwd: dir, env });
  await run.line((l) => /^postgres_init\s+\| database slacklinker created$/.test(l), 60_000);
  await run.line((l) => /exited: postgres_init \(exit status 0; expected\)/.test(l));
  const q = await run.inNet(['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'psql', '-h', dir, '-d', 'slacklinker', '-Atc', 'select current_database(), 6 * 7'], env);
  assert.equal(q.stdout.trim(), 'slacklinker|42', q.stderr);
  // log_location: both streams of postgres, raw, in the file.
  const log = readFileSync(join(dir, '$PC_DIR', 'logs', 'postgres.log'), 'utf8');
  assert.match(log, /database system is ready to accept connections/);
  // shutdown.signal: 2 is SIGINT, PostgreSQL's fast shutdown.
  assert.equal(await stop(run), 0, `${run.stdout.join('\n')}\n${run.stderr()}`);
  assert.match(readFileSync(join(dir, '$PC_DIR', 'logs', 'postgres.log'), 'utf8'), /received fast shutdown request/);
});

test('bemi-django.yaml: is_daemon postgres via pg_ctl is served', {
  skip: (!pgBin && 'PostgreSQL is not installed (.ci/run installs it)') || missing('psql'), timeout: 60_000,
}, async (t) => {
  const { dir, run, env } = await bemi(t);
  const q = await run.inNet(['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'psql', '-h', dir, '-d', 'postgres', '-Atc', 'select 1'], env);
  assert.equal(q.stdout.trim(), '1', q.stderr);
  process.kill(await run.pid(), 'SIGTERM');
  await run.exited;
});

test('bemi-django.yaml: the daemon counts as running once pg_ctl start exits 0, and shutdown.command stops it', {
  skip: (!pgBin && 'PostgreSQL is not installed (.ci/run installs it)') || missing('psql'),

  timeout: 60_000,
}, async (t) => {
  const { run } = await bemi(t);
  // Launched once: pg_ctl start is not restarted while postgres runs.
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(run.stdout.filter((l) => /spawned: 'postgresql-source'/.test(l)).length, 1, run.stdout.join('\n'));
  process.kill(await run.pid(), 'SIGTERM');
  await run.line((l) => /^postgresql-source\s+\| .*server stopped/.test(l));
  assert.equal((await run.exited).code, 0);
});

async function bemi(t: { after: (fn: () => void) => void }): Promise<{ dir: string; run: IsolatedRun; env: Record<string, string> }> {
  const dir = project('bemi-django.yaml');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // What devbox's postgresql plugin provides: the directory the command cds into, PGDATA, PGHOST.
  const virtenv = join(dir, '.devbox', 'virtenv', 'postgresql');
  mkdirSync(virtenv, { recursive: true });
  for (const d of ['.devbox', '.devbox/virtenv', '.devbox/virtenv/postgresql']) chownSync(join(dir, d), NOBODY, NOBODY);
  const env = baseEnv(dir, { PGDATA: join(virtenv, 'data'), PGHOST: dir });
  // initdb as nobody, as `devbox services` does before the first start.
  const init = await exec(['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'initdb', '--auth=trust', '--no-sync', '-D', env.PGDATA as string], env, 60_000);
  assert.equal(init.code, 0, init.stderr);
  const run = runIsolated(['-c', join(dir, 'bemi-django.yaml')], { cwd: dir, env });
  await run.line((l) => /^postgresql-source\s+\| .*server started/.test(l), 30_000);
  return { dir, run, env };
}

test('upstream-demo.yaml: its shell scripts run unchanged ($i survives, ${code} is expanded at load as process-compose does)', {
  skip: missing('bash'), timeout: 60_000,
}, async (t) => {
  const dir = project('upstream-demo.yaml');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = runIsolated(['-c', join(dir, 'upstream-demo.yaml')], { cwd: dir, env: baseEnv(dir) });
  // The loop counter `i=$((i+1))` and `[ $i -lt 60 ]` work: the loop body prints.
  await run.line((l) => /^redis\s+\| \d\d:\d\d:\d\d - Handled \d+ requests$/.test(l), 15_000);
  // api-server waits for redis and postgres to be healthy (exec probes after their delays).
  await run.line((l) => /^api-server\s+\| \d\d:\d\d:\d\d - GET \/api\/v1\/users -  - \d+ms$/.test(l), 20_000);
  await run.line((l) => /^web-app\s+\| Building assets\.\.\./.test(l), 10_000);
  await stop(run);
});

test("a process-compose schedule runs for real: run_on_start at once, then every interval, each run a oneshot", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-pcrun-'));
  writeFileSync(join(dir, 'process-compose.yaml'), `processes:
  tick:
    command: "echo tick $(date +%s%N)"
    schedule: { interval: 1s, run_on_start: true }
  web:
    command: "sleep 1000"
`);
  chmodSync(dir, 0o755);
  chownSync(dir, NOBODY, NOBODY);
  chownSync(join(dir, 'process-compose.yaml'), NOBODY, NOBODY);
  const run = runIsolated(['-c', join(dir, 'process-compose.yaml')], { cwd: dir, env: baseEnv(dir) });
  const ticks = () => run.stdout.filter((l) => /^tick\s+\| tick \d+$/.test(l));
  await until(() => ticks().length >= 3, 20_000, 'three scheduled runs of tick');
  const at = ticks().map((l) => Number(l.split(' ').pop()) / 1e6);
  // The first run is at start, before the first interval has passed; the runs are apart.
  assert.ok(at[1]! - at[0]! >= 500, `runs ${at.map((t) => Math.round(t - at[0]!)).join(', ')} ms after the first`);
  assert.ok(!run.stdout.some((l) => /tick.*(FATAL|BACKOFF)/.test(l)), run.stdout.join('\n'));
  assert.equal(await stop(run), 0, run.stderr());
  rmSync(dir, { recursive: true, force: true });
});

test("a process-compose watch restarts the process for a change under its path, not for its excludes or the default ones", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-pcrun-'));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'process-compose.yaml'), `processes:
  api:
    command: "echo started; exec sleep 1000"
    watch:
      debounce: 200ms
      paths:
        - path: ./src
          exclude: ["*_test.go"]
`);
  chmodSync(dir, 0o755);
  for (const p of [dir, src, join(src, 'node_modules'), join(dir, 'process-compose.yaml')]) chownSync(p, NOBODY, NOBODY);
  const run = runIsolated(['-c', join(dir, 'process-compose.yaml')], { cwd: dir, env: baseEnv(dir) });
  const starts = () => run.stdout.filter((l) => /^api\s+\| started$/.test(l)).length;
  await until(() => starts() === 1, 10_000, 'api started');
  // Excluded by the file's pattern and by process-compose's defaults (a log file, node_modules).
  writeFileSync(join(src, 'handler_test.go'), 'x');
  writeFileSync(join(src, 'api.log'), 'x');
  writeFileSync(join(src, 'node_modules', 'dep.js'), 'x');
  writeFileSync(join(src, 'main.go'), 'x');
  await until(() => starts() === 2, 10_000, 'api restarted for main.go');
  const said = run.stdout.filter((l) => /watch: api: /.test(l));
  assert.equal(said.length, 1, said.join('\n'));
  assert.match(said[0]!, /watch: api: 1 change \(.*main\.go\): restarting/);
  assert.equal(await stop(run), 0, run.stderr());
  rmSync(dir, { recursive: true, force: true });
});
