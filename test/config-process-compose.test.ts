// process-compose.yaml keys, one behaviour at a time: what each key becomes in pidone's model
// (process-compose's meaning), what pidone warns about, and what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadConfig, type Loaded } from '../src/config/load.ts';
import { ConfigError, formatDiagnostic } from '../src/config/diagnostic.ts';
import { pcInterpolate } from '../src/config/pc-expand.ts';
import { renderTemplate } from '../src/config/pc-template.ts';
import type { ProgramSpec } from '../src/model/spec.ts';
import { anyHost, tempDir } from './support/config.ts';

function load(yaml: string, opts: { env?: Record<string, string>; files?: Record<string, string> } = {}): Loaded & { dir: string } {
  const dir = tempDir(opts.files ?? {});
  writeFileSync(join(dir, 'process-compose.yaml'), yaml);
  return { ...loadConfig(join(dir, 'process-compose.yaml'), { env: opts.env ?? {}, hostname: 'h', cwd: dir, host: anyHost }), dir };
}
const byName = (l: Loaded, name: string): ProgramSpec => {
  const p = l.model.programs.find((x) => x.name === name);
  assert.ok(p, `no program ${name}`);
  return p;
};
const messages = (l: Loaded) => l.warnings.map((d) => formatDiagnostic({ ...d, file: 'pc.yaml' }));
function errors(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    load(yaml, { env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic({ ...d, file: 'pc.yaml' }));
  }
  throw new Error('expected the file to be rejected');
}

test('a command runs through process-compose\'s shell, bash -c, in the file\'s directory; entrypoint is exec form', () => {
  const l = load('processes:\n  a:\n    command: echo hi\n  b:\n    entrypoint: [python3, -m, http.server]\n    working_dir: srv\n');
  assert.deepEqual(byName(l, 'a').command, ['bash', '-c', 'echo hi']);
  assert.equal(byName(l, 'a').directory, l.dir);
  assert.deepEqual(byName(l, 'b').command, ['python3', '-m', 'http.server']);
  assert.equal(byName(l, 'b').directory, join(l.dir, 'srv'));
  const sh = load('shell: { shell_command: sh, shell_argument: -ec }\nprocesses:\n  a: { command: x }\n');
  assert.deepEqual(byName(sh, 'a').command, ['sh', '-ec', 'x']);
  assert.deepEqual(byName(load('processes:\n  a: { command: x }\n', { env: { COMPOSE_SHELL: 'zsh' } }), 'a').command, ['zsh', '-c', 'x']);
});

test('${VAR} is expanded at load as process-compose does, a bare $VAR is left to the shell, $$ is a $', () => {
  const l = load('processes:\n  a:\n    command: for i in 1 2; do echo "$i ${GREETING} ${NAME:-world} ${#GREETING} ${GREETING^^} $${HOME}"; done\n', { env: { GREETING: 'hi' } });
  assert.deepEqual(byName(l, 'a').command, ['bash', '-c', 'for i in 1 2; do echo "$i hi world 2 HI ${HOME}"; done']);
  assert.deepEqual(l.warnings, []);
  const off = load('disable_env_expansion: true\nprocesses:\n  a: { command: "echo ${X} $$" }\n', { env: { X: 'x' } });
  assert.deepEqual(byName(off, 'a').command, ['bash', '-c', 'echo ${X} $$']);
  const unset = load('processes:\n  a: { command: "echo ${code}" }\n');
  assert.deepEqual(byName(unset, 'a').command, ['bash', '-c', 'echo ']);
  assert.deepEqual(messages(unset), ['pc.yaml:2:8: warning: processes.a.command: variable code is not set; using "" (process-compose does the same; write $${code} to pass ${code} to the shell)']);
});

test('drone/envsubst forms, with its quirks', () => {
  const env: Record<string, string> = { A: 'Hello', P: '/usr/local/bin', E: '' };
  const x = (s: string) => pcInterpolate(s, (n) => env[n]);
  assert.equal(x('${A,,} ${A^} ${A:1:3} ${P#*/} ${P##*/} ${P%/*} ${P/local/opt} ${E:-d} ${E:=d} ${A:+alt}').value,
    'hello Hello ell usr/local/bin bin /usr/local /usr/opt/bin d d Hello');
  assert.deepEqual(x('${A-default}').errors.length, 1);
  assert.deepEqual(x('$A ${B}').bare, ['A']);
  assert.deepEqual(x('$A ${B}').unset, ['B']);
});

test('vars render {{.NAME}} templates in command, working_dir, environment, log_location and probes', () => {
  const l = load(`vars: { BIN: ./bin/app, PORT: 8080 }
processes:
  a:
    vars: { PORT: 9090 }
    command: "{{.BIN}} --port {{ .PORT }} --replica {{.PC_REPLICA_NUM}}"
    environment: ["URL=http://127.0.0.1:{{.PORT}}"]
    readiness_probe: { http_get: { port: "{{.PORT}}", path: /up } }
  b:
    is_template_disabled: true
    command: "echo {{.BIN}}"
`);
  assert.deepEqual(byName(l, 'a').command, ['bash', '-c', './bin/app --port 9090 --replica 0']);
  assert.equal(byName(l, 'a').environment.URL, 'http://127.0.0.1:9090');
  assert.deepEqual(byName(l, 'a').ready?.check, { kind: 'http', url: 'http://127.0.0.1:9090/up' });
  assert.deepEqual(byName(l, 'b').command, ['bash', '-c', 'echo {{.BIN}}']);
  assert.deepEqual(renderTemplate('{{.X}} {{- .Y}} {{/* note */}}{{.Z}}', { X: 1, Y: true }), { value: '1true <no value>', errors: [], missing: ['Z'] });
  assert.match(errors('processes:\n  a: { command: "{{ range .X }}" }\n')[0] ?? '', /template action \{\{ range \.X \}\} is not supported/);
});

test('environment: .env under the process environment, pidone\'s own environment over .env, global under env_file under the process list', () => {
  const l = load(`environment: [G=global, O=global]
processes:
  a:
    command: x
    env_file: a.env
    environment: [O=own]
  b:
    is_dotenv_disabled: true
    command: x
`, {
    env: { SHELL_WINS: 'shell' },
    files: { '.env': 'DOT=dot\nSHELL_WINS=dotenv\nG=dot\n', 'a.env': 'F=file\nG=file\n' },
  });
  assert.deepEqual(byName(l, 'a').environment, { PC_PROC_NAME: 'a', PC_REPLICA_NUM: '0', DOT: 'dot', G: 'file', O: 'own', F: 'file' });
  assert.deepEqual(byName(l, 'b').environment, { PC_PROC_NAME: 'b', PC_REPLICA_NUM: '0', G: 'global', O: 'global' });
  // .env also feeds ${VAR}, ahead of pidone's environment (process-compose's lookup order).
  const e = load('processes:\n  a: { command: "echo ${WHO}" }\n', { env: { WHO: 'env' }, files: { '.env': 'WHO=dotenv\n' } });
  assert.deepEqual(byName(e, 'a').command, ['bash', '-c', 'echo dotenv']);
});

test('availability: restart policies, constant backoff, max_restarts, exit_on_end, exit_on_failure, exit_on_skipped', () => {
  const l = load(`processes:
  none: { command: x }
  always: { command: x, availability: { restart: always, backoff_seconds: 3, max_restarts: 4 } }
  onfail: { command: x, availability: { restart: on_failure, max_restarts: 0 } }
  exitfail: { command: x, availability: { restart: exit_on_failure } }
  tests: { command: x, availability: { exit_on_end: true, exit_on_skipped: true } }
`);
  const pick = (n: string) => { const p = byName(l, n); return [p.autorestart, p.backoff, p.max_restarts, p.critical, p.exit_on_skipped]; };
  assert.deepEqual(pick('none'), [false, { initial: 1, max: 1, reset_after: 60 }, null, false, false]);
  assert.deepEqual(pick('always'), [true, { initial: 3, max: 3, reset_after: 60 }, 4, false, false]);
  assert.deepEqual(pick('onfail'), ['unexpected', { initial: 1, max: 1, reset_after: 60 }, null, false, false]);
  assert.deepEqual(pick('exitfail'), [false, { initial: 1, max: 1, reset_after: 60 }, null, 'on-failure', false]);
  assert.deepEqual(pick('tests'), [false, { initial: 1, max: 1, reset_after: 60 }, null, true, true]);
  assert.deepEqual(byName(load('processes:\n  a: { command: x, success_exit_codes: [130, 143] }\n'), 'a').exitcodes, [0, 130, 143]);
  assert.deepEqual(errors('processes:\n  a: { command: x, availability: { restart: sometimes } }\n'),
    ['pc.yaml:2:36: processes.a.availability.restart: expected always | on_failure | exit_on_failure | no, got "sometimes"']);
});

test('depends_on: every condition, the missing one means process_completed, log_ready needs a ready_log_line', () => {
  const l = load(`processes:
  db: { command: x, readiness_probe: { exec: { command: pg_isready } } }
  log: { command: x, ready_log_line: "ready to accept" }
  job: { command: x }
  app:
    command: x
    depends_on:
      db: { condition: process_healthy }
      log: { condition: process_log_ready }
      job: { condition: process_completed_successfully }
  after:
    command: x
    depends_on: { job: { condition: process_completed }, app: { condition: process_started }, db: {} }
`);
  assert.deepEqual(byName(l, 'app').depends_on, { db: 'ready', log: 'ready', job: 'completed_successfully' });
  assert.deepEqual(byName(l, 'after').depends_on, { job: 'completed', app: 'started', db: 'completed' });
  assert.match(messages(l).join('\n'), /processes\.after\.depends_on\.db: no condition: process-compose then waits for db to complete/);
  assert.deepEqual(byName(l, 'log').ready, { check: { kind: 'log', pattern: 'ready to accept' }, initial_delay: 0, interval: 1, timeout: 1, retries: 86400 });
  assert.deepEqual(errors('processes:\n  a: { command: x }\n  b: { command: x, depends_on: { a: { condition: process_log_ready } } }\n'),
    ['pc.yaml:3:34: processes.b.depends_on.a: a has no ready_log_line to wait for (process-compose refuses this too)']);
  assert.deepEqual(errors('processes:\n  a: { command: x }\n  b: { command: x, depends_on: { a: { condition: process_helthy } } }\n'),
    ['pc.yaml:3:39: processes.b.depends_on.a.condition: expected process_started | process_healthy | process_log_ready | process_completed | process_completed_successfully, got "process_helthy" (did you mean "process_healthy"?)']);
});

test('an unknown dependency is ignored with a warning, and refused with is_strict', () => {
  const l = load('processes:\n  web: { command: x, depends_on: { postgresql: { condition: process_healthy } } }\n');
  assert.deepEqual(byName(l, 'web').depends_on, {});
  assert.match(messages(l)[0] ?? '', /unknown process "postgresql": the dependency is ignored/);
  assert.match(errors('is_strict: true\nprocesses:\n  web: { command: x, depends_on: { postgresql: { condition: process_started } } }\n')[0] ?? '', /unknown program "postgresql"/);
});

test('readiness_probe is ready and keeps watching as liveness; liveness_probe is liveness; http_get defaults', () => {
  const l = load(`processes:
  web:
    command: x
    readiness_probe:
      http_get: { port: 8080 }
      initial_delay_seconds: 5
      period_seconds: 2
      timeout_seconds: 3
      failure_threshold: 4
      success_threshold: 1
  api:
    command: x
    readiness_probe: { exec: { command: "curl -sf localhost:1", working_dir: /tmp } }
    liveness_probe: { http_get: { host: api.local, scheme: https, path: /live, port: 443 }, initial_delay_seconds: 30 }
`);
  const check = { kind: 'http', url: 'http://127.0.0.1:8080/' };
  assert.deepEqual(byName(l, 'web').ready, { check, initial_delay: 5, interval: 2, timeout: 3, retries: 4 });
  assert.deepEqual(byName(l, 'web').liveness, { check, initial_delay: 0, interval: 2, timeout: 3, retries: 4 });
  assert.deepEqual(byName(l, 'api').ready, { check: { kind: 'exec', command: ['bash', '-c', "cd -- '/tmp' && curl -sf localhost:1"] }, initial_delay: 0, interval: 10, timeout: 1, retries: 3 });
  assert.deepEqual(byName(l, 'api').liveness, { check: { kind: 'http', url: 'https://api.local:443/live' }, initial_delay: 30, interval: 10, timeout: 1, retries: 3 });
  assert.deepEqual(errors('processes:\n  a: { command: x, ready_log_line: up, readiness_probe: { exec: { command: "true" } } }\n'),
    ['pc.yaml:2:20: processes.a.ready_log_line: ready_log_line and readiness_probe cannot be used together (process-compose refuses this too)']);
});

test('shutdown: signal (a number or a name), timeout, command, parent_only; is_daemon', () => {
  const l = load(`processes:
  a: { command: x, shutdown: { signal: 2, timeout_seconds: 20, parent_only: true } }
  b: { command: x, shutdown: { signal: SIGQUIT, command: "pg_ctl stop" } }
  d: { command: "pg_ctl start", is_daemon: true, shutdown: { command: "pg_ctl stop" } }
`);
  const a = byName(l, 'a');
  assert.deepEqual([a.stopsignal, a.stopwaitsecs, a.stopasgroup, a.killasgroup, a.stop_command], ['INT', 20, false, true, null]);
  const b = byName(l, 'b');
  assert.deepEqual([b.stopsignal, b.stopwaitsecs, b.stop_command], ['QUIT', 10, ['bash', '-c', 'pg_ctl stop']]);
  assert.equal(byName(l, 'd').daemon, true);
  const lonely = load('processes:\n  d: { command: x, is_daemon: true }\n');
  assert.match(messages(lonely)[0] ?? '', /a daemon needs shutdown\.command to be stopped/);
});

test('replicas are named like process-compose\'s, with PC_REPLICA_NUM, and a dependency on the name means all of them', () => {
  const l = load(`processes:
  web:
    command: "serve --port 80{{.PC_REPLICA_NUM}}"
    replicas: 10
    log_location: logs/web-{PC_REPLICA_NUM}.log
  worker: { command: x, replicas: 2, log_location: logs/worker.log }
  lb: { command: x, depends_on: { web: { condition: process_started } } }
`);
  const web = l.model.programs.filter((p) => p.group === 'web');
  assert.deepEqual(web.map((p) => p.name), ['web-00', 'web-01', 'web-02', 'web-03', 'web-04', 'web-05', 'web-06', 'web-07', 'web-08', 'web-09']);
  assert.deepEqual(web[3]?.command, ['bash', '-c', 'serve --port 803']);
  assert.equal(web[3]?.environment.PC_REPLICA_NUM, '3');
  assert.equal(web[3]?.environment.PC_PROC_NAME, 'web');
  assert.equal(web[3]?.stdout_logfile, join(l.dir, 'logs/web-3.log'));
  assert.deepEqual(l.model.programs.filter((p) => p.group === 'worker').map((p) => p.stdout_logfile), [join(l.dir, 'logs/worker.log.0'), join(l.dir, 'logs/worker.log.1')]);
  assert.deepEqual(byName(l, 'lb').depends_on, { web: 'started' });
  // web is the group of every replica: lb starts after all ten (the plan puts it in the next wave).
  const order = l.model.programs.map((p) => p.name);
  assert.ok(order.indexOf('lb') > order.indexOf('web-09'));
});

test('disabled, is_disabled, PC_DISABLED_PROCESSES and the processes process-compose does not start itself', () => {
  const l = load(`processes:
  a: { command: x, disabled: true }
  b: { command: x, disabled: true, is_disabled: "false" }
  c: { command: x }
  d: { command: x, is_foreground: true }
`, { env: { PC_DISABLED_PROCESSES: 'c' } });
  assert.deepEqual(l.model.programs.map((p) => [p.name, p.autostart]), [['a', false], ['b', true], ['c', false], ['d', false]]);
  assert.deepEqual(messages(l), [
    "pc.yaml:5:20: warning: processes.d.is_foreground: pidone has no TUI to hand the terminal to: the process is not started automatically (pidone start NAME runs it in the background)",
  ]);
});

test("watch: process-compose's paths with include and exclude rooted at the working_dir, its default excludes, debounce", () => {
  const l = load(`processes:
  api:
    command: ./api
    working_dir: srv
    watch:
      debounce: 1s
      cascade: true
      paths:
        - path: ./src
          exclude: ["*_test.go", "testdata/**"]
        - path: /etc/api
          include: ["*.conf"]
  raw:
    command: x
    watch: { paths: [{ path: . }], disable_default_excludes: true }
  empty:
    command: x
    watch: { paths: [] }
`);
  const byName = new Map(l.model.programs.map((p) => [p.name, p]));
  const api = byName.get('api')!.watch!;
  const src = join(l.dir, 'srv', 'src');
  assert.deepEqual(api.paths, [src, '/etc/api/**/*.conf']);
  assert.equal(api.debounce, 1);
  assert.equal(api.action, 'restart');
  assert.deepEqual(api.ignore.slice(0, 2), [`${src}/**/*_test.go`, `${src}/testdata/**`]);
  assert.ok(api.ignore.includes(`${src}/**/node_modules`) && api.ignore.includes(`${src}/**/*.log`) && api.ignore.includes('/etc/api/**/.git'));
  assert.deepEqual(byName.get('raw')!.watch, { paths: [l.dir], ignore: [], debounce: 0.3, action: 'restart' });
  assert.equal(byName.get('empty')!.watch, null);
  assert.deepEqual(messages(l), [
    'pc.yaml:7:7: warning: processes.api.watch.cascade: pidone restarts only this process on a change, not its dependents',
    'pc.yaml:18:5: warning: processes.empty.watch: no paths: the watch watches nothing (as in process-compose)',
  ]);
});

test("schedule: process-compose's cron (5 fields, timezone), interval, run_on_start and max_concurrent, as a oneshot per run", () => {
  const l = load(`processes:
  backup: { command: ./backup.sh, schedule: { cron: "0 2 * * *", timezone: UTC } }
  cleanup: { command: ./cleanup.sh, schedule: { interval: 30m, run_on_start: true }, availability: { restart: always } }
  both: { command: x, schedule: { cron: "@hourly", interval: 5s, max_concurrent: 3 } }
  none: { command: x, schedule: { run_on_start: true } }
`);
  const byName = new Map(l.model.programs.map((p) => [p.name, p]));
  assert.deepEqual(byName.get('backup')!.schedule, { cron: '0 2 * * *', every: null, timezone: 'UTC', overlap: 'skip', catch_up: false });
  assert.deepEqual(byName.get('cleanup')!.schedule, { cron: null, every: 1800, timezone: null, overlap: 'skip', catch_up: true });
  assert.deepEqual(byName.get('both')!.schedule, { cron: '@hourly', every: null, timezone: null, overlap: 'skip', catch_up: false });
  assert.equal(byName.get('none')!.schedule, null);
  for (const name of ['backup', 'cleanup', 'both']) {
    const p = byName.get(name)!;
    assert.deepEqual([p.autostart, p.oneshot, p.autorestart], [true, true, false], name);
  }
  assert.deepEqual(byName.get('none')!.autostart, true);
  assert.deepEqual(messages(l), [
    'pc.yaml:3:37: warning: processes.cleanup.schedule: a scheduled process is not restarted: the next due time runs it again (availability.restart is not used)',
    'pc.yaml:4:52: warning: processes.both.schedule.interval: cron and interval are both set: cron is used (as process-compose does)',
    'pc.yaml:4:66: warning: processes.both.schedule.max_concurrent: pidone runs one copy of a program at a time: a run that comes due while one is going is skipped, as with max_concurrent: 1',
    'pc.yaml:5:23: warning: processes.none.schedule: neither cron nor interval is set: the process is not scheduled and starts as any other (as in process-compose)',
  ]);
  const bad = () => load('processes:\n  a: { command: x, schedule: { cron: "0 0 2 * * *", every: 1m } }\n');
  assert.throws(bad, (e: unknown) => e instanceof ConfigError
    && /processes\.a\.schedule\.cron: expected a 5-field cron expression/.test(e.message)
    && /processes\.a\.schedule: unknown key "every"/.test(e.message));
});

test('keys pidone cannot honour are warnings saying what it does instead; TUI and own-log settings are accepted', () => {
  const l = load(`version: "0.5"
name: demo
log_level: debug
log_length: 3000
is_tui_disabled: false
ordered_shutdown: true
log_location: /tmp/pc.log
x-anchor: &a { command: x }
processes:
  a:
    <<: *a
    is_tty: true
    is_interactive: true
    disable_ansi_colors: true
    namespace: [dev]
    description: the a
    launch_timeout_seconds: 10
    shutdown: { send_keys: "^C" }
`);
  assert.deepEqual(messages(l), [
    "pc.yaml:5:1: warning: is_tui_disabled: pidone has no TUI: every process's output goes to stdout under its name, and pidone status or the web page show their states",
    "pc.yaml:7:1: warning: log_location: pidone writes no combined log file: every process's output goes to pidone's stdout under its name (give a process its own log_location for a file)",
    'pc.yaml:12:5: warning: processes.a.is_tty: pidone runs it with pipes, not a terminal; its output is still printed line by line under its name (a program that colours only on a TTY may want FORCE_COLOR=1)',
    'pc.yaml:13:5: warning: processes.a.is_interactive: pidone has no terminal to type into: the program gets no input',
    'pc.yaml:14:5: warning: processes.a.disable_ansi_colors: pidone prints the output as the program wrote it, colours included',
    'pc.yaml:18:17: warning: processes.a.shutdown.send_keys: pidone cannot type into a program: it sends SIGTERM instead',
  ]);
});

test('an unknown key is an error with file:line and a did-you-mean; a misplaced known key is a warning', () => {
  assert.deepEqual(errors('processes:\n  a:\n    command: x\n    avilability: { restart: always }\n'),
    ['pc.yaml:4:5: processes.a: unknown key "avilability" (did you mean "availability"?)']);
  assert.deepEqual(errors('proceses:\n  a: { command: x }\n'), ['pc.yaml:1:1: unknown key "proceses" (did you mean "processes"?)', 'pc.yaml:1:1: missing processes: (the map of processes to run)']);
  assert.deepEqual(errors('processes:\n  a: { command: x, shutdown: { timeout: 3 } }\n'), ['pc.yaml:2:32: processes.a.shutdown: unknown key "timeout"']);
  assert.deepEqual(errors('extends: base.yaml\nprocesses:\n  a: { command: x }\n'),
    ['pc.yaml:1:1: extends: not supported: pidone reads a single file: copy what the extended file defines into this one']);
  const l = load('processes:\n  a:\n    command: x\n    availability:\n      restart: always\n      readiness_probe: { exec: { command: "true" } }\n');
  assert.equal(byName(l, 'a').ready, null);
  assert.match(messages(l)[0] ?? '', /^pc\.yaml:6:7: warning: processes\.a\.availability: readiness_probe belongs directly under the process/);
});

test('log_location writes both streams to one file; rotation by size; relative to the file', () => {
  const l = load(`processes:
  a:
    command: x
    log_location: logs/a.log
    log_configuration:
      disable_json: true
      no_metadata: true
      rotation: { max_size_mb: 2, max_backups: 4 }
`);
  const a = byName(l, 'a');
  assert.deepEqual([a.stdout_logfile, a.stderr_logfile, a.stdout_logfile_maxbytes, a.stdout_logfile_backups],
    [join(l.dir, 'logs/a.log'), join(l.dir, 'logs/a.log'), 2 * 1024 * 1024, 4]);
  assert.deepEqual(l.warnings, []);
});

test('an override file beside it is reported, not merged', () => {
  const l = load('processes:\n  a: { command: x }\n', { files: { 'process-compose.override.yml': 'processes:\n  a: { command: y }\n' } });
  assert.deepEqual(byName(l, 'a').command, ['bash', '-c', 'x']);
  assert.deepEqual(messages(l), ['pc.yaml: warning: process-compose.override.yml is not merged in: process-compose would merge it, pidone reads this file only']);
});

test('a file named otherwise is still process-compose when processes: is at the top', () => {
  const dir = tempDir({ 'dev.yml': 'processes:\n  a: { command: x }\n' });
  const l = loadConfig(join(dir, 'dev.yml'), { env: {}, hostname: 'h', cwd: dir, host: anyHost });
  assert.deepEqual(l.model.programs[0]?.command, ['bash', '-c', 'x']);
});
