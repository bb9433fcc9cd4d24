// Fifty programs through a whole life in the fake world: dependency waves up, reverse order
// down, nothing left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProgramSpec } from '../src/model/spec.ts';
import { World, ini } from './support/world.ts';

test('50 programs: start in waves, stop in reverse order, finish 0 with no timer left', () => {
  const programs: ProgramSpec[] = [];
  for (let i = 0; i < 10; i++) programs.push(ini(`base${i}`, { priority: 100 + i }));
  for (let i = 0; i < 40; i++) programs.push(ini(`app${i}`, { depends_on: { [`base${i % 10}`]: 'ready' }, startsecs: 0 }));
  const w = new World(programs);
  const started = Date.now();
  w.sup.start();
  assert.equal(w.spawner.spawns.length, 10, 'the first wave at once');
  assert.deepEqual(w.spawner.order(), programs.slice(0, 10).map((p) => p.name), 'in priority order');
  w.clock.advance(1001);
  assert.equal(w.spawner.spawns.length, 50);
  assert.ok(w.sup.snapshot().every((p) => p.statename === 'RUNNING'));

  w.spawner.onKill = (c, sig) => c.exit(sig);
  w.sup.shutdown('SIGTERM');
  const order = w.events.flatMap((e) => (e.type === 'stopping' ? [e.name] : []));
  assert.equal(order.length, 50);
  for (let i = 0; i < 40; i++) {
    assert.ok(order.indexOf(`app${i}`) < order.indexOf(`base${i % 10}`), `app${i} stops before base${i % 10}`);
  }
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 0, reason: 'SIGTERM' });
  assert.ok(w.sup.snapshot().every((p) => p.statename === 'STOPPED'));
  assert.equal(w.clock.pending(), 0);
  assert.ok(Date.now() - started < 1000, 'cheap');
});
