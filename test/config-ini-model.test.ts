// The parts of parseIni's result that real supervisord has no view of: pidone's extension keys,
// Settings, and the model's program and group lists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseIni, type IniResult } from '../src/config/ini.ts';
import { parseCase } from './support/ini-diags.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/ini/', import.meta.url));

function fixture(name: string, env: Record<string, string> = {}): IniResult {
  return parseIni(FIXTURES + name, { env, hostname: 'box', tempdir: '/tmp' });
}

function program(r: IniResult, name: string) {
  const p = r.programs.find((x) => x.name === name);
  assert.ok(p, `no program ${name}`);
  return p;
}

describe('INI model', () => {
  it('maps the extension keys of extensions.conf', () => {
    const r = fixture('extensions.conf', { HEALTH_PATH: 'healthz' });
    assert.deepEqual(r.diagnostics, []);
    const web = program(r, 'web');
    assert.deepEqual(web.depends_on, { migrate: 'completed_successfully', redis: 'ready', cache: 'started' });
    assert.deepEqual(web.ready, { check: { kind: 'http', url: 'http://127.0.0.1:3000/healthz' }, initial_delay: 1, interval: 1, timeout: 2, retries: 60 });
    assert.deepEqual(web.backoff, { initial: 1, max: 60, reset_after: 60 });
    assert.equal(web.max_restarts, 10);
    assert.equal(web.critical, true);
    assert.deepEqual(web.forward_signals, ['HUP', 'USR1']);
    assert.equal(program(r, 'migrate').oneshot, true);
    assert.deepEqual(program(r, 'redis').ready, { check: { kind: 'tcp', host: '127.0.0.1', port: 6379 }, initial_delay: 0, interval: 0.5, timeout: 1, retries: 20 });
    assert.deepEqual(program(r, 'cache').ready?.check, { kind: 'exec', command: '/usr/bin/nc -z 127.0.0.1 11211' });
    assert.deepEqual(program(r, 'cache').backoff, { initial: 1, max: 30, reset_after: 120 });
    assert.deepEqual(program(r, 'logready').ready?.check, { kind: 'log', pattern: '^listening on port \\d+$' });
    assert.deepEqual(program(r, 'notify').ready?.check, { kind: 'notify' });
    assert.deepEqual(
      { log_format: r.settings.log_format, timestamps: r.settings.timestamps, color: r.settings.color, shutdown_timeout: r.settings.shutdown_timeout },
      { log_format: 'json', timestamps: true, color: 'never', shutdown_timeout: 45 },
    );
  });

  it('gives programs without extension keys supervisord behaviour', () => {
    const p = program(fixture('basic-program.conf'), 'web');
    assert.deepEqual(
      { shell: p.shell, depends_on: p.depends_on, oneshot: p.oneshot, critical: p.critical, forward_signals: p.forward_signals, ready: p.ready, backoff: p.backoff, max_restarts: p.max_restarts },
      { shell: false, depends_on: {}, oneshot: false, critical: false, forward_signals: [], ready: null, backoff: null, max_restarts: null },
    );
    assert.deepEqual(
      { autorestart: p.autorestart, stopsignal: p.stopsignal, stdout_logfile: p.stdout_logfile, startsecs: p.startsecs, user: p.user, exitcodes: p.exitcodes },
      { autorestart: 'unexpected', stopsignal: 'TERM', stdout_logfile: 'AUTO', startsecs: 1, user: null, exitcodes: [0] },
    );
    assert.deepEqual(p.source, { file: FIXTURES + 'basic-program.conf', line: 5 });
  });

  it('lists programs in supervisord order and groups with their processes', () => {
    const r = fixture('docker-php-nginx.conf');
    assert.deepEqual(r.programs.map((p) => `${p.group}:${p.name}`), [
      'php-fpm:php-fpm', 'nginx:nginx', 'laravel-worker:queue_00', 'laravel-worker:queue_01', 'laravel-worker:queue_02',
      'laravel-worker:queue_03', 'laravel-worker:schedule',
    ]);
    assert.deepEqual(r.groups.map((g) => [g.name, g.priority, g.processes.length]), [['php-fpm', 5, 1], ['nginx', 10, 1], ['laravel-worker', 20, 5]]);
    assert.equal(program(r, 'queue_00').user, 'www-data');
    assert.equal(program(r, 'php-fpm').stopsignal, 'QUIT');
    assert.equal(program(r, 'queue_02').stderr_logfile, null);
  });

  it('merges [supervisord] environment= under each program environment', () => {
    const r = fixture('environment-quirks.conf');
    assert.deepEqual(program(r, 'hash').environment, { SHARED: 'from-global', ONLY_GLOBAL: 'g', A: 'x' });
    assert.equal(program(r, 'quotes').environment.SHARED, 'from-program');
  });

  it('maps [unix_http_server] and [inet_http_server] to Settings.control, each listener with its own credentials', () => {
    const r = fixture('servers.conf');
    assert.deepEqual(r.settings.control, {
      socket: '/run/supervisord.sock', socket_mode: 0o770, tcp: '0.0.0.0:9001', username: 'user', password: '123', token: null,
      socket_username: 'admin', socket_password: '{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d',
    });
  });

  it('takes identifier, childlogdir, directory and a written umask from [supervisord]', () => {
    const s = fixture('supervisord-section.conf').settings;
    assert.deepEqual([s.identifier, s.childlogdir, s.directory, s.umask], ['my-container', '/var/log/supervisor/children', '/srv', 0o27]);
    assert.equal(fixture('basic-program.conf').settings.umask, null);
  });

  it('runs event listener pools as programs of their pool, with its settings and priority; keeps FastCGI programs apart', () => {
    const r = fixture('eventlistener.conf');
    assert.deepEqual(r.programs.map((p) => [p.name, p.group, p.priority, p.stdin, p.eventlistener]), [
      ['watch', 'watch', -1, 'pipe', { events: ['PROCESS_STATE_EXITED', 'PROCESS_STATE_FATAL', 'TICK_60'], buffer_size: 25, accepts: 'OK' }],
      ['stdout-0', 'stdout', 5, 'pipe', { events: ['PROCESS_LOG'], buffer_size: 10, accepts: 'any' }],
      ['stdout-1', 'stdout', 5, 'pipe', { events: ['PROCESS_LOG'], buffer_size: 10, accepts: 'any' }],
      ['app', 'app', 999, 'pipe', undefined],
    ]);
    assert.deepEqual(r.groups.map((g) => [g.name, g.priority]), [['watch', -1], ['stdout', 5], ['app', 999]]);
    assert.deepEqual(r.eventlisteners.map((g) => [g.name, g.listener?.events]), [['watch', ['PROCESS_STATE_EXITED', 'PROCESS_STATE_FATAL', 'TICK_60']], ['stdout', ['PROCESS_LOG']]]);
    const f = fixture('fcgi.conf');
    assert.deepEqual(f.fcgi_programs.map((g) => [g.name, g.socket]), [['php', 'unix:///run/php.sock']]);
    assert.deepEqual(f.programs.map((p) => `${p.group}:${p.name}`), ['web:grouped']);
  });

  it('parses a conf.d fragment as if Debian\'s supervisord.conf included it', () => {
    const r = parseIni(FIXTURES + 'fragment-confd.conf', { env: {}, hostname: 'box', fragment: true });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.programs.map((p) => p.command), [`php ${FIXTURES}artisan queue:work`, `php ${FIXTURES}artisan queue:work`]);
    assert.deepEqual(r.files, [FIXTURES + 'fragment-confd.conf']);
  });

  it('lists every file read and reports the upstream verdict', () => {
    const r = fixture('include-override.conf');
    assert.deepEqual(r.files.map((f) => f.slice(FIXTURES.length)), ['include-override.conf', 'override.d/10-app.conf', 'override.d/20-more.conf']);
    assert.equal(r.upstream.error, null);
    assert.deepEqual([program(r, 'app').autostart, program(r, 'app').priority, r.supervisord.loglevel], [false, 50, 'WARN']);
  });

  it('runs a program listed twice in one group once', () => {
    const { result } = parseCase({ conf: '[supervisord]\n[program:a]\ncommand=/bin/a\n[group:g]\nprograms=a,a\n' });
    assert.deepEqual(result.programs.map((p) => p.name), ['a']);
    assert.deepEqual(result.groups, [{ name: 'g', priority: 999, processes: ['a'] }]);
  });

  it('expands ~ with the home directory', () => {
    const { result } = parseCase({ conf: '[supervisord]\nlogfile=~/s.log\n[program:a]\ncommand=/bin/a\nstdout_logfile=~/a.log\n', opts: { home: '/home/me/' } });
    assert.equal(result.supervisord.logfile, '/home/me/s.log');
    assert.equal(result.programs[0]?.stdout_logfile, '/home/me/a.log');
  });

  it('prints only AUTO streams (supervisord writes the others to their log file alone), what supervisor_stdout\'s handler would print, and what print= says', () => {
    const conf = (handler: string) => `[supervisord]
[program:auto]
command=/bin/a
[program:filed]
command=/bin/a
stdout_logfile=/tmp/a.log
stderr_logfile=NONE
[program:dev]
command=/bin/a
stdout_logfile=/dev/stdout
stderr_logfile=/dev/stderr
[program:evented]
command=/bin/a
stdout_logfile=/tmp/b.log
stderr_logfile=/tmp/b.err
stdout_events_enabled=true
[program:copied]
command=/bin/a
stdout_logfile=/tmp/c.log
print=true
[program:silent]
command=/bin/a
print=false
[eventlistener:stdout]
command=supervisor_stdout
events=PROCESS_LOG
${handler}
`;
    const prints = (r: IniResult) => Object.fromEntries(r.programs.filter((p) => p.group !== 'stdout').map((p) => [p.name, p.print]));
    const none = { stdout: false, stderr: false };
    // /dev/stdout and /dev/stderr print on that stream whatever `print` says (io/routes.ts).
    assert.deepEqual(prints(parseCase({ conf: conf('') }).result), {
      auto: { stdout: true, stderr: true }, filed: none, dev: none, evented: none, copied: { stdout: true, stderr: true }, silent: none,
    });
    assert.deepEqual(prints(parseCase({ conf: conf('result_handler=supervisor_stdout:event_handler') }).result), {
      auto: { stdout: true, stderr: true }, filed: none, dev: none, evented: { stdout: true, stderr: false }, copied: { stdout: true, stderr: true }, silent: none,
    });
  });
});
