// Orderly shutdown (reverse dependency order, priority, deadline), critical programs, and the
// exit code pidone ends with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROBE, World, ini, model, yaml } from './support/world.ts';

const TERMed = (w: World) => w.spawner.spawns.filter((c) => c.signals.some((s) => s.signal === 'TERM')).map((c) => c.name);

test('shutdown stops dependents before their dependencies, a wave in parallel, then finishes 0', () => {
  const w = new World([
    yaml('db'),
    yaml('api', { depends_on: { db: 'started' } }),
    yaml('worker', { depends_on: { db: 'started' } }),
    yaml('web', { depends_on: { api: 'started' } }),
  ]);
  w.sup.start();
  w.spawner.onKill = null;
  w.sup.shutdown('received SIGTERM');
  assert.equal(w.sup.phase, 'stopping');
  assert.deepEqual(TERMed(w), ['worker', 'web'], 'the leaves first, together');
  w.spawner.last('web').exit('TERM');
  assert.deepEqual(TERMed(w), ['api', 'worker', 'web']);
  w.spawner.last('api').exit(0);
  assert.deepEqual(TERMed(w), ['api', 'worker', 'web'], 'db waits for worker too');
  w.spawner.last('worker').exit('TERM');
  assert.deepEqual(TERMed(w), ['db', 'api', 'worker', 'web']);
  assert.equal(w.finished(), undefined);
  w.spawner.last('db').exit(0);
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 0, reason: 'received SIGTERM' });
  assert.equal(w.sup.phase, 'finished');
  assert.ok(w.lines().includes('shutting down: received SIGTERM'));
  assert.equal(w.clock.pending(), 0, 'the deadline timer is cancelled');
});

test('shutdown order holds through a finished oneshot: web -> migrate (done) -> redis stops web first', () => {
  const w = new World([
    yaml('redis'),
    yaml('migrate', { oneshot: true, autorestart: false, depends_on: { redis: 'started' } }),
    yaml('web', { depends_on: { migrate: 'completed_successfully' } }),
  ]);
  w.sup.start();
  w.spawner.last('migrate').exit(0);
  assert.equal(w.state('web'), 'RUNNING');
  w.spawner.onKill = null;
  w.sup.shutdown('received SIGTERM');
  assert.deepEqual(TERMed(w), ['web'], 'redis waits for web, though migrate in between has ended');
  w.spawner.last('web').exit('TERM');
  assert.deepEqual(TERMed(w), ['redis', 'web']);
});

test('INI priorities: higher priority numbers stop first, one level at a time', () => {
  const w = new World([ini('low', { priority: 10 }), ini('mid1', { priority: 500 }), ini('mid2', { priority: 500 }), ini('high', { priority: 900 })]);
  w.sup.start();
  w.clock.advance(2000);
  w.spawner.onKill = (c, sig) => sig === 'TERM' && c.name !== 'mid2' && c.exit('TERM');
  w.sup.shutdown('SIGTERM');
  const stopping = () => w.events.flatMap((e) => (e.type === 'stopping' ? [e.name] : []));
  assert.deepEqual(stopping(), ['high', 'mid1', 'mid2']);
  assert.equal(w.state('low'), 'RUNNING', 'waits for mid2');
  w.spawner.last('mid2').exit(0);
  assert.deepEqual(stopping(), ['high', 'mid1', 'mid2', 'low']);
  assert.equal(w.state('low'), 'STOPPED');
  assert.equal(w.finished()?.exitCode, 0);
});

test('a priority that contradicts depends_on cannot deadlock: dependencies win', () => {
  const w = new World([ini('db', { priority: 999 }), ini('app', { priority: 1, depends_on: { db: 'started' } })]);
  w.sup.start();
  w.spawner.onKill = (c, sig) => c.exit(sig);
  w.sup.shutdown('bye');
  assert.deepEqual(w.events.filter((e) => e.type === 'stopping').map((e) => e.type === 'stopping' && e.name), ['app', 'db']);
  assert.equal(w.finished()?.exitCode, 0);
});

test('shutdown: BACKOFF → STOPPED at once, waiting restarts and pending starts are dropped', () => {
  const w = new World([ini('quick'), ini('loop', { startsecs: 0, autorestart: true }), yaml('late', { depends_on: { quick: 'ready' } })]);
  w.sup.start();
  w.spawner.last('quick').exit(1);
  w.spawner.last('loop').exit(0);
  assert.equal(w.state('quick'), 'BACKOFF');
  assert.equal(w.state('loop'), 'EXITED');
  w.sup.shutdown('SIGINT');
  assert.equal(w.state('quick'), 'STOPPED');
  assert.equal(w.state('loop'), 'EXITED');
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 0, reason: 'SIGINT' });
  w.clock.advance(60_000);
  assert.equal(w.spawner.spawns.length, 2, 'nothing spawns during or after shutdown');
});

test('a process that exits on its own while waiting its turn is not restarted', () => {
  const w = new World([yaml('db'), yaml('app', { depends_on: { db: 'started' }, autorestart: true })]);
  w.sup.start();
  w.sup.shutdown('SIGTERM');
  w.spawner.last('db').exit(1);
  assert.equal(w.state('db'), 'EXITED');
  w.spawner.last('app').exit('TERM');
  assert.equal(w.spawner.spawns.length, 2);
  assert.equal(w.finished()?.exitCode, 0);
});

test('stopwaitsecs SIGKILL during shutdown makes the exit code 1', () => {
  const w = new World([ini('stubborn', { stopwaitsecs: 2 }), ini('ok')]);
  w.sup.start();
  w.spawner.onKill = (c, sig) => (c.name === 'ok' || sig === 'KILL') && c.exit(sig);
  w.sup.shutdown('SIGTERM');
  w.clock.advance(2000);
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 1, reason: 'SIGTERM; had to SIGKILL stubborn' });
});

test('shutdown_timeout: everything still alive gets SIGKILL to its group at the deadline', () => {
  const m = model([ini('db', { stopwaitsecs: 100 }), ini('app', { stopwaitsecs: 100, depends_on: { db: 'started' } })], { shutdown_timeout: 5 });
  const w = new World(m);
  w.sup.start();
  w.spawner.onKill = (c, sig) => sig === 'KILL' && c.exit('KILL');
  w.sup.shutdown('SIGTERM');
  w.clock.advance(4999);
  assert.equal(w.state('app'), 'STOPPING');
  assert.equal(w.state('db'), 'RUNNING', 'waits for app; STARTING → RUNNING goes on during shutdown');
  w.clock.advance(1);
  const kills = w.spawner.spawns.map((c) => [c.name, c.signals.filter((s) => s.signal === 'KILL').map((s) => s.group)]);
  assert.deepEqual(kills, [['db', [true]], ['app', [true]]]);
  assert.equal(w.finished()?.exitCode, 1);
  assert.match(w.finished()?.reason ?? '', /had to SIGKILL/);
});

test('a child that survives SIGKILL does not hang pidone: finished 5 s after the deadline', () => {
  const w = new World(model([ini('zombie', { stopwaitsecs: 100 })], { shutdown_timeout: 1 }));
  w.sup.start();
  w.sup.shutdown('SIGTERM');
  w.clock.advance(1000);
  assert.equal(w.finished(), undefined);
  w.clock.advance(5000);
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 1, reason: 'SIGTERM; had to SIGKILL zombie; still alive after SIGKILL: zombie' });
});

test('critical program exits: pidone shuts down with its exit code', () => {
  const w = new World([yaml('web', { critical: true, autorestart: false }), yaml('side')]);
  w.sup.start();
  w.spawner.onKill = (c, sig) => c.exit(sig);
  w.spawner.last('web').exit(3);
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 3, reason: 'critical program web exited 3' });
  assert.equal(w.state('side'), 'STOPPED');
  assert.ok(w.lines().includes('shutting down: critical program web exited 3'));
});

test('critical program killed by a signal: 128 + signal number', () => {
  const w = new World([yaml('web', { critical: true, autorestart: false })]);
  w.sup.start();
  w.spawner.last('web').exit('SEGV');
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 139, reason: 'critical program web was terminated by SIGSEGV' });
});

test('a critical program that will restart does not end pidone', () => {
  const w = new World([yaml('web', { critical: true, autorestart: true })]);
  w.sup.start();
  w.spawner.last('web').exit(3);
  assert.equal(w.finished(), undefined);
  assert.equal(w.state('web'), 'BACKOFF');
});

test('critical FATAL: 127 for a spawn error, last code for exits (never 0), 1 for a failed probe', () => {
  const spawnErr = new World([ini('web', { critical: true, startretries: 0 })]);
  spawnErr.spawner.failing.set('web', "can't find command '/srv/web'");
  spawnErr.sup.start();
  assert.deepEqual(spawnErr.finished(), { type: 'finished', exitCode: 127, reason: "critical program web entered FATAL state: too many start retries too quickly" });

  const notExec = new World([yaml('web', { critical: true, autorestart: false })]);
  notExec.spawner.failing.set('web', { kind: 'not_executable', message: "command at '/srv/web' is not executable", errno: 'EACCES' });
  notExec.sup.start();
  assert.equal(notExec.finished()?.exitCode, 126);

  const quick = new World([ini('web', { critical: true, startretries: 0 })]);
  quick.sup.start();
  quick.spawner.last('web').exit(0);
  assert.equal(quick.finished()?.exitCode, 1);

  const quick5 = new World([ini('web', { critical: true, startretries: 0 })]);
  quick5.sup.start();
  quick5.spawner.last('web').exit(5);
  assert.equal(quick5.finished()?.exitCode, 5);

  const probe = new World([yaml('web', { critical: true, ready: PROBE })]);
  probe.sup.start();
  probe.spawner.onKill = (c, sig) => c.exit(sig);
  probe.prober.fail('web', 'timeout');
  assert.deepEqual(probe.finished(), { type: 'finished', exitCode: 1, reason: 'critical program web entered FATAL state: readiness probe failed: timeout' });
});

test('a critical oneshot that succeeds ends pidone with 0 (process-compose exit_on_end)', () => {
  const w = new World([yaml('tests', { critical: true, oneshot: true, autorestart: false }), yaml('db')]);
  w.sup.start();
  w.spawner.onKill = (c, sig) => c.exit(sig);
  w.spawner.last('tests').exit(0);
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 0, reason: 'critical program tests exited 0' });
});

test('idle: every program ended on its own → finished, 0 if all as expected, else 1', () => {
  const ok = new World([yaml('a', { oneshot: true, autorestart: false }), yaml('b', { autorestart: false })]);
  ok.sup.start();
  ok.spawner.last('a').exit(0);
  assert.equal(ok.finished(), undefined);
  ok.spawner.last('b').exit(0);
  assert.deepEqual(ok.finished(), { type: 'finished', exitCode: 0, reason: 'every program has ended' });

  const bad = new World([yaml('a', { oneshot: true, autorestart: false }), yaml('b', { depends_on: { a: 'completed_successfully' } })]);
  bad.sup.start();
  bad.spawner.last('a').exit(4);
  assert.deepEqual(bad.finished(), { type: 'finished', exitCode: 1, reason: 'every program has ended; failed: a exit status 4, b never started' });
});

test('idle exit can be turned off, and never happens while something waits for a person', () => {
  const off = new World([yaml('a', { autorestart: false })], { exitWhenIdle: false });
  off.sup.start();
  off.spawner.last('a').exit(0);
  assert.equal(off.finished(), undefined);

  const manual = new World([yaml('a', { autorestart: false }), yaml('tool', { autostart: false })]);
  manual.sup.start();
  manual.spawner.last('a').exit(0);
  assert.equal(manual.finished(), undefined);

  const stopped = new World([yaml('a', { autorestart: false }), yaml('b')]);
  stopped.sup.start();
  stopped.spawner.onKill = (c, sig) => c.exit(sig);
  stopped.sup.stopProcess('b');
  stopped.spawner.last('a').exit(0);
  assert.equal(stopped.finished(), undefined, 'b was stopped by hand');
});

test('commands during shutdown answer SHUTDOWN_STATE; shutdown twice keeps the first reason', () => {
  const w = new World([yaml('a')]);
  w.sup.start();
  w.sup.shutdown('first');
  w.sup.shutdown('second');
  assert.deepEqual(w.sup.startProcess('a'), { ok: false, fault: 'SHUTDOWN_STATE', message: 'SHUTDOWN_STATE' });
  assert.deepEqual(w.sup.reload(model([yaml('b')])), { added: [], removed: [], changed: [] });
  w.spawner.last('a').exit('TERM');
  assert.equal(w.finished()?.reason, 'first');
});

test('a report listener may call back into the supervisor (shutdown on fatal)', () => {
  const w = new World([yaml('a', { autorestart: false }), yaml('b', { max_restarts: 0, autorestart: true })], {
    onEvent: (e, world) => e.type === 'fatal' && world.sup.shutdown(`${e.name} is FATAL`),
  });
  w.sup.start();
  w.spawner.onKill = (c, sig) => c.exit(sig);
  w.spawner.last('b').exit(1);
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 0, reason: 'b is FATAL' });
});

test('shutdown before start finishes at once', () => {
  const w = new World([yaml('a')]);
  w.sup.shutdown('nothing to do');
  assert.deepEqual(w.finished(), { type: 'finished', exitCode: 0, reason: 'nothing to do' });
  assert.equal(w.spawner.spawns.length, 0);
});
