// Procfiles by foreman's rules, on the examples foreman and honcho document (test/fixtures/
// procfile, SOURCES.md): `name: command` lines, `.env` beside the file, PORT = base + 100 per
// type + 1 per instance, a formation, names web.1, and the first process to end ends them all.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Loaded } from '../src/config/load.ts';
import { ConfigError } from '../src/config/diagnostic.ts';
import { parseForemanEnv, parseFormation } from '../src/config/procfile.ts';
import { exec } from './support/daemon.ts';
import { DIST, ROOT } from './support/pid1.ts';
import { killIsolated, runIsolated } from './support/isolated.ts';
import { anyHost, tempDir } from './support/config.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'procfile');
afterEach(killIsolated);

function fixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-procfile-'));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}
function load(dir: string, opts: { env?: Record<string, string>; formation?: string; file?: string } = {}): Loaded {
  return loadConfig(join(dir, opts.file ?? 'Procfile'), { env: opts.env ?? {}, hostname: 'h', cwd: dir, host: anyHost, formation: opts.formation ?? null });
}
const summary = (l: Loaded) => l.model.programs.map((p) => [p.name, p.environment.PORT, p.environment.PS]);

test("foreman's man page example: one process per type, PORT 5000 + 100 per type, .env for every process", () => {
  const dir = fixture('foreman-man');
  const l = load(dir);
  assert.deepEqual(summary(l), [['job.1', '5100', 'job.1'], ['web.1', '5000', 'web.1']]);
  const web = l.model.programs.find((p) => p.name === 'web.1');
  assert.ok(web);
  assert.deepEqual(
    { command: web.command, shell: web.shell, group: web.group, directory: web.directory, environment: web.environment },
    { command: 'bundle exec thin start', shell: true, group: 'web', directory: dir,
      environment: { FOO: 'bar', BAZ: 'qux', PORT: '5000', PS: 'web.1', HONCHO_PROCESS_NAME: 'web.1' } },
  );
  // foreman: the first process to exit ends them all; nothing restarts; SIGKILL 5 s after SIGTERM.
  assert.deepEqual([web.critical, web.autorestart, web.stopsignal, web.stopwaitsecs, web.autostart], [true, false, 'TERM', 5, true]);
  assert.deepEqual(l.warnings, []);
});

test('a formation: -m / PIDONE_FORMATION, instances +1 on the port, all=N, and unnamed types at 0 without all', () => {
  const dir = fixture('foreman-man');
  assert.deepEqual(summary(load(dir, { formation: 'all=2,job=0' })), [['web.1', '5000', 'web.1'], ['web.2', '5001', 'web.2']]);
  // foreman: a formation that does not say `all` runs only the types it names.
  assert.deepEqual(summary(load(dir, { formation: 'job=3' })), [['job.1', '5100', 'job.1'], ['job.2', '5101', 'job.2'], ['job.3', '5102', 'job.3']]);
  assert.deepEqual(summary(load(dir, { env: { PIDONE_FORMATION: 'web=2' } })).map((x) => x[0]), ['web.1', 'web.2']);
  assert.deepEqual(load(dir, { formation: 'web=2' }).model.groups, [{ name: 'web', priority: 999, processes: ['web.1', 'web.2'] }]);
  assert.deepEqual(parseFormation('all=1, web = 2'), { all: 1, named: new Map([['web', 2]]) });
  assert.throws(() => load(dir, { formation: 'web:2' }), (e: unknown) => e instanceof ConfigError && /expected name=count pairs/.test(e.message));
  assert.throws(() => load(dir, { formation: 'all=0' }), (e: unknown) => e instanceof ConfigError && /runs no process/.test(e.message));
});

test("foreman's data/example Procfile: aligned commands, $PORT left to the shell, the port follows the line", () => {
  const l = load(fixture('foreman-example'));
  assert.deepEqual(l.model.programs.map((p) => [p.name, p.command, p.environment.PORT]), [
    ['error.1', 'ruby ./error', '5100'], ['spawner.1', './spawner', '5300'], ['ticker.1', 'ruby ./ticker $PORT', '5000'], ['utf8.1', 'ruby ./utf8', '5200'],
  ]);
});

test("honcho's README: PORT in .env is the base port", () => {
  const l = load(fixture('honcho-readme'));
  assert.deepEqual(l.model.programs.map((p) => [p.name, p.command, p.environment.PORT, p.environment.REDIS_URI]), [
    ['redis.1', 'redis-server', '6100', 'redis://localhost:6789/0'], ['web.1', 'python serve.py', '6000', 'redis://localhost:6789/0'],
  ]);
  // Without .env, pidone's own PORT is the base (foreman: options[:port] || .env PORT || ENV PORT || 5000).
  const dir = fixture('foreman-man');
  assert.deepEqual(summary(load(dir, { env: { PORT: '8000' } })).map((x) => x[1]), ['8100', '8000']);
});

test("honcho's docs: an inline assignment in the command, and the .env", () => {
  const l = load(fixture('honcho-docs'));
  const p = l.model.programs[0];
  assert.deepEqual([p?.name, p?.command, p?.environment.RACK_ENV, p?.environment.PROCFILE, p?.environment.PORT],
    ['myprogram.1', 'PYTHONUNBUFFERED=true python myprogram.py', 'production', 'Procfile', '5000']);
});

test('foreman .env syntax; other lines ignored with a warning; duplicate types and an empty Procfile are errors', () => {
  assert.deepEqual(parseForemanEnv(`A=1\nB='lit $X'\nC="two\\nlines \\"q\\""\nexport D=4\n# c\nE=5 # not a comment\n`),
    { A: '1', B: 'lit $X', C: 'two\nlines "q"', E: '5 # not a comment' });
  const dir = tempDir({ 'Procfile': '# comment\n\nweb: serve\nweb worker: nope\nworker:   run --fast  \n' });
  const l = load(dir);
  assert.deepEqual(l.model.programs.map((p) => [p.name, p.command]), [['web.1', 'serve'], ['worker.1', 'run --fast']]);
  assert.deepEqual(l.warnings.map((w) => [w.line, w.message]), [[4, 'ignored: not a "name: command" line (names are letters, digits, _ and -)']]);
  assert.throws(() => load(tempDir({ 'Procfile': 'web: a\nweb: b\n' })), (e: unknown) =>
    e instanceof ConfigError && e.diagnostics[0]?.line === 2 && /defined twice \(first on line 1\)/.test(e.diagnostics[0].message));
  assert.throws(() => load(tempDir({ 'Procfile': '# nothing\n' })), /no processes defined/);
  assert.equal(load(tempDir({ 'Procfile.dev': 'web: x\n' }), { file: 'Procfile.dev' }).model.programs[0]?.name, 'web.1');
});

test('pidone check -m and discovery: a Procfile is found after process-compose.yaml and before supervisord.conf', async () => {
  const dir = fixture('foreman-man');
  writeFileSync(join(dir, 'supervisord.conf'), '[supervisord]\n');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const check = (args: string[], extra: Record<string, string> = {}) =>
    exec(['/bin/sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', dir, process.execPath, DIST, 'check', ...args], { ...env, ...extra });
  const r = await check(['--json', '-m', 'web=2']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).plan, [['web.1', 'web.2']]);
  assert.match((await check([])).stdout, /^Procfile: valid, 2 processes, 1 wave/);
  writeFileSync(join(dir, 'process-compose.yml'), 'processes:\n  pc: { command: x }\n');
  assert.match((await check([])).stdout, /^process-compose\.yml: valid, 1 process/);
  rmSync(dir, { recursive: true, force: true });
});

test('run as PID 1: output prefixed by web.1, PORT and PS set, the first process to exit ends all with its code', async () => {
  const dir = tempDir({
    'Procfile': 'web: echo "web on $PORT as $PS with $GREETING"; exec sleep 60\nworker: echo "worker on $PORT"; sleep 0.3; exit 3\n',
    '.env': 'GREETING=hello\n',
  });
  // pidone runs as nobody there; its control socket goes to XDG_RUNTIME_DIR.
  chmodSync(dir, 0o755);
  chownSync(dir, 65534, 65534);
  const run = runIsolated(['-c', join(dir, 'Procfile')], { cwd: dir, env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', XDG_RUNTIME_DIR: dir } });
  await run.line((l) => /^web\.1\s+\| web on 5000 as web\.1 with hello$/.test(l), 10_000);
  await run.line((l) => /^worker\.1\s+\| worker on 5100$/.test(l), 10_000);
  const exit = await run.exited;
  assert.equal(exit.code, 3, `${run.stdout.join('\n')}\n${run.stderr()}`);
  rmSync(dir, { recursive: true, force: true });
});

test('pidone -c Procfile -m web=2 runs that formation, and a reload (SIGHUP) keeps it', async () => {
  const dir = tempDir({ 'Procfile': 'web: echo "$PS on $PORT"; exec sleep 60\nworker: echo "$PS up"; exec sleep 60\n' });
  chmodSync(dir, 0o755);
  chownSync(dir, 65534, 65534);
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', XDG_RUNTIME_DIR: dir };
  const run = runIsolated(['-c', join(dir, 'Procfile'), '-m', 'web=2'], { cwd: dir, env });
  await run.line((l) => /^web\.1\s+\| web\.1 on 5000$/.test(l), 10_000);
  await run.line((l) => /^web\.2\s+\| web\.2 on 5001$/.test(l), 10_000);
  // The Procfile changes: web.1 restarts with the new command, and the formation still holds.
  writeFileSync(join(dir, 'Procfile'), 'web: echo "$PS again on $PORT"; exec sleep 60\nworker: echo "$PS up"; exec sleep 60\n');
  process.kill(await run.pid(), 'SIGHUP');
  await run.line((l) => /^web\.2\s+\| web\.2 again on 5001$/.test(l), 10_000);
  assert.ok(!run.stdout.some((l) => l.startsWith('worker')), `worker is not in the formation:\n${run.stdout.join('\n')}`);
  process.kill(await run.pid(), 'SIGTERM');
  assert.equal((await run.exited).code, 0, run.stderr());
  rmSync(dir, { recursive: true, force: true });
});

test('-m is for a Procfile: a YAML config warns that it is ignored, and single mode refuses it', async () => {
  const dir = tempDir({ 'pidone.yaml': 'programs:\n  a: { command: "true" }\n' });
  const r = await exec([process.execPath, DIST, 'check', '-c', join(dir, 'pidone.yaml'), '-m', 'a=2'], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /-m a=2 is ignored: a formation is for a Procfile/);
  const single = await exec([process.execPath, DIST, '-m', 'web=2', '--', 'true'], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  assert.equal(single.code, 2);
  assert.match(single.stderr, /-m is for supervisor mode/);
  rmSync(dir, { recursive: true, force: true });
});
