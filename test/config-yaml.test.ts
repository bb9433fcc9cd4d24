// YAML normalization: every key, the defaults, ${VAR} expansion and env files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { errorsOf, loadText, tempDir } from './support/config.ts';
import { parseByteSize, parseDuration, parseOctal, parseSignal } from '../src/config/values.ts';
import { interpolate } from '../src/config/interpolate.ts';
import { parseEnvFile } from '../src/config/envfile.ts';
import type { ProgramSpec } from '../src/model/spec.ts';

const one = (yaml: string, env: Record<string, string> = {}, dir?: string): ProgramSpec => {
  const p = loadText(yaml, env, dir).model.programs[0];
  assert.ok(p);
  return p;
};

test('a minimal program gets the YAML defaults', () => {
  const dir = tempDir();
  const p = one('programs:\n  web:\n    command: node server.js\n', {}, dir);
  const { source, ...rest } = p;
  assert.deepEqual(source, { file: join(dir, 'pidone.yaml'), line: 2, col: 3 });
  assert.deepEqual(rest, {
    name: 'web', group: 'web', command: 'node server.js', shell: true, directory: null, environment: {},
    user: null, umask: null, autostart: true, autorestart: 'unexpected', startsecs: 0, startretries: 3,
    exitcodes: [0], stopsignal: 'TERM', stopwaitsecs: 10, stopasgroup: true, killasgroup: true, priority: 999,
    redirect_stderr: false, stdout_logfile: null, stdout_logfile_maxbytes: 52428800, stdout_logfile_backups: 10,
    stderr_logfile: null, stderr_logfile_maxbytes: 52428800, stderr_logfile_backups: 10, serverurl: null,
    depends_on: {}, oneshot: false, ready: null, backoff: { initial: 1, max: 30, reset_after: 60 },
    max_restarts: null, critical: false, exit_on_skipped: false, forward_signals: [], liveness: null,
    stop_command: null, daemon: false, schedule: null, watch: null, limits: {}, nice: null,
    oom_score_adj: null,
  });
});

test('every program key is normalized', () => {
  const dir = tempDir();
  const all = loadText(`
programs:
  db: { command: "true" }
  web:
    command: [node, server.js, "\${PORT:-3000}"]
    directory: app
    user: 1000
    umask: 022
    autostart: false
    restart: always
    startsecs: 2s
    startretries: 5
    exitcodes: [0, 2]
    stop_signal: SIGINT
    stop_timeout: 1m30s
    stopasgroup: false
    killasgroup: false
    priority: -5
    redirect_stderr: true
    stdout_logfile: logs/web.log
    stdout_logfile_maxbytes: 1MB
    stdout_logfile_backups: 3
    stderr_logfile_maxbytes: 0
    stderr_logfile_backups: 0
    depends_on: [db]
    ready: { tcp: "db:5432", interval: 500ms, timeout: 2, retries: 5, initial_delay: 1s }
    backoff: { initial: 2s, max: 1m, reset_after: 5m }
    max_restarts: 4
    critical: true
    forward_signals: [SIGHUP, usr1, 12]
`, {}, dir).model.programs.find((x) => x.name === 'web');
  assert.ok(all);
  assert.deepEqual(all.command, ['node', 'server.js', '3000']);
  assert.equal(all.shell, false);
  assert.equal(all.directory, join(dir, 'app'));
  assert.equal(all.user, '1000');
  assert.equal(all.umask, 0o22);
  assert.equal(all.autostart, false);
  assert.equal(all.autorestart, true);
  assert.equal(all.startsecs, 2);
  assert.equal(all.startretries, 5);
  assert.deepEqual(all.exitcodes, [0, 2]);
  assert.equal(all.stopsignal, 'INT');
  assert.equal(all.stopwaitsecs, 90);
  assert.equal(all.stopasgroup, false);
  assert.equal(all.killasgroup, false);
  assert.equal(all.priority, -5);
  assert.equal(all.redirect_stderr, true);
  assert.equal(all.stdout_logfile, join(dir, 'logs/web.log'));
  assert.equal(all.stdout_logfile_maxbytes, 1048576);
  assert.equal(all.stdout_logfile_backups, 3);
  assert.equal(all.stderr_logfile_maxbytes, 0);
  assert.equal(all.stderr_logfile_backups, 0);
  assert.deepEqual(all.depends_on, { db: 'started' });
  assert.deepEqual(all.ready, { check: { kind: 'tcp', host: 'db', port: 5432 }, initial_delay: 1, interval: 0.5, timeout: 2, retries: 5 });
  assert.deepEqual(all.backoff, { initial: 2, max: 60, reset_after: 300 });
  assert.equal(all.max_restarts, 4);
  assert.equal(all.critical, true);
  assert.deepEqual(all.forward_signals, ['HUP', 'USR1', 'USR2']);
});

test('a string command runs under the shell and is kept as written, $VAR included', () => {
  const p = one('programs:\n  a:\n    command: |\n      i=0\n      echo "$HOME ${i}"\n', { HOME: '/root' });
  assert.equal(p.command, 'i=0\necho "$HOME ${i}"');
  assert.equal(p.shell, true);
});

test('ready accepts tcp port, http, exec, log and notify with default timing', () => {
  const ready = (r: string) => one(`programs:\n  a:\n    command: x\n    ready: ${r}\n`).ready;
  assert.deepEqual(ready('{ tcp: 6379 }'), { check: { kind: 'tcp', host: '127.0.0.1', port: 6379 }, initial_delay: 0, interval: 1, timeout: 1, retries: 60 });
  assert.deepEqual(ready('{ tcp: "[::1]:80" }')?.check, { kind: 'tcp', host: '::1', port: 80 });
  assert.deepEqual(ready('{ http: "http://127.0.0.1:${P:-3000}/health" }')?.check, { kind: 'http', url: 'http://127.0.0.1:3000/health' });
  assert.deepEqual(ready('{ exec: "pg_isready -q" }')?.check, { kind: 'exec', command: 'pg_isready -q' });
  assert.deepEqual(ready('{ exec: [redis-cli, ping] }')?.check, { kind: 'exec', command: ['redis-cli', 'ping'] });
  assert.deepEqual(ready('{ log: "listening on .*:80$" }')?.check, { kind: 'log', pattern: 'listening on .*:80$' });
  assert.deepEqual(ready('{ notify: true }')?.check, { kind: 'notify' });
});

test('depends_on takes a list, a map, the compose long form and process-compose conditions', () => {
  const deps = (d: string) => loadText(`programs:\n  a: { command: x }\n  b: { command: x }\n  c:\n    command: x\n    depends_on: ${d}\n`).model.programs.find((p) => p.name === 'c')?.depends_on;
  assert.deepEqual(deps('[a, b]'), { a: 'started', b: 'started' });
  assert.deepEqual(deps('{ a: ready, b: completed }'), { a: 'ready', b: 'completed' });
  assert.deepEqual(deps('{ a: { condition: process_healthy }, b: { condition: service_completed_successfully } }'), { a: 'ready', b: 'completed_successfully' });
  assert.deepEqual(deps('{ a: process_started, b: ~ }'), { a: 'started', b: 'started' });
});

test('restart spellings, supervisord keys and oneshot defaults', () => {
  const ar = (k: string) => one(`programs:\n  a:\n    command: x\n    ${k}\n`).autorestart;
  assert.equal(ar('restart: on-failure'), 'unexpected');
  assert.equal(ar('restart: never'), false);
  assert.equal(ar('restart: "no"'), false);
  assert.equal(ar('restart: on_failure'), 'unexpected');
  assert.equal(ar('autorestart: unexpected'), 'unexpected');
  assert.equal(ar('autorestart: true'), true);
  assert.equal(ar('autorestart: false'), false);
  assert.equal(ar('oneshot: true'), false);
  assert.equal(ar('oneshot: true\n    restart: on-failure'), 'unexpected');
  const s = one('programs:\n  a:\n    command: x\n    stopsignal: quit\n    stopwaitsecs: 30\n');
  assert.equal(s.stopsignal, 'QUIT');
  assert.equal(s.stopwaitsecs, 30);
});

test('numprocs names processes web:0, web:1 and process_name follows supervisord templates', () => {
  const m = loadText('programs:\n  web: { command: x, numprocs: 3 }\n').model;
  assert.deepEqual(m.programs.map((p) => [p.name, p.group]), [['web:0', 'web'], ['web:1', 'web'], ['web:2', 'web']]);
  assert.deepEqual(m.groups, [{ name: 'web', priority: 999, processes: ['web:0', 'web:1', 'web:2'] }]);
  const t = loadText('programs:\n  q:\n    command: x\n    numprocs: 2\n    numprocs_start: 1\n    process_name: "%(program_name)s_%(process_num)02d"\n').model;
  assert.deepEqual(t.programs.map((p) => p.name), ['q_01', 'q_02']);
});

test('environment: global under program, env files under environment, list and map forms', () => {
  const dir = tempDir({
    'global.env': '# comment\nexport A=from-global-file\nB="two\\nlines"\nC=\'${NOT_EXPANDED}\'\nD=${HOME}/x # trailing comment\n',
    'web.env': 'A=from-web-file\nE=e\n',
  });
  const m = loadText(`
env_file: global.env
environment: [G=1, HOME, A=from-global]
programs:
  web:
    command: x
    env_file: [web.env]
    environment: { E: 5, F: "\${A}-\${D}" }
`, { HOME: '/home/me' }, dir).model;
  assert.deepEqual(m.programs[0]?.environment, {
    A: 'from-web-file', B: 'two\nlines', C: '${NOT_EXPANDED}', D: '/home/me/x', G: '1', HOME: '/home/me', E: '5',
    // ${VAR} reads pidone's environment over the top-level env_file, not the merged result.
    F: 'from-global-file-/home/me/x',
  });
});

test('${VAR} expansion: defaults, $$, and a warning for unset variables', () => {
  const r = loadText('programs:\n  a:\n    command: [echo, "${X}", "${Y:-dflt}", "$$Z", "${E-unset}", "${E:-empty}"]\n', { E: '' });
  assert.deepEqual(r.model.programs[0]?.command, ['echo', '', 'dflt', '$Z', '', 'empty']);
  assert.deepEqual(r.warnings.map((w) => [w.line, w.col, w.severity, w.message]), [
    [3, 21, 'warning', 'programs.a.command[1]: variable X is not set; using "" (write $${X} to pass ${X} on unexpanded)'],
  ]);
});

test('a bare $NAME is kept as written: a shell script in an exec-form command survives loading', () => {
  const script = 'i=0; for x in a b; do i=$((i+1)); echo "$i $x $HOME"; done';
  const r = loadText(`programs:\n  a:\n    command: [bash, -c, '${script}']\n`, { HOME: '/root' });
  assert.deepEqual(r.model.programs[0]?.command, ['bash', '-c', script]);
  assert.deepEqual(r.warnings, []);
  // Outside commands a bare $NAME whose variable is set is probably a mistake: warned, kept.
  const e = loadText('programs:\n  a:\n    command: x\n    environment: { P: "$PATH:/opt/bin", Q: "${PATH}:/opt/bin" }\n', { PATH: '/bin' });
  assert.deepEqual(e.model.programs[0]?.environment, { P: '$PATH:/opt/bin', Q: '/bin:/opt/bin' });
  assert.deepEqual(e.warnings.map((w) => w.message), ['programs.a.environment.P: $PATH is kept as written (only ${PATH} is expanded when the config is loaded)']);
});

test('numbers from ${VAR} are accepted where numbers are expected', () => {
  const p = one('programs:\n  a:\n    command: x\n    numprocs: ${N:-1}\n    stop_timeout: ${T}\n', { T: '20s' });
  assert.equal(p.stopwaitsecs, 20);
});

test('settings and control', () => {
  const s = loadText(`
settings:
  log_format: json
  timestamps: true
  color: never
  shutdown_timeout: 1m
  control: { socket: run/p.sock, socket_mode: "0660", tcp: 9001, username: admin, password: "{SHA}abc" }
programs:
  a: { command: x }
`).model.settings;
  assert.equal(s.log_format, 'json');
  assert.equal(s.timestamps, true);
  assert.equal(s.color, 'never');
  assert.equal(s.shutdown_timeout, 60);
  assert.equal(s.control.tcp, '127.0.0.1:9001');
  assert.equal(s.control.socket_mode, 0o660);
  assert.match(s.control.socket ?? '', /\/run\/p\.sock$/);
  assert.equal(s.control.password, '{SHA}abc');
});

test('x-* keys and YAML merge keys let programs share settings', () => {
  const m = loadText('x-base: &base\n  user: app\n  stop_timeout: 3s\nprograms:\n  a:\n    <<: *base\n    command: x\n    user: root\n').model;
  assert.equal(m.programs[0]?.user, 'root');
  assert.equal(m.programs[0]?.stopwaitsecs, 3);
});

test('value parsers', () => {
  assert.deepEqual(parseDuration('1m30s'), { ok: true, value: 90 });
  assert.deepEqual(parseDuration('500ms'), { ok: true, value: 0.5 });
  assert.deepEqual(parseDuration('1h'), { ok: true, value: 3600 });
  assert.deepEqual(parseDuration(2.5), { ok: true, value: 2.5 });
  assert.equal(parseDuration('10 sec').ok, false);
  assert.deepEqual(parseSignal('sigusr1'), { ok: true, value: 'USR1' });
  assert.deepEqual(parseSignal(15), { ok: true, value: 'TERM' });
  assert.deepEqual(parseSignal('IOT'), { ok: true, value: 'ABRT' });
  assert.equal(parseSignal('SIGFOO').ok, false);
  assert.deepEqual(parseOctal(22, '022'), { ok: true, value: 0o22 });
  assert.deepEqual(parseOctal(18, '0o22'), { ok: true, value: 0o22 });
  assert.equal(parseOctal(89, '089').ok, false);
  assert.deepEqual(parseByteSize('50MB'), { ok: true, value: 52428800 });
  assert.deepEqual(parseByteSize('10kb'), { ok: true, value: 10240 });
});

test('interpolation forms', () => {
  const env: Record<string, string> = { A: 'a', EMPTY: '' };
  const x = (s: string) => interpolate(s, (n) => env[n]);
  assert.equal(x('$A ${A} $$A ${B:-${A}b} ${EMPTY-e} ${EMPTY:-e} ${A:+set} ${B+set} 5$ ${A}x').value, '$A a $A ab  e set  5$ ax');
  assert.deepEqual(x('${B:?give B}').errors, ['required variable B is not set: give B']);
  assert.deepEqual(x('${B').errors, ['unterminated "${" in "${B"']);
  assert.deepEqual(x('$B ${C}').unset, ['C']);
  assert.deepEqual(x('$B ${C}').bare, ['B']);
  // Env files keep dotenv's rule: $VAR expands there.
  assert.equal(interpolate('$A-${A}', (n) => env[n], { bare: true }).value, 'a-a');
});

test('env file syntax', () => {
  const r = parseEnvFile('A=1\nexport B = two words \nC="multi\nline"\nD=\'lit $A\'\nE="esc \\" \\$A $A"\n#x\n\nF=\nbad line\n', () => undefined);
  assert.deepEqual(r.vars, { A: '1', B: 'two words', C: 'multi\nline', D: 'lit $A', E: 'esc " $A 1', F: '' });
  assert.deepEqual(r.problems, [{ line: 10, col: 1, severity: 'error', message: 'expected KEY=VALUE, got "bad line"' }]);
});

test('env_file with required: false may be missing', () => {
  const ok = loadText('env_file: [{ path: nope.env, required: false }]\nprograms:\n  a: { command: x }\n');
  assert.equal(ok.warnings.length, 0);
});

test('print: absent or true prints (no field in the model); false prints nothing; anything else is an error', () => {
  assert.equal(one('programs:\n  web:\n    command: cat\n').print, undefined);
  assert.equal(one('programs:\n  web:\n    command: cat\n    print: true\n').print, undefined);
  assert.deepEqual(one('programs:\n  web:\n    command: cat\n    print: false\n').print, { stdout: false, stderr: false });
  assert.deepEqual(one('programs:\n  web:\n    command: cat\n    print: "no"\n').print, { stdout: false, stderr: false });
  assert.equal(errorsOf('programs:\n  web:\n    command: cat\n    print: stderr\n').length, 1);
});

test('stdin: /dev/null unless pipe is asked for (INI gives every program a pipe, as supervisord)', () => {
  assert.equal(one('programs:\n  web:\n    command: cat\n').stdin, undefined, 'the default: /dev/null');
  assert.equal(one('programs:\n  web:\n    command: cat\n    stdin: pipe\n').stdin, 'pipe');
  assert.equal(one('programs:\n  web:\n    command: cat\n    stdin: null\n').stdin, 'null');
  assert.equal(one('programs:\n  web:\n    command: cat\n    stdin: "null"\n').stdin, 'null');
});
