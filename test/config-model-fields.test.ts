// The model fields added for what the core runs next (liveness, stop_command, daemon,
// exit_on_skipped, critical: on-failure), as YAML keys and as INI extension keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config/load.ts';
import { errorsOf, loadText, anyHost, tempDir } from './support/config.ts';
import { planText } from '../src/cli/plan-text.ts';

test('YAML liveness: the checks of ready but notify, Kubernetes timing defaults', () => {
  const p = loadText(`programs:
  api:
    command: x
    liveness: { http: "http://127.0.0.1:3000/health" }
  worker:
    command: x
    liveness: { exec: [test, -f, /tmp/ok], interval: 5s, retries: 2, initial_delay: 30s, timeout: 2s }
`).model.programs;
  assert.deepEqual(p[0]?.liveness, { check: { kind: 'http', url: 'http://127.0.0.1:3000/health' }, initial_delay: 0, interval: 10, timeout: 1, retries: 3 });
  assert.deepEqual(p[1]?.liveness, { check: { kind: 'exec', command: ['test', '-f', '/tmp/ok'] }, initial_delay: 30, interval: 5, timeout: 2, retries: 2 });
  assert.deepEqual(errorsOf('programs:\n  a:\n    command: x\n    liveness: { notify: true }\n'), [
    'pidone.yaml:4:5: programs.a.liveness: expected exactly one of tcp, http, exec, log, got none',
    'pidone.yaml:4:17: programs.a.liveness: unknown key "notify" (a liveness probe checks a running program: use tcp, http, exec or log)',
  ]);
});

test('YAML stop_command, daemon, exit_on_skipped and critical: on-failure', () => {
  const p = loadText(`programs:
  pg:
    command: pg_ctl start -w
    daemon: true
    stop_command: pg_ctl stop -m fast
    critical: on-failure
  tests:
    command: [npm, test]
    oneshot: true
    exit_on_skipped: true
    depends_on: { pg: ready }
`).model.programs;
  const pg = p.find((x) => x.name === 'pg');
  assert.deepEqual([pg?.daemon, pg?.stop_command, pg?.critical], [true, 'pg_ctl stop -m fast', 'on-failure']);
  assert.equal(p.find((x) => x.name === 'tests')?.exit_on_skipped, true);
  assert.deepEqual(errorsOf('programs:\n  a: { command: x, critical: sometimes }\n'),
    ['pidone.yaml:2:20: programs.a.critical: expected true, false or on-failure, got "sometimes"']);
  const lonely = loadText('programs:\n  d: { command: x, daemon: true }\n');
  assert.deepEqual(lonely.warnings.map((w) => w.message), ['programs.d.daemon: a daemon leaves no process behind that pidone could signal: give stop_command to stop it']);
});

test('INI extension keys: liveness_*, stop_command, daemon, exit_on_skipped, critical=on-failure', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'supervisord.conf'), `[supervisord]
nodaemon=true

[program:web]
command=/usr/bin/web
liveness_http=http://127.0.0.1:%(ENV_PORT)s/health
liveness_interval=5
critical=on-failure
exit_on_skipped=true

[program:pg]
command=pg_ctl start -w
daemon=true
stop_command=pg_ctl stop -m fast
liveness_exec=pg_isready -q
`);
  const m = loadConfig(join(dir, 'supervisord.conf'), { env: { PORT: '8080' }, hostname: 'h', cwd: dir, host: anyHost }).model;
  const web = m.programs.find((p) => p.name === 'web');
  const pg = m.programs.find((p) => p.name === 'pg');
  assert.deepEqual(web?.liveness, { check: { kind: 'http', url: 'http://127.0.0.1:8080/health' }, initial_delay: 0, interval: 5, timeout: 1, retries: 3 });
  assert.deepEqual([web?.critical, web?.exit_on_skipped, web?.daemon, web?.stop_command], ['on-failure', true, false, null]);
  assert.deepEqual([pg?.daemon, pg?.stop_command, pg?.liveness?.check], [true, 'pg_ctl stop -m fast', { kind: 'exec', command: 'pg_isready -q' }]);
});

test('pidone check shows liveness, stop commands and the new notes in the plan, and a script by its first line', () => {
  const m = loadText(`programs:
  pg:
    command: |
      initdb -D /data || true
      exec postgres -D /data
    liveness: { tcp: 5432, interval: 5s }
    stop_command: [pg_ctl, stop, -m, fast]
    critical: on-failure
    exit_on_skipped: true
`).model;
  assert.deepEqual(planText([m.programs as never]), [
    'wave 0 (nothing to wait for)',
    "  pg  sh -c 'initdb -D /data || true …' (2 lines)",
    '      alive while tcp 127.0.0.1:5432 passes (every 5s; 3 failures stop it)',
    '      stopped by pg_ctl stop -m fast',
    '      critical on failure, ends pidone if it cannot start, restart on failure',
  ]);
});
