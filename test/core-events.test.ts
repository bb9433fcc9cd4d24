// The small pure pieces: supervisord's log wording, levels, uptime format, signal names,
// spec comparison for reload, exit-code rules; and callbacks that arrive re-entrantly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEvent, eventLevel } from '../src/core/events.ts';
import { fatalCode, shellCode, wantsRestart } from '../src/core/policy.ts';
import { diffPrograms, sameSpec } from '../src/core/reload.ts';
import { normalizeSignal, signalNumber } from '../src/core/signals.ts';
import { formatUptime } from '../src/core/snapshot.ts';
import { PROBE, World, ini, yaml } from './support/world.ts';

test('describeEvent uses supervisord wording', () => {
  assert.equal(describeEvent({ type: 'spawned', name: 'web', pid: 12 }), "spawned: 'web' with pid 12");
  assert.equal(describeEvent({ type: 'state', name: 'web', from: 'STARTING', to: 'RUNNING', startsecs: 1 }), 'success: web entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)');
  assert.equal(describeEvent({ type: 'exited', name: 'web', pid: 12, code: 1, signal: null, expected: false, stopped: false }), 'exited: web (exit status 1; not expected)');
  assert.equal(describeEvent({ type: 'exited', name: 'web', pid: 12, code: 0, signal: null, expected: true, stopped: false }), 'exited: web (exit status 0; expected)');
  assert.equal(describeEvent({ type: 'exited', name: 'web', pid: 12, code: null, signal: 'TERM', expected: false, stopped: true }), 'stopped: web (terminated by SIGTERM)');
  assert.equal(describeEvent({ type: 'fatal', name: 'web', reason: 'too many start retries too quickly' }), 'gave up: web entered FATAL state, too many start retries too quickly');
  assert.equal(describeEvent({ type: 'stopping', name: 'web', pid: 12, signal: 'TERM' }), 'waiting for web to stop');
  assert.equal(describeEvent({ type: 'killed', name: 'web', pid: 12 }), "killing 'web' (12) with SIGKILL");
  assert.equal(describeEvent({ type: 'blocked', name: 'web', reason: 'dependency migrate completed unsuccessfully (exit status 1)' }), 'web: not started: dependency migrate completed unsuccessfully (exit status 1)');
  assert.equal(describeEvent({ type: 'spawn_failed', name: 'x', error: "can't find command 'x'" }), "spawnerr: can't find command 'x'");
  assert.equal(describeEvent({ type: 'backoff', name: 'x', delay: 1500, attempt: 1 }), 'backoff: x will be restarted in 1.5 s (attempt 1)');
  assert.equal(describeEvent({ type: 'finished', exitCode: 3, reason: 'critical program web exited 3' }), 'exiting with code 3: critical program web exited 3');
  assert.equal(eventLevel({ type: 'exited', name: 'w', pid: 1, code: 1, signal: null, expected: false, stopped: false }), 'warn');
  assert.equal(eventLevel({ type: 'killed', name: 'w', pid: 1 }), 'warn');
  // A stop that ended as asked is not a warning (supervisord's is); one that needed SIGKILL is.
  assert.equal(eventLevel({ type: 'exited', name: 'w', pid: 1, code: null, signal: 'TERM', expected: false, stopped: true }), 'info');
  assert.equal(eventLevel({ type: 'exited', name: 'w', pid: 1, code: 143, signal: null, expected: false, stopped: true }), 'info');
  assert.equal(eventLevel({ type: 'exited', name: 'w', pid: 1, code: null, signal: 'KILL', expected: false, stopped: true }), 'warn');
  assert.equal(eventLevel({ type: 'state', name: 'w', from: 'STOPPED', to: 'STARTING' }), 'debug');
});

test('uptime like Python timedelta; signals by name or number', () => {
  assert.equal(formatUptime(62), '0:01:02');
  assert.equal(formatUptime(86401), '1 day, 0:00:01');
  assert.equal(formatUptime(5 * 86400 + 7 * 3600 + 18 * 60 + 14), '5 days, 7:18:14');
  assert.equal(normalizeSignal('hup'), 'HUP');
  assert.equal(normalizeSignal('SIGTERM'), 'TERM');
  assert.equal(normalizeSignal(9), 'KILL');
  assert.equal(normalizeSignal('IOT'), 'ABRT');
  assert.equal(normalizeSignal('NOPE'), null);
  assert.equal(normalizeSignal('99'), null);
  assert.equal(signalNumber('SEGV'), 11);
});

test('exit-code and restart rules', () => {
  assert.equal(shellCode({ code: 3, signal: null }), 3);
  assert.equal(shellCode({ code: null, signal: 'KILL' }), 137);
  assert.equal(fatalCode({ kind: 'not_found', message: "can't find command 'x'" }, null), 127);
  assert.equal(fatalCode({ kind: 'not_executable', message: "command at 'x' is not executable" }, null), 126);
  assert.equal(fatalCode({ kind: 'privilege', message: "couldn't setuid to 0: can't drop privilege as nonroot user" }, null), 126);
  assert.equal(fatalCode(null, { code: 0, signal: null }), 1);
  assert.equal(fatalCode(null, { code: null, signal: 'TERM' }), 143);
  const job = ini('j', { oneshot: true, autorestart: true });
  assert.equal(wantsRestart(job, true), false, 'a oneshot never reruns after success');
  assert.equal(wantsRestart(job, false), true);
});

test('reload compares whole specs but ignores source', () => {
  assert.ok(sameSpec(ini('a'), ini('a', { source: { file: 'x', line: 9 } })));
  assert.ok(!sameSpec(ini('a'), ini('a', { exitcodes: [0, 2] })));
  assert.ok(!sameSpec(ini('a'), ini('a', { depends_on: { b: 'started' } })));
  assert.deepEqual(diffPrograms([ini('a'), ini('b')], [ini('b', { priority: 1 }), ini('c')]), { added: ['c'], removed: ['a'], changed: ['b'] });
});

test('a child that dies inside spawn() is seen after its spawn, not before', () => {
  const w = new World([ini('dies')]);
  w.spawner.onSpawn = (c) => c.exit(1);
  w.sup.start();
  assert.deepEqual(w.events.slice(0, 4).map((e) => e.type), ['state', 'spawned', 'exited', 'state']);
  assert.equal(w.state('dies'), 'BACKOFF');
});

test('a probe that is ready inside watch() promotes at once', () => {
  const w = new World([yaml('db', { ready: PROBE }), yaml('app', { depends_on: { db: 'ready' } })]);
  w.prober.instantReady = true;
  w.sup.start();
  assert.equal(w.state('db'), 'RUNNING');
  assert.equal(w.state('app'), 'RUNNING');
});

test("state events carry what supervisord's PROCESS_STATE_* payloads need: tries, pid, expected", () => {
  const w = new World([ini('flaky', { startretries: 1 }), ini('web', { startsecs: 0, autorestart: false })], { exitWhenIdle: false });
  w.sup.start();
  const details = (name: string) => w.events.flatMap((e) => (e.type === 'state' && e.name === name
    ? [[`${e.from}>${e.to}`, ...(e.tries !== undefined ? [`tries:${e.tries}`] : []), ...(e.pid !== undefined ? [`pid:${e.pid}`] : []), ...(e.expected !== undefined ? [`expected:${e.expected}`] : [])].join(' ')]
    : []));
  w.spawner.last('flaky').exit(0);
  w.clock.advance(1000);
  w.spawner.last('flaky').exit(0);
  assert.deepEqual(details('flaky'), ['STOPPED>STARTING tries:0', 'STARTING>BACKOFF tries:1', 'BACKOFF>STARTING tries:1', 'STARTING>BACKOFF tries:2', 'BACKOFF>FATAL']);
  const first = w.spawner.last('web').pid;
  w.spawner.last('web').exit(3);
  w.sup.startProcess('web');
  const second = w.spawner.last('web').pid;
  w.sup.stopProcess('web');
  w.spawner.last('web').exit('TERM');
  assert.deepEqual(details('web'), [
    'STOPPED>STARTING tries:0', `STARTING>RUNNING pid:${first}`, `RUNNING>EXITED pid:${first} expected:false`,
    'EXITED>STARTING tries:0', `STARTING>RUNNING pid:${second}`, `RUNNING>STOPPING pid:${second}`, `STOPPING>STOPPED pid:${second}`,
  ]);
});
