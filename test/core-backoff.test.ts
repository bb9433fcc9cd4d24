// pidone's restart pacing for YAML-style specs: exponential delays with a cap, reset after a
// long enough run, max_restarts, restart policies; and that a crash loop stays cheap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, ini, yaml } from './support/world.ts';

test('exponential delays 1, 2, 4, 8 s capped at max, after RUNNING exits too', () => {
  const w = new World([yaml('crash', { autorestart: true, backoff: { initial: 1, max: 5, reset_after: 60 } })]);
  w.sup.start();
  assert.equal(w.state('crash'), 'RUNNING', 'startsecs 0: RUNNING at once');
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    w.clock.advance(100);
    w.spawner.last('crash').exit(1);
    assert.equal(w.state('crash'), 'BACKOFF');
    assert.deepEqual(w.path('crash').slice(-3), ['RUNNING', 'EXITED', 'BACKOFF']);
    const e = w.events.at(-1);
    assert.equal(e?.type, 'backoff');
    if (e?.type === 'backoff') {
      delays.push(e.delay);
      assert.equal(e.attempt, i + 1);
    }
    w.clock.advance((e?.type === 'backoff' ? e.delay : 0) - 1);
    assert.equal(w.spawner.of('crash').length, i + 1);
    w.clock.advance(1);
    assert.equal(w.spawner.of('crash').length, i + 2);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);
  assert.equal(w.info('crash').restarts, 5);
  assert.ok(w.lines('backoff').includes('backoff: crash will be restarted in 2 s (attempt 2)'));
});

test('the restart count resets once a run lasted reset_after', () => {
  const w = new World([yaml('svc', { autorestart: true, backoff: { initial: 1, max: 30, reset_after: 10 } })]);
  w.sup.start();
  const lastDelay = () => {
    const e = w.events.filter((x) => x.type === 'backoff').at(-1);
    return e?.type === 'backoff' ? e.delay : -1;
  };
  w.spawner.last('svc').exit(1);
  w.clock.advance(1000);
  w.spawner.last('svc').exit(1);
  assert.equal(lastDelay(), 2000);
  w.clock.advance(2000);
  w.clock.advance(9999);
  w.spawner.last('svc').exit(1);
  assert.equal(lastDelay(), 4000, 'up 9.999 s: still counting');
  w.clock.advance(4000);
  w.clock.advance(10_000);
  w.spawner.last('svc').exit(1);
  assert.equal(lastDelay(), 1000, 'up 10 s: back to the first delay');
});

test('max_restarts consecutive restarts, then FATAL', () => {
  const w = new World([yaml('flaky', { autorestart: true, max_restarts: 2 })]);
  w.sup.start();
  w.spawner.last('flaky').exit(1);
  w.clock.advance(1000);
  w.spawner.last('flaky').exit(1);
  w.clock.advance(2000);
  w.spawner.last('flaky').exit(1);
  assert.equal(w.state('flaky'), 'FATAL');
  assert.equal(w.spawner.of('flaky').length, 3, 'the first run and 2 restarts');
  assert.ok(w.lines().includes('gave up: flaky entered FATAL state, too many restarts (max_restarts 2)'));
  assert.equal(w.info('flaky').description, 'too many restarts (max_restarts 2)');
});

test('max_restarts: 0 means no automatic restart at all', () => {
  const w = new World([yaml('once', { autorestart: true, max_restarts: 0 })]);
  w.sup.start();
  w.spawner.last('once').exit(0);
  assert.equal(w.state('once'), 'FATAL');
});

test('restart policies: on-failure skips successful exits, never restarts nothing', () => {
  const w = new World([yaml('onfail'), yaml('never', { autorestart: false })], { exitWhenIdle: false });
  w.sup.start();
  w.spawner.last('onfail').exit(0);
  w.spawner.last('never').exit(1);
  assert.equal(w.state('onfail'), 'EXITED');
  assert.equal(w.state('never'), 'EXITED');
  w.clock.advance(60_000);
  assert.equal(w.spawner.spawns.length, 2);
  assert.equal(w.clock.pending(), 0);
});

test('restart: never and a spawn error: FATAL at once; with restarts: BACKOFF', () => {
  const w = new World([yaml('a', { autorestart: false }), yaml('b')], { exitWhenIdle: false });
  w.spawner.failing.set('a', "can't find command 'a'");
  w.spawner.failing.set('b', "can't find command 'b'");
  w.sup.start();
  assert.equal(w.state('a'), 'FATAL');
  assert.equal(w.state('b'), 'BACKOFF');
  w.spawner.failing.delete('b');
  w.clock.advance(1000);
  assert.equal(w.state('b'), 'RUNNING');
});

test('a spawn error no retry can fix (a user switch a non-root pidone cannot make) is FATAL at once, whatever the pacing', () => {
  const privilege = { kind: 'privilege' as const, message: "couldn't setuid to 0: can't drop privilege as nonroot user", errno: 'EPERM' };
  const w = new World([yaml('y'), ini('i')], { exitWhenIdle: false });
  w.spawner.failing.set('y', privilege);
  w.spawner.failing.set('i', privilege);
  w.sup.start();
  assert.equal(w.state('y'), 'FATAL');
  assert.equal(w.state('i'), 'FATAL');
  assert.equal(w.info('y').spawnerr, privilege.message);
  w.clock.advance(600_000);
  assert.equal(w.clock.pending(), 0, 'no retry is waiting: it used to be retried forever under YAML pacing');
});

test('a failed start (exit before startsecs) uses the same pacing; restart: never ends it', () => {
  const w = new World([yaml('slow', { startsecs: 5 }), yaml('never', { startsecs: 5, autorestart: false })], { exitWhenIdle: false });
  w.sup.start();
  w.clock.advance(100);
  w.spawner.last('slow').exit(0);
  w.spawner.last('never').exit(0);
  assert.equal(w.state('slow'), 'BACKOFF', 'too quick counts as failure even with exit 0');
  assert.equal(w.state('never'), 'EXITED');
  assert.equal(w.info('never').completed_successfully, false);
});

test('initial: 0 still keeps one second between spawns', () => {
  const w = new World([yaml('loop', { autorestart: true, backoff: { initial: 0, max: 0, reset_after: 60 } })]);
  w.sup.start();
  for (let i = 0; i < 3; i++) {
    w.clock.advance(50);
    w.spawner.last('loop').exit(1);
    w.clock.advance(950);
  }
  assert.deepEqual(w.spawnTimes('loop'), [0, 1000, 2000, 3000]);
});

test('an endless crash loop costs one timer and no busy work', () => {
  const w = new World([yaml('loop', { autorestart: true, backoff: { initial: 1, max: 2, reset_after: 60 } })]);
  w.sup.start();
  for (let i = 0; i < 200; i++) {
    w.spawner.last('loop').exit(1);
    assert.equal(w.clock.pending(), 1);
    w.clock.advance(2000);
  }
  assert.equal(w.spawner.of('loop').length, 201);
  assert.equal(w.state('loop'), 'RUNNING');
});

test('stop during a backoff wait: STOPPED, the timer is gone', () => {
  const w = new World([yaml('x', { autorestart: true })]);
  w.sup.start();
  w.spawner.last('x').exit(1);
  assert.equal(w.state('x'), 'BACKOFF');
  assert.equal(w.sup.startProcess('x').ok, false, 'BACKOFF is ALREADY_STARTED');
  w.sup.stopProcess('x');
  assert.equal(w.state('x'), 'STOPPED');
  assert.equal(w.clock.pending(), 0);
});
