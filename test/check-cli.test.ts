// `pidone check`: output, exit codes, usage errors, and config discovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCheck, type CheckIO } from '../src/cli/check.ts';
import { configCandidates, discoverConfig, loadConfig } from '../src/config/load.ts';
import { ConfigError } from '../src/config/diagnostic.ts';
import { tempDir } from './support/config.ts';

const ROOT = new URL('..', import.meta.url).pathname;

function check(args: string[], over: Partial<CheckIO> = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCheck(args, {
    stdout: (s) => void (out += s), stderr: (s) => void (err += s),
    cwd: ROOT, env: {}, argv0: '/usr/local/bin/pidone', hostname: 'test', exists: () => false, ...over,
  });
  return { code, out, err };
}

test('a valid config prints its start plan and exits 0', () => {
  const r = check(['-c', 'examples/demo.yaml']);
  assert.equal(r.err, '');
  assert.equal(r.code, 0);
  assert.equal(r.out, `examples/demo.yaml: valid, 4 processes, 3 waves

wave 0 (nothing to wait for)
  db       sh -c 'echo "starting database" …' (4 lines)
           ready when output matches /ready to accept connections/
           restart on failure
wave 1 (after wave 0)
  migrate  sh -c 'echo "applying 3 migrations"; sleep 1; echo "migrations done"'
           waits for db ready
           oneshot
  worker   sh -c 'while true; do echo "worker: processed a job"; sleep 3; done'
           waits for db started
           restart on failure
wave 2 (after wave 1)
  web      sh -c 'i=0 …' (6 lines)
           waits for migrate completed successfully
           restart always
`);
});

test('--json prints the normalized model with the plan', () => {
  const r = check(['--json', '--config', 'examples/demo.yaml']);
  assert.equal(r.code, 0);
  const model = JSON.parse(r.out);
  assert.deepEqual(Object.keys(model), ['programs', 'groups', 'settings', 'plan']);
  assert.deepEqual(model.plan, [['db'], ['migrate', 'worker'], ['web']]);
  assert.deepEqual(model.programs.map((p: { name: string }) => p.name), ['db', 'migrate', 'worker', 'web']);
  assert.deepEqual(model.programs[1].depends_on, { db: 'ready' });
  assert.equal(model.programs[3].autorestart, true);
  assert.equal(model.settings.shutdown_timeout, 10);
});

test('an invalid config prints file:line:col errors on stderr and exits 2', () => {
  const dir = tempDir({ 'bad.yaml': 'programs:\n  web:\n    command: x\n    restart: sometimes\n    depends_on: [db]\n' });
  const r = check(['-c', 'bad.yaml'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.equal(r.err, 'bad.yaml:4:5: programs.web.restart: expected always | on-failure | never, got "sometimes"\n' +
    'bad.yaml:5:18: programs.web.depends_on: unknown program "db"\n');
});

test('facts of the host are warnings in check, errors when pidone runs', () => {
  const dir = tempDir({ 'pidone.yaml': 'programs:\n  web:\n    command: x\n    user: no-such-user-here\n    directory: /no/such/dir\n    env_file: .env\n' });
  const r = check([], { cwd: dir, exists: (f) => f === join(dir, 'pidone.yaml') });
  assert.equal(r.code, 0);
  assert.equal(r.err, 'pidone.yaml:4:5: warning: programs.web.user: no user "no-such-user-here" on this host\n' +
    'pidone.yaml:5:5: warning: programs.web.directory: directory /no/such/dir does not exist\n' +
    'pidone.yaml:6:5: warning: programs.web.env_file: cannot read env file .env: no such file\n');
  assert.match(r.out, /^pidone\.yaml: valid, 1 process, 1 wave, 3 warnings\n/);
  assert.throws(() => loadConfig(join(dir, 'pidone.yaml'), { env: {}, hostname: 'h', cwd: dir }), (e: unknown) =>
    e instanceof ConfigError && e.diagnostics.filter((d) => d.severity === 'error').length === 3);
});

test('usage errors exit 2', () => {
  assert.deepEqual(check(['--jsn']), { code: 2, out: '', err: 'pidone check: unknown option "--jsn"\nusage: pidone check [-c FILE] [-m FORMATION] [--json]\n' });
  assert.deepEqual(check(['-c']), { code: 2, out: '', err: 'pidone check: -c needs a file name\nusage: pidone check [-c FILE] [-m FORMATION] [--json]\n' });
  assert.equal(check(['pidone.yaml']).err.split('\n')[0], 'pidone check: unexpected argument "pidone.yaml" (the config file goes after -c)');
  assert.equal(check(['-h']).code, 0);
});

test('a missing file and an unknown format are errors', () => {
  const dir = tempDir({ 'conf.txt': 'hello world\n', 'sniffed.txt': 'programs:\n  a: { command: x }\n' });
  assert.deepEqual(check(['-c', 'nope.yaml'], { cwd: dir }), { code: 2, out: '', err: 'nope.yaml: cannot read the config file: no such file\n' });
  assert.equal(check(['-c', 'conf.txt'], { cwd: dir }).err,
    'conf.txt: cannot tell the format: name the file .yaml or .yml (pidone YAML or process-compose), Procfile, or .conf or .ini (supervisord INI)\n');
  assert.equal(check(['-c', 'sniffed.txt'], { cwd: dir }).code, 0);
});

test('no config found: the searched paths are listed', () => {
  const r = check([], { cwd: '/srv/app', argv0: '/opt/pidone/bin/pidone' });
  assert.equal(r.code, 2);
  assert.equal(r.err, `pidone check: no config file found; searched:
  /srv/app/pidone.yaml
  /srv/app/pidone.yml
  /etc/pidone/pidone.yaml
  /srv/app/process-compose.yaml
  /srv/app/process-compose.yml
  /srv/app/Procfile
  /opt/pidone/etc/supervisord.conf
  /opt/pidone/supervisord.conf
  /srv/app/supervisord.conf
  /srv/app/etc/supervisord.conf
  /etc/supervisord.conf
  /etc/supervisor/supervisord.conf
Give one with -c FILE or PIDONE_CONFIG.
`);
});

test('discovery: pidone.yaml, pidone.yml, /etc/pidone, process-compose.yaml/.yml, Procfile, then supervisord.conf in its own order', () => {
  const find = (files: string[], env: Record<string, string> = {}, argv0 = '/usr/bin/pidone') =>
    discoverConfig({ cwd: '/app', env, argv0, exists: (f) => files.includes(f) });
  const all = ['/app/pidone.yaml', '/app/pidone.yml', '/etc/pidone/pidone.yaml', '/app/process-compose.yaml',
    '/app/process-compose.yml', '/app/Procfile', '/usr/etc/supervisord.conf',
    '/usr/supervisord.conf', '/app/supervisord.conf', '/app/etc/supervisord.conf', '/etc/supervisord.conf',
    '/etc/supervisor/supervisord.conf'];
  assert.deepEqual(configCandidates({ cwd: '/app', argv0: '/usr/bin/pidone' }), all);
  for (let i = 0; i < all.length; i++) assert.equal(find(all.slice(i)), all[i]);
  assert.equal(find([]), null);
  assert.equal(find(all, { PIDONE_CONFIG: 'conf/x.yaml' }), '/app/conf/x.yaml');
  // A bare argv0 (found on PATH) makes supervisord's first two candidates relative to the cwd.
  assert.deepEqual(configCandidates({ cwd: '/app', argv0: 'pidone' }).slice(6, 8), ['/app/etc/supervisord.conf', '/app/supervisord.conf']);
});

test('discovery in a real directory finds pidone.yml over supervisord.conf', () => {
  const dir = tempDir({ 'pidone.yml': 'programs:\n  a: { command: x }\n', 'supervisord.conf': '[supervisord]\n' });
  const r = check([], { cwd: dir, exists: undefined });
  assert.equal(r.code, 0);
  assert.match(r.out, /^pidone\.yml: valid/);
});

test('a supervisord INI file loads through the same path: one wave in priority order', () => {
  const r = check(['--json', '-c', 'examples/supervisord.conf']);
  assert.equal(r.code, 0);
  const model = JSON.parse(r.out);
  assert.deepEqual(model.plan, [['php-fpm', 'nginx', 'queue_00', 'queue_01', 'scheduler']]);
  assert.equal(model.programs[0].stopsignal, 'QUIT');
  assert.equal(model.programs[0].startsecs, 1);
});

test('every example passes check', () => {
  for (const f of ['examples/demo.yaml', 'examples/stack.yaml', 'examples/supervisord.conf']) {
    assert.equal(check(['-c', f]).code, 0, f);
  }
});
