// reload(newModel): only what changed restarts; removed programs stop and disappear; added
// ones start (through depends_on like at boot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROBE, World, model, yaml } from './support/world.ts';

test('reload adds, removes and restarts only changed programs', () => {
  const w = new World([yaml('keep'), yaml('drop'), yaml('edit', { environment: { V: '1' } })]);
  w.sup.start();
  w.spawner.onKill = (c, sig) => c.exit(sig);
  const keepPid = w.spawner.last('keep').pid;
  const diff = w.sup.reload(model([
    yaml('keep', { source: { file: 'other.yaml', line: 42 } }),
    yaml('edit', { environment: { V: '2' } }),
    yaml('new'),
    yaml('manual', { autostart: false }),
  ]));
  assert.deepEqual(diff, { added: ['new', 'manual'], removed: ['drop'], changed: ['edit'] });
  assert.equal(w.spawner.last('keep').pid, keepPid, 'a change of `source` only is no change');
  assert.equal(w.spawner.of('keep').length, 1);
  assert.deepEqual(w.sup.snapshot().map((p) => p.name), ['keep', 'edit', 'new', 'manual']);
  assert.equal(w.spawner.of('edit').length, 2);
  assert.deepEqual(w.spawner.last('edit').spec.environment, { V: '2' }, 'restarted with the new spec');
  assert.equal(w.state('new'), 'RUNNING');
  assert.equal(w.state('manual'), 'STOPPED');
  assert.equal(w.spawner.last('drop').alive, false);
  assert.deepEqual(w.sup.reload(model([yaml('keep'), yaml('edit', { environment: { V: '2' } }), yaml('new'), yaml('manual', { autostart: false })])), { added: [], removed: [], changed: [] });
});

test('a removed program is stopped first and only then dropped', () => {
  const w = new World([yaml('a'), yaml('b')]);
  w.sup.start();
  w.sup.reload(model([yaml('a')]));
  assert.equal(w.state('b'), 'STOPPING');
  assert.equal(w.sup.startProcess('b').ok, false, 'no longer addressable');
  w.spawner.last('b').exit('TERM');
  assert.deepEqual(w.sup.snapshot().map((p) => p.name), ['a']);
  assert.equal(w.clock.pending(), 0);
});

test('a changed program waits for its old child to stop; no autorestart meanwhile', () => {
  const w = new World([yaml('svc', { autorestart: true, stopwaitsecs: 5 })]);
  w.sup.start();
  w.sup.reload(model([yaml('svc', { autorestart: true, stopwaitsecs: 5, command: ['/bin/svc', '--v2'] })]));
  assert.equal(w.state('svc'), 'STOPPING');
  w.clock.advance(5000);
  w.spawner.last('svc').exit('KILL');
  assert.equal(w.spawner.of('svc').length, 2);
  assert.deepEqual(w.spawner.last('svc').spec.command, ['/bin/svc', '--v2']);
  assert.equal(w.info('svc').restarts, 0, 'a fresh record');
});

test('a changed program that had ended starts again if autostart', () => {
  const w = new World([yaml('job', { oneshot: true, autorestart: false }), yaml('svc')]);
  w.sup.start();
  w.spawner.last('job').exit(0);
  w.sup.reload(model([yaml('job', { oneshot: true, autorestart: false, command: ['/bin/job2'] }), yaml('svc')]));
  assert.equal(w.spawner.of('job').length, 2);
});

test('an added program waits for its dependencies like at boot', () => {
  const w = new World([yaml('db', { ready: PROBE })]);
  w.sup.start();
  w.sup.reload(model([yaml('db', { ready: PROBE }), yaml('app', { depends_on: { db: 'ready' } })]));
  assert.equal(w.spawner.of('app').length, 0);
  w.prober.ready('db');
  assert.equal(w.spawner.of('app').length, 1);
});

test('removed, then added back while still stopping: comes back fresh', () => {
  const w = new World([yaml('a'), yaml('b')]);
  w.sup.start();
  w.sup.reload(model([yaml('a')]));
  const diff = w.sup.reload(model([yaml('a'), yaml('b')]));
  assert.deepEqual(diff.added, ['b']);
  w.spawner.last('b').exit('TERM');
  assert.equal(w.spawner.of('b').length, 2);
  assert.equal(w.state('b'), 'RUNNING');
});

test('new settings apply (shutdown_timeout)', () => {
  const w = new World([yaml('a', { stopwaitsecs: 100 })]);
  w.sup.start();
  w.sup.reload(model([yaml('a', { stopwaitsecs: 100 })], { shutdown_timeout: 2 }));
  w.sup.shutdown('SIGTERM');
  w.clock.advance(2000);
  assert.deepEqual(w.spawner.last('a').signals.map((s) => s.signal), ['TERM', 'CONT', 'KILL']);
});
