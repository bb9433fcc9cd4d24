// The per-process machine under supervisord 4.2.5 semantics (INI-style specs): every
// transition of supervisord.md 2.3, with exact spawn times, signals and log lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIFE_EVENTS, LIFE_NAMES } from '../src/core/life.ts';
import { LIFECYCLE } from '../src/core/lifecycle.ts';
import { STATE_CODES } from '../src/core/state.ts';
import { World, ini } from './support/world.ts';

test('every (state, event) cell of the table is decided', () => {
  assert.deepEqual(Object.keys(LIFECYCLE).sort(), [...LIFE_NAMES].sort());
  for (const state of LIFE_NAMES) {
    assert.deepEqual(Object.keys(LIFECYCLE[state]).sort(), [...LIFE_EVENTS].sort(), state);
    for (const ev of LIFE_EVENTS) {
      const cell = LIFECYCLE[state][ev];
      assert.equal(typeof cell.run, 'function', `${state} x ${ev}`);
      assert.ok(cell.to.length > 0 || cell.note !== '', `${state} x ${ev}: a no-op says why`);
    }
  }
  assert.deepEqual(Object.values(STATE_CODES), [0, 10, 20, 30, 40, 100, 200, 1000]);
});

test('first program spawns at once; STARTING → RUNNING only when up strictly more than startsecs', () => {
  const w = new World([ini('web')]);
  w.sup.start();
  assert.deepEqual(w.spawnTimes('web'), [0]);
  assert.equal(w.state('web'), 'STARTING');
  assert.equal(w.lines('spawned')[0], `spawned: 'web' with pid ${w.spawner.last('web').pid}`);
  w.clock.advance(1000);
  assert.equal(w.state('web'), 'STARTING', 'exactly startsecs is not enough');
  w.clock.advance(1);
  assert.equal(w.state('web'), 'RUNNING');
  assert.ok(w.lines().includes('success: web entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)'));
  assert.match(w.info('web').description, /^pid \d+, uptime 0:00:01$/);
});

test('startsecs=0 is RUNNING at once', () => {
  const w = new World([ini('web', { startsecs: 0 })]);
  w.sup.start();
  assert.equal(w.state('web'), 'RUNNING');
  assert.deepEqual(w.path('web'), ['STARTING', 'RUNNING']);
});

test('exits while STARTING: BACKOFF 1 s, 2 s, 3 s, then FATAL after exactly startretries retries', () => {
  const w = new World([ini('quick', { startretries: 3 })]);
  w.sup.start();
  for (let i = 0; i < 4; i++) {
    w.clock.advance(100);
    w.spawner.last('quick').exit(0); // exit 0 counts as a failure when too quick
    if (i < 3) {
      assert.equal(w.state('quick'), 'BACKOFF');
      assert.equal(w.info('quick').description, 'Exited too quickly (process log may have details)');
      assert.equal(w.info('quick').exitstatus, 0);
      w.clock.advance((i + 1) * 1000 - 1);
      assert.equal(w.spawner.of('quick').length, i + 1, 'no retry before the delay');
      w.clock.advance(1);
    }
  }
  assert.deepEqual(w.spawnTimes('quick'), [0, 1100, 3200, 6300]);
  assert.equal(w.state('quick'), 'FATAL');
  assert.equal(w.spawner.of('quick').length, 4, 'startretries + 1 spawns in all');
  assert.deepEqual(w.lines('backoff').length, 3);
  assert.ok(w.lines().includes('exited: quick (exit status 0; not expected)'));
  assert.ok(w.lines().includes('gave up: quick entered FATAL state, too many start retries too quickly'));
  w.clock.advance(60_000);
  assert.equal(w.spawner.of('quick').length, 4, 'FATAL is terminal');
  assert.equal(w.clock.pending(), 0, 'no timer left behind');
});

test('startretries=0: FATAL after the first failed start', () => {
  const w = new World([ini('x', { startretries: 0 })]);
  w.sup.start();
  w.spawner.last('x').exit(1);
  assert.deepEqual(w.path('x'), ['STARTING', 'BACKOFF', 'FATAL']);
});

test('exit at exactly startsecs, before the promotion fired: RUNNING then EXITED (supervisord finish())', () => {
  const w = new World([ini('web', { autorestart: false })]);
  w.sup.start();
  w.clock.advance(1000);
  w.spawner.last('web').exit(1);
  assert.deepEqual(w.path('web'), ['STARTING', 'RUNNING', 'EXITED']);
  assert.equal(w.info('web').spawnerr, 'Bad exit code 1');
  assert.equal(w.info('web').exitstatus, 1);
});

test('autorestart=unexpected: expected exit stays EXITED, unexpected code and signal deaths restart at once', () => {
  const w = new World([ini('web', { exitcodes: [0, 2] })], { exitWhenIdle: false });
  w.sup.start();
  w.clock.advance(5000);
  w.spawner.last('web').exit(1);
  assert.deepEqual(w.spawnTimes('web'), [0, 5000], 'restarted in the same instant');
  assert.ok(w.lines().includes('exited: web (exit status 1; not expected)'));
  w.clock.advance(5000);
  w.spawner.last('web').exit('HUP');
  assert.deepEqual(w.spawnTimes('web'), [0, 5000, 10000]);
  assert.ok(w.lines().includes('exited: web (terminated by SIGHUP; not expected)'));
  w.clock.advance(5000);
  w.spawner.last('web').exit(2);
  assert.equal(w.state('web'), 'EXITED');
  assert.ok(w.lines().includes('exited: web (exit status 2; expected)'));
  assert.equal(w.spawner.of('web').length, 3);
});

test('autorestart=true restarts after any exit; autorestart=false never', () => {
  const w = new World([ini('a', { autorestart: true }), ini('b', { autorestart: false })], { exitWhenIdle: false });
  w.sup.start();
  w.clock.advance(2000);
  w.spawner.last('a').exit(0);
  w.spawner.last('b').exit(1);
  assert.equal(w.spawner.of('a').length, 2);
  assert.equal(w.state('a'), 'STARTING');
  assert.equal(w.spawner.of('b').length, 1);
  assert.equal(w.state('b'), 'EXITED');
});

test('a crash loop after RUNNING (startsecs=0) respawns at most once a second, with one timer', () => {
  const w = new World([ini('loop', { startsecs: 0, autorestart: true })]);
  w.sup.start();
  for (let i = 0; i < 5; i++) {
    w.clock.advance(10);
    w.spawner.last('loop').exit(0);
    assert.equal(w.state('loop'), 'EXITED');
    assert.ok(w.clock.pending() <= 2, 'one restart timer (plus nothing else)');
    w.clock.advance(990);
  }
  assert.deepEqual(w.spawnTimes('loop'), [0, 1000, 2000, 3000, 4000, 5000]);
});

test('stop: STOPPING with stopsignal to the pid, ends STOPPED whatever the status', () => {
  const w = new World([ini('web', { stopsignal: 'INT' })]);
  w.sup.start();
  w.clock.advance(2000);
  const child = w.spawner.last('web');
  assert.deepEqual(w.sup.stopProcess('web'), { ok: true, scope: 'process', results: [{ name: 'web', group: 'web', status: 'SUCCESS', description: 'OK' }] });
  assert.equal(w.state('web'), 'STOPPING');
  assert.deepEqual(child.signals.map((s) => [s.signal, s.group]), [['INT', false], ['CONT', false]]);
  assert.ok(w.lines().includes('waiting for web to stop'));
  child.exit(1);
  assert.equal(w.state('web'), 'STOPPED');
  assert.ok(w.lines().includes('stopped: web (exit status 1)'));
  assert.equal(w.spawner.of('web').length, 1, 'never restarted after a stop');
});

test('stopwaitsecs then SIGKILL, to the pid or to the group with killasgroup', () => {
  for (const killasgroup of [false, true]) {
    const w = new World([ini('stubborn', { stopwaitsecs: 2, stopasgroup: killasgroup, killasgroup })]);
    w.sup.start();
    w.clock.advance(2000);
    const child = w.spawner.last('stubborn');
    w.sup.stopProcess('stubborn');
    w.clock.advance(1999);
    assert.equal(child.signals.length, 2);
    w.clock.advance(1);
    assert.deepEqual(child.signals.map((s) => [s.signal, s.group, s.at - w.t0]), [['TERM', killasgroup, 2000], ['CONT', killasgroup, 2000], ['KILL', killasgroup, 4000]]);
    assert.ok(w.lines().includes(`killing 'stubborn' (${child.pid}) with SIGKILL`));
    child.exit('KILL');
    assert.equal(w.state('stubborn'), 'STOPPED');
    assert.ok(w.lines().includes('stopped: stubborn (terminated by SIGKILL)'));
  }
});

test('stop of BACKOFF: STOPPED at once, no signal, no retry', () => {
  const w = new World([ini('quick')]);
  w.sup.start();
  w.spawner.last('quick').exit(1);
  assert.equal(w.state('quick'), 'BACKOFF');
  const r = w.sup.stopProcess('quick');
  assert.equal(r.ok, true);
  assert.equal(w.state('quick'), 'STOPPED');
  assert.equal(w.spawner.last('quick').signals.length, 0);
  w.clock.advance(10_000);
  assert.equal(w.spawner.of('quick').length, 1);
  assert.equal(w.clock.pending(), 0);
});

test('spawn failure counts as a failed start: BACKOFF with the error, then FATAL', () => {
  const w = new World([ini('nocmd', { startretries: 1 })]);
  w.spawner.failing.set('nocmd', "can't find command '/nope'");
  w.sup.start();
  assert.equal(w.state('nocmd'), 'BACKOFF');
  assert.equal(w.info('nocmd').description, "can't find command '/nope'");
  assert.ok(w.lines().includes("spawnerr: can't find command '/nope'"));
  w.clock.advance(1000);
  assert.equal(w.state('nocmd'), 'FATAL');
  assert.deepEqual(w.path('nocmd'), ['STARTING', 'BACKOFF', 'STARTING', 'BACKOFF', 'FATAL']);
  assert.equal(w.info('nocmd').description, "can't find command '/nope'");
});

test('a manual start leaves FATAL with a fresh retry budget', () => {
  const w = new World([ini('quick', { startretries: 1 })], { exitWhenIdle: false });
  w.sup.start();
  w.spawner.last('quick').exit(1);
  w.clock.advance(1000);
  w.spawner.last('quick').exit(1);
  assert.equal(w.state('quick'), 'FATAL');
  assert.equal(w.sup.startProcess('quick').ok, true);
  assert.equal(w.state('quick'), 'STARTING');
  w.spawner.last('quick').exit(1);
  assert.equal(w.state('quick'), 'BACKOFF', 'one retry again');
});

test('a kill that fails puts the process in UNKNOWN; its exit then ends it without restart', () => {
  const w = new World([ini('web')], { exitWhenIdle: false });
  w.sup.start();
  w.clock.advance(2000);
  w.spawner.killError = 'EPERM';
  w.sup.stopProcess('web');
  assert.equal(w.state('web'), 'UNKNOWN');
  assert.equal(w.sup.startProcess('web').ok, false);
  w.spawner.killError = null;
  w.spawner.last('web').exit('TERM');
  assert.equal(w.state('web'), 'STOPPED');
  assert.equal(w.spawner.of('web').length, 1);
});

test('status descriptions follow supervisord', () => {
  const w = new World([ini('web'), ini('off', { autostart: false })], { exitWhenIdle: false });
  w.sup.start();
  assert.equal(w.info('off').description, 'Not started');
  assert.equal(w.info('web').description, '');
  w.clock.advance(62_000);
  assert.equal(w.info('web').description, `pid ${w.spawner.last('web').pid}, uptime 0:01:02`);
  w.spawner.last('web').exit(0);
  assert.match(w.info('web').description, /^[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M$/);
  assert.equal(w.info('web').state, 100);
});
