// Scheduled programs in the core, on the fake clock: one run per due time (cron and every),
// the overlap policies, the wall clock jumping forward and back, stop/start, shutdown, and
// that a waiting schedule is one timer and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Overlap, Schedule } from '../src/model/schedule.ts';
import type { ProgramSpec } from '../src/model/spec.ts';
import { World, model, yaml } from './support/world.ts';

// The fake clock starts at 2023-11-14T22:13:20.000Z.
const START = 1_700_000_000_000;

function job(o: Partial<Schedule> & { runMs?: number; spec?: Partial<ProgramSpec> } = {}): ProgramSpec {
  const { runMs: _, spec, ...s } = o;
  const schedule: Schedule = { cron: null, every: null, timezone: s.cron ? 'UTC' : null, overlap: 'skip', catch_up: false, ...s };
  return yaml('job', { oneshot: true, autorestart: false, schedule, ...spec });
}

/** A world whose job children exit 0 after runMs (a job that does its work and ends). */
function world(spec: ProgramSpec, runMs = 1000, extra: ProgramSpec[] = []): World {
  const w = new World([spec, ...extra]);
  w.spawner.onSpawn = (child) => {
    if (child.name !== 'job') return;
    w.clock.setTimer(runMs, () => child.alive && child.exit(0));
  };
  w.sup.start();
  return w;
}

/** Wall-clock seconds after START at which `job` was spawned. */
const runs = (w: World) => w.spawner.of('job').map((c) => (c.spawnedAt - START) / 1000);

test('every: 10s runs the job every 10 s, a oneshot per run, STOPPED with the next run between runs', () => {
  const w = world(job({ every: 10 }), 1500);
  assert.equal(w.state('job'), 'STOPPED');
  assert.equal(w.info('job').life, 'scheduled');
  assert.equal(w.info('job').schedule?.next, START + 10_000);
  assert.match(w.info('job').description, /^next run /);
  w.clock.advance(35_000);
  assert.deepEqual(runs(w), [10, 20, 30]);
  assert.equal(w.info('job').life, 'scheduled');
  assert.equal(w.info('job').schedule?.next, START + 40_000);
  assert.match(w.info('job').description, /last run: exit status 0 after 1\.5 s/);
  assert.equal(w.info('job').restarts, 0, 'a scheduled run is not a restart');
});

test('a cron expression with seconds runs at its due times (UTC)', () => {
  const w = world(job({ cron: '*/5 * * * * *' }), 100);
  w.clock.advance(16_000);
  assert.deepEqual(runs(w), [5, 10, 15]);
});

test('while waiting, the schedule is one timer and nothing else', () => {
  const w = world(job({ cron: '0 3 * * *' }), 100);
  assert.equal(w.clock.pending(), 1);
  w.clock.advance(60_000);
  assert.equal(w.clock.pending(), 1);
  assert.equal(w.spawner.spawns.length, 0);
});

test('overlap skip (default): a due time during a run passes; the next one runs', () => {
  const w = world(job({ every: 10 }), 15_000);
  w.clock.advance(31_000);
  assert.deepEqual(runs(w), [10, 30]);
  assert.ok(w.lines('overlap').some((l) => /skipped \(overlap: skip\)/.test(l)));
});

test('overlap queue: one owed run starts as soon as the current one ends', () => {
  const w = world(job({ every: 10, overlap: 'queue' as Overlap }), 25_000);
  w.clock.advance(36_000);
  // Due at 20 and 30 during the first run: one run owed, started at 35 when the first ended.
  assert.deepEqual(runs(w), [10, 35]);
});

test('overlap replace: the running one is stopped and a fresh run starts once it is gone', () => {
  const w = world(job({ every: 10, overlap: 'replace' as Overlap }), 15_000);
  w.spawner.onKill = (child, signal) => {
    if (signal === 'TERM') w.clock.setTimer(50, () => child.alive && child.exit('TERM'));
  };
  w.clock.advance(21_000);
  assert.deepEqual(runs(w), [10, 20.05]);
  assert.equal(w.spawner.of('job')[0]!.signals[0]?.signal, 'TERM');
});

test('the wall clock jumps forward over due times: one run, not one per due time, and the schedule goes on', () => {
  // A job that is over at once: no overlap policy can hide a second run.
  const w = world(job({ cron: '0 * * * * *', overlap: 'queue' }), 0); // every minute at :00; first due 22:14:00
  w.clock.jump(10 * 60_000); // ten minutes forward while the timer waits for 40 s
  w.clock.advance(40_000);
  assert.equal(runs(w).length, 1, 'the due time jumped over runs once');
  // Now 22:24:00 on the wall: the next due time is 22:25:00, a minute away.
  assert.equal(w.info('job').schedule?.next, START + 10 * 60_000 + 100_000);
  w.clock.advance(59_999);
  assert.equal(runs(w).length, 1);
  w.clock.advance(1);
  assert.equal(runs(w).length, 2);
});

test('the wall clock set back after a run: that due time does not run again', () => {
  const w = world(job({ cron: '0 * * * * *' }), 100);
  w.clock.advance(40_000); // 22:14:00: the first run
  assert.equal(runs(w).length, 1);
  w.clock.advance(10_000);
  w.clock.jump(-30_000); // the wall clock says 22:13:40 again
  w.clock.advance(60_000); // up to 22:14:40 on the wall: 22:14:00 passes a second time
  assert.equal(runs(w).length, 1, 'not doubled');
  w.clock.advance(20_000); // 22:15:00
  assert.equal(runs(w).length, 2, 'not lost');
});

test('the wall clock set back before a due time: the run comes at its wall-clock time, not early', () => {
  const w = world(job({ cron: '0 * * * * *' }), 100);
  w.clock.advance(10_000); // 22:13:30, due 22:14:00
  w.clock.jump(-60_000); // 22:12:30
  w.clock.advance(30_000); // the timer fires, at 22:13:00 on the wall: early
  assert.equal(runs(w).length, 0);
  w.clock.advance(59_999);
  assert.equal(runs(w).length, 0);
  w.clock.advance(1);
  assert.equal(runs(w).length, 1);
  assert.equal(new Date(w.spawner.last('job').spawnedAt).toISOString(), '2023-11-14T22:14:00.000Z', 'at its time on the (set back) wall clock');
});

test('a clock set back by more than three hours is taken as a new time (cron\'s rule)', () => {
  const w = world(job({ cron: '0 * * * * *' }), 100);
  w.clock.advance(40_000); // ran at 22:14:00
  w.clock.jump(-4 * 3600_000); // 18:14:00
  w.clock.advance(60_000); // the timer fires at 18:15:00, four hours early: follow the new time
  assert.equal(w.info('job').schedule?.next, START - 4 * 3600_000 + 160_000);
  w.clock.advance(60_000);
  assert.equal(runs(w).length, 2);
});

test('every counts elapsed time: wall-clock jumps do not move it', () => {
  const w = world(job({ every: 10 }), 100);
  w.clock.jump(3600_000);
  w.clock.advance(10_000);
  w.clock.jump(-7200_000);
  w.clock.advance(10_000);
  assert.equal(runs(w).length, 2);
});

test('stop ends the schedule (STOPPED, no timer); start runs now and resumes it', () => {
  const w = world(job({ every: 10 }), 100);
  assert.equal(w.sup.stopProcess('job').ok, true);
  assert.equal(w.info('job').life, 'stopped');
  assert.equal(w.clock.pending(), 0);
  w.clock.advance(60_000);
  assert.equal(runs(w).length, 0);
  assert.equal(w.sup.startProcess('job').ok, true);
  assert.deepEqual(runs(w), [60]);
  w.clock.advance(10_000);
  assert.deepEqual(runs(w), [60, 70]);
});

test('stop during a run stops the run and the schedule', () => {
  const w = world(job({ every: 10 }), 5000);
  w.spawner.onKill = (child) => w.clock.setTimer(5, () => child.alive && child.exit('TERM'));
  w.clock.advance(11_000);
  w.sup.stopProcess('job');
  w.clock.advance(60_000);
  assert.deepEqual(runs(w), [10]);
  assert.equal(w.info('job').life, 'stopped');
  assert.equal(w.clock.pending(), 0);
});

test('catch_up runs once when the schedule starts', () => {
  const w = world(job({ every: 60, catch_up: true }), 100);
  assert.deepEqual(runs(w), [0]);
  w.clock.advance(60_000);
  assert.deepEqual(runs(w), [0, 60]);
});

test('a run that cannot be spawned waits for the next due time; a spawn error no retry fixes is FATAL', () => {
  const w = world(job({ every: 10 }), 100);
  w.spawner.failing.set('job', "can't find command 'job'");
  w.clock.advance(10_000);
  assert.equal(w.info('job').life, 'scheduled');
  assert.match(w.info('job').description, /last run: can't find command/);
  w.spawner.failing.delete('job');
  w.clock.advance(10_000);
  assert.equal(runs(w).length, 1);
  w.spawner.failing.set('job', { kind: 'bad_user', message: "couldn't find user 'nobody2'" });
  w.clock.advance(10_000);
  assert.equal(w.state('job'), 'FATAL');
  assert.equal(w.clock.pending(), 0);
});

test('a failed run is not restarted: the next due time runs it', () => {
  const w = world(job({ every: 10 }), 100);
  w.spawner.onSpawn = (child) => w.clock.setTimer(100, () => child.alive && child.exit(3));
  w.clock.advance(25_000);
  assert.deepEqual(runs(w), [10, 20]);
  assert.match(w.info('job').description, /last run: exit status 3/);
});

test('no run during shutdown, and pidone does not end idle while a schedule waits', () => {
  const w = world(job({ every: 10 }), 100, [yaml('once', { oneshot: true, autorestart: false })]);
  w.spawner.last('once').exit(0);
  w.clock.advance(25_000);
  assert.equal(w.finished(), undefined, 'a schedule keeps pidone running');
  w.sup.shutdown('test');
  assert.equal(w.info('job').life, 'stopped');
  w.clock.advance(60_000);
  assert.deepEqual(runs(w), [10, 20]);
  assert.equal(w.finished()?.exitCode, 0);
});

test('a reload that changes the schedule starts it afresh; an unchanged one keeps its due time', () => {
  const w = world(job({ every: 10 }), 100);
  w.clock.advance(5000);
  w.sup.reload(model([job({ every: 10 })]));
  w.clock.advance(6000);
  assert.deepEqual(runs(w), [10]);
  w.sup.reload(model([job({ every: 30 })]));
  w.clock.advance(29_999);
  assert.deepEqual(runs(w), [10]);
  w.clock.advance(1);
  assert.deepEqual(runs(w), [10, 41]);
});
