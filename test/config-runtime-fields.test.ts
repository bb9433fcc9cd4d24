// What docs/config.md promises for critical, liveness, stop_command and exit_on_skipped, run
// with the built pidone as PID 1.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './support/daemon.ts';
import { killIsolated, runIsolated } from './support/isolated.ts';

afterEach(killIsolated);

function start(t: { after: (fn: () => void) => void }, yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-fields-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'pidone.yaml'), yaml);
  chmodSync(dir, 0o755);
  chownSync(dir, 65534, 65534);
  const run = runIsolated(['-c', join(dir, 'pidone.yaml')], { cwd: dir, env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', XDG_RUNTIME_DIR: dir } });
  return { dir, run, out: () => `${run.stdout.join('\n')}\n${run.stderr()}` };
}

test('critical: true with the default restart: a crash is restarted; the clean exit that follows ends pidone with 0', { timeout: 30_000 }, async (t) => {
  const { run, out } = start(t, `programs:
  main:
    command: if [ -e crashed ]; then echo clean exit; exit 0; fi; touch crashed; echo crash; exit 4
    directory: .
    critical: true
  sidecar:
    command: [sleep, "60"]
`);
  await run.line((l) => /^main\s+\| crash$/.test(l));
  await run.line((l) => /^main\s+\| clean exit$/.test(l));
  const exit = await run.exited;
  assert.equal(exit.code, 0, out());
  assert.ok(run.stdout.some((l) => /stopped: sidecar/.test(l)), out());
});

test('critical: on-failure: a clean exit leaves the others running', {
}, async (t) => {
  const { run, out } = start(t, `programs:
  job:
    command: echo done
    critical: on-failure
    restart: never
  sidecar:
    command: [sleep, "60"]
`);
  await run.line((l) => /exited: job \(exit status 0; expected\)/.test(l));
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(!run.stdout.some((l) => /stopped: sidecar/.test(l)), out());
});

test('liveness: a program whose check fails 2 times in a row is stopped and restarted', {
}, async (t) => {
  const { run, out } = start(t, `programs:
  app:
    command: echo up; exec sleep 60
    liveness: { exec: "test -e healthy", interval: 500ms, retries: 2 }
`);
  await run.line((l) => /^app\s+\| up$/.test(l));
  await until(() => run.stdout.filter((l) => /spawned: 'app'/.test(l)).length >= 2, 10_000, `a second spawn\n${out()}`);
});

test('exit_on_skipped: a program whose dependency failed ends pidone with 1, while others still run', {
}, async (t) => {
  const { run, out } = start(t, `programs:
  migrate:
    command: exit 5
    oneshot: true
  web:
    command: [sleep, "60"]
    depends_on: { migrate: completed_successfully }
    exit_on_skipped: true
  sidecar:
    command: [sleep, "60"]
`);
  const exit = await Promise.race([run.exited, new Promise<null>((r) => setTimeout(() => r(null), 8000))]);
  assert.equal(exit?.code, 1, out());
});

test('stop_command: stopping runs the command instead of sending the stop signal', {
}, async (t) => {
  const { run, out } = start(t, `programs:
  app:
    command: trap 'echo got TERM; exit 1' TERM; echo up; while [ ! -e stop-now ]; do sleep 0.1; done; echo stopped by the command
    directory: .
    stop_command: touch stop-now
`);
  await run.line((l) => /^app\s+\| up$/.test(l));
  process.kill(await run.pid(), 'SIGTERM');
  await run.line((l) => /^app\s+\| stopped by the command$/.test(l), 5000);
  assert.equal((await run.exited).code, 0, out());
});
