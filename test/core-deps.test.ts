// depends_on gating (started, ready, completed, completed_successfully), readiness probes,
// oneshot jobs, and blocked dependents that say why instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROBE, World, ini, yaml } from './support/world.ts';

test('a dependency wave starts in parallel, spawn calls in priority order', () => {
  const w = new World([
    yaml('db', { priority: 10 }),
    yaml('cache', { priority: 5 }),
    yaml('web', { depends_on: { db: 'started', cache: 'started' }, priority: 1 }),
    yaml('worker', { depends_on: { db: 'started' }, priority: 2 }),
  ]);
  w.sup.start();
  assert.deepEqual(w.spawner.order(), ['cache', 'db', 'web', 'worker']);
  assert.deepEqual(w.spawner.spawns.map((c) => c.spawnedAt - w.t0), [0, 0, 0, 0]);
});

test('ready: dependents wait for RUNNING (startsecs) and the readiness probe', () => {
  const w = new World([ini('redis', { ready: PROBE }), ini('web', { depends_on: { redis: 'ready' }, startsecs: 0 })]);
  w.sup.start();
  assert.deepEqual(w.spawner.order(), ['redis']);
  assert.equal(w.info('web').description, 'Not started: waiting for redis to be ready');
  w.prober.ready('redis');
  assert.equal(w.state('redis'), 'STARTING', 'probe passed before startsecs: still STARTING');
  assert.ok(w.lines().includes('ready: redis passed its readiness probe'));
  w.clock.advance(1001);
  assert.equal(w.state('redis'), 'RUNNING');
  assert.deepEqual(w.spawner.order(), ['redis', 'web']);
  assert.equal(w.spawnTimes('web')[0], 1001);
  assert.equal(w.info('redis').ready, true);
  assert.equal(w.prober.active('redis'), undefined, 'probe cancelled once ready');
});

test('probe after startsecs: RUNNING only when the probe passes', () => {
  const w = new World([yaml('api', { ready: PROBE })]);
  w.sup.start();
  w.clock.advance(30_000);
  assert.equal(w.state('api'), 'STARTING');
  w.prober.ready('api');
  assert.equal(w.state('api'), 'RUNNING');
});

test('probe failed for good: the live child is stopped, then FATAL; dependents are blocked', () => {
  const w = new World([yaml('redis', { ready: PROBE, stopwaitsecs: 3 }), yaml('web', { depends_on: { redis: 'ready' } })]);
  w.sup.start();
  const child = w.spawner.last('redis');
  w.prober.fail('redis', 'connect ECONNREFUSED 127.0.0.1:6379');
  assert.equal(w.state('redis'), 'STOPPING');
  assert.deepEqual(child.signals.map((s) => s.signal), ['TERM', 'CONT'], 'the stop signal, then SIGCONT (a stopped process must be able to act on it)');
  child.exit('TERM');
  assert.equal(w.state('redis'), 'FATAL');
  assert.equal(w.info('redis').description, 'readiness probe failed: connect ECONNREFUSED 127.0.0.1:6379');
  assert.ok(w.lines().includes('gave up: redis entered FATAL state, readiness probe failed: connect ECONNREFUSED 127.0.0.1:6379'));
  assert.ok(w.lines().includes('web: not started: dependency redis entered FATAL state: readiness probe failed: connect ECONNREFUSED 127.0.0.1:6379'));
  assert.equal(w.spawner.of('web').length, 0);
});

test('an exit before the probe passed is a failed start', () => {
  const w = new World([ini('api', { ready: PROBE, startsecs: 0 })]);
  w.sup.start();
  w.clock.advance(5000);
  w.spawner.last('api').exit(0);
  assert.equal(w.state('api'), 'BACKOFF');
  assert.equal(w.prober.probes[0]?.cancelled, true);
  w.clock.advance(1000);
  assert.equal(w.prober.probes.length, 2, 'a fresh probe for the new child');
});

test('oneshot: completed_successfully gates dependents; a job is not restarted after success', () => {
  const w = new World([ini('migrate', { oneshot: true, autorestart: false }), ini('web', { depends_on: { migrate: 'completed_successfully' } })]);
  w.sup.start();
  assert.deepEqual(w.spawner.order(), ['migrate']);
  w.clock.advance(200);
  w.spawner.last('migrate').exit(0); // quicker than startsecs: still a completion for a oneshot
  assert.equal(w.state('migrate'), 'EXITED');
  assert.deepEqual(w.path('migrate'), ['STARTING', 'EXITED']);
  assert.equal(w.info('migrate').completed_successfully, true);
  assert.deepEqual(w.spawner.order(), ['migrate', 'web']);
});

test('oneshot failed: completed_successfully blocks with the reason, completed proceeds', () => {
  const w = new World([
    yaml('migrate', { oneshot: true, autorestart: false }),
    yaml('web', { depends_on: { migrate: 'completed_successfully' } }),
    yaml('report', { depends_on: { migrate: 'completed' } }),
  ], { exitWhenIdle: false });
  w.sup.start();
  w.spawner.last('migrate').exit(1);
  assert.deepEqual(w.spawner.order(), ['migrate', 'report']);
  assert.ok(w.lines('blocked').includes('web: not started: dependency migrate completed unsuccessfully (exit status 1)'));
  assert.equal(w.info('web').blocked, 'dependency migrate completed unsuccessfully (exit status 1)');
  assert.equal(w.info('web').description, 'Not started: dependency migrate completed unsuccessfully (exit status 1)');
  assert.equal(w.lines('blocked').length, 1, 'reported once');
});

test('oneshot with restart on-failure retries failures (INI pacing: BACKOFF, startretries)', () => {
  const w = new World([ini('job', { oneshot: true, autorestart: 'unexpected', startretries: 2, startsecs: 0 })]);
  w.sup.start();
  w.clock.advance(5000);
  w.spawner.last('job').exit(3);
  assert.deepEqual(w.path('job'), ['STARTING', 'RUNNING', 'EXITED', 'BACKOFF']);
  w.clock.advance(1000);
  w.clock.advance(5000);
  w.spawner.last('job').exit(3);
  w.clock.advance(2000);
  w.clock.advance(5000);
  w.spawner.last('job').exit(3);
  assert.equal(w.state('job'), 'FATAL', 'reaching RUNNING does not reset a job\'s budget');
  assert.equal(w.spawner.of('job').length, 3);
});

test('oneshot with restart on-failure (YAML pacing) completes after a retry', () => {
  const w = new World([yaml('job', { oneshot: true, autorestart: 'unexpected' }), yaml('app', { depends_on: { job: 'completed_successfully' } })]);
  w.sup.start();
  w.spawner.last('job').exit(1);
  assert.equal(w.state('job'), 'BACKOFF');
  assert.equal(w.spawner.of('app').length, 0);
  w.clock.advance(1000);
  w.spawner.last('job').exit(0);
  assert.equal(w.state('job'), 'EXITED');
  assert.equal(w.spawner.of('app').length, 1);
});

test('dependency on a group means every process of it', () => {
  const w = new World([
    yaml('web:0', { group: 'web', startsecs: 1 }),
    yaml('web:1', { group: 'web', startsecs: 2 }),
    yaml('lb', { depends_on: { web: 'ready' } }),
  ]);
  w.sup.start();
  w.clock.advance(1001);
  assert.equal(w.spawner.of('lb').length, 0);
  w.clock.advance(1000);
  assert.equal(w.spawner.of('lb').length, 1);
});

test('blocked on an autostart=false dependency until someone starts it', () => {
  const w = new World([yaml('db', { autostart: false }), yaml('app', { depends_on: { db: 'started' } })]);
  w.sup.start();
  assert.deepEqual(w.lines('blocked'), ['app: not started: dependency db is not started (autostart is false)']);
  assert.equal(w.finished(), undefined, 'a program waiting for a person keeps pidone up');
  w.sup.startProcess('db');
  assert.deepEqual(w.spawner.order(), ['db', 'app']);
  assert.equal(w.info('app').blocked, null);
});

test('blocked reasons chain through a blocked dependency', () => {
  const w = new World([
    yaml('a', { oneshot: true, autorestart: false }),
    yaml('b', { depends_on: { a: 'completed_successfully' } }),
    yaml('c', { depends_on: { b: 'started' } }),
  ]);
  w.sup.start();
  w.spawner.last('a').exit(2);
  assert.equal(w.info('c').blocked, 'dependency b is not started: dependency a completed unsuccessfully (exit status 2)');
});

test('an explicit start does not wait for depends_on', () => {
  const w = new World([yaml('db', { ready: PROBE }), yaml('app', { depends_on: { db: 'ready' } })]);
  w.sup.start();
  assert.equal(w.spawner.of('app').length, 0);
  assert.equal(w.sup.startProcess('app').ok, true);
  assert.equal(w.spawner.of('app').length, 1);
  w.prober.ready('db');
  assert.equal(w.spawner.of('app').length, 1, 'not started twice');
});

test('a stopped pending process blocks its own dependents', () => {
  const w = new World([yaml('db', { ready: PROBE }), yaml('app', { depends_on: { db: 'ready' } }), yaml('ui', { depends_on: { app: 'started' } })]);
  w.sup.start();
  assert.equal(w.sup.stopProcess('app').ok, true, 'stop cancels a pending start');
  w.prober.ready('db');
  assert.equal(w.spawner.of('app').length, 0);
  assert.equal(w.info('ui').blocked, 'dependency app is stopped');
});
