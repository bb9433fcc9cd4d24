// Control-plane commands: namespecs (name, group:name, group:*, all), supervisord's faults as
// typed values, restart, signal, and forward_signals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_CODES, displayName } from '../src/core/namespec.ts';
import { World, ini, yaml } from './support/world.ts';

const grp = (name: string, o = {}) => ini(name, { group: 'grp', startsecs: 0, ...o });

test('namespecs resolve like supervisorctl, unknown ones are BAD_NAME', () => {
  const w = new World([grp('ga', { priority: 20 }), grp('gb', { priority: 10 }), ini('solo', { autostart: false }), yaml('web:0', { group: 'web' }), yaml('web:1', { group: 'web' })], { exitWhenIdle: false });
  w.sup.start();
  assert.deepEqual(w.sup.startProcess('nosuch'), { ok: false, fault: 'BAD_NAME', message: 'BAD_NAME: nosuch' });
  assert.deepEqual(w.sup.startProcess('nosuch:*'), { ok: false, fault: 'BAD_NAME', message: 'BAD_NAME: nosuch:*' });
  assert.deepEqual(w.sup.startProcess('grp:nosuch'), { ok: false, fault: 'BAD_NAME', message: 'BAD_NAME: grp:nosuch' });
  assert.deepEqual(w.sup.startProcess('grp:ga'), { ok: false, fault: 'ALREADY_STARTED', message: 'ALREADY_STARTED: grp:ga' });
  assert.equal(w.sup.stopProcess('web:1').ok, true, 'numprocs names work as is');
  assert.equal(w.state('web:1'), 'STOPPING');
  const stopGroup = w.sup.stopProcess('grp:*');
  assert.deepEqual(stopGroup, { ok: true, scope: 'group', results: [
    { name: 'gb', group: 'grp', status: 'SUCCESS', description: 'OK' },
    { name: 'ga', group: 'grp', status: 'SUCCESS', description: 'OK' },
  ] }, 'group members in priority order');
  assert.deepEqual(w.sup.stopProcess('grp:'), { ok: true, scope: 'group', results: [] }, 'nothing running: empty list');
  // supervisord's split_namespec: `x` is process x of group x, so a bare group name and a
  // bare process name of another group are BAD_NAME.
  assert.deepEqual(w.sup.stopProcess('web'), { ok: false, fault: 'BAD_NAME', message: 'BAD_NAME: web' }, 'a bare group name');
  assert.deepEqual(w.sup.stopProcess('grp'), { ok: false, fault: 'BAD_NAME', message: 'BAD_NAME: grp' }, 'a bare group name');
  assert.deepEqual(w.sup.startProcess('ga'), { ok: false, fault: 'BAD_NAME', message: 'BAD_NAME: ga' }, 'a process of group grp by its name alone');
  assert.deepEqual(w.sup.startProcess('web:0:x'), { ok: false, fault: 'BAD_NAME', message: 'BAD_NAME: web:0:x' });
  assert.equal(w.sup.startProcess('solo').ok, true, 'a program\'s only process by its name');
  assert.equal(w.sup.startProcess('solo:solo').ok, false, 'and as solo:solo (already started)');
  assert.equal(displayName(grp('ga')), 'grp:ga');
  assert.equal(displayName(yaml('web:0', { group: 'web' })), 'web:0');
  assert.equal(FAULT_CODES.ALREADY_STARTED, 60);
  assert.equal(FAULT_CODES.SUCCESS, 80);
});

test('start all starts only what is not running, autostart=false programs included', () => {
  const w = new World([ini('a', { startsecs: 0 }), ini('b', { autostart: false, priority: 1 }), ini('c', { autostart: false })], { exitWhenIdle: false });
  w.sup.start();
  const r = w.sup.startProcess('all');
  assert.equal(r.ok, true);
  assert.deepEqual(r.ok && r.results.map((x) => x.name), ['b', 'c']);
  assert.deepEqual(w.spawner.order(), ['a', 'b', 'c']);
});

test('start of a missing command: NO_FILE, and the process stays as it was (supervisord checks first)', () => {
  const w = new World([ini('nocmd', { autostart: false }), ini('gone', { startsecs: 0 }), ini('other', { autostart: false })], { exitWhenIdle: false });
  w.sup.start();
  w.spawner.failing.set('nocmd', "can't find command 'nocmd'");
  assert.deepEqual(w.sup.startProcess('nocmd'), { ok: false, fault: 'NO_FILE', message: "NO_FILE: can't find command 'nocmd'" });
  assert.deepEqual([w.state('nocmd'), w.spawner.of('nocmd').length], ['STOPPED', 0], 'not BACKOFF: nothing was tried');
  assert.deepEqual(w.sup.restartProcess('nocmd'), { ok: false, fault: 'NO_FILE', message: "NO_FILE: can't find command 'nocmd'" });
  w.spawner.failing.set('other', { kind: 'not_executable', message: "command at '/bin/other' is not executable" });
  const all = w.sup.startProcess('all');
  assert.deepEqual(all.ok && all.results, [
    { name: 'nocmd', group: 'nocmd', status: 'NO_FILE', description: "NO_FILE: can't find command 'nocmd'" },
    { name: 'other', group: 'other', status: 'NOT_EXECUTABLE', description: "NOT_EXECUTABLE: command at '/bin/other' is not executable" },
  ], 'one result each, as startAllProcesses gives them');
  // The check comes before ALREADY_STARTED, as in supervisord's startProcess.
  w.spawner.failing.set('gone', "can't find command 'gone'");
  assert.deepEqual(w.sup.startProcess('gone'), { ok: false, fault: 'NO_FILE', message: "NO_FILE: can't find command 'gone'" });
  assert.equal(w.state('gone'), 'RUNNING');
});

test('start: SPAWN_ERROR when the spawn itself fails; an automatic start of a missing command retries', () => {
  const w = new World([ini('nodir', { autostart: false }), ini('nocmd', { startretries: 1 })], { exitWhenIdle: false });
  w.spawner.failing.set('nodir', { kind: 'bad_directory', message: "couldn't chdir to /nonexistent: ENOENT" });
  assert.deepEqual(w.sup.startProcess('nodir'), { ok: false, fault: 'SPAWN_ERROR', message: 'SPAWN_ERROR: nodir' });
  assert.equal(w.state('nodir'), 'BACKOFF');
  assert.deepEqual(w.sup.startProcess('nodir'), { ok: false, fault: 'ALREADY_STARTED', message: 'ALREADY_STARTED: nodir' });
  w.spawner.failing.set('nocmd', "can't find command 'nocmd'");
  w.sup.start();
  assert.equal(w.state('nocmd'), 'BACKOFF', 'at boot, as supervisord: BACKOFF, then FATAL');
  w.clock.advance(1000);
  assert.equal(w.state('nocmd'), 'FATAL');
});

test('stop: NOT_RUNNING when nothing runs; stop cancels a waiting restart', () => {
  const w = new World([ini('a', { autostart: false }), ini('loop', { startsecs: 0, autorestart: true })], { exitWhenIdle: false });
  w.sup.start();
  assert.deepEqual(w.sup.stopProcess('a'), { ok: false, fault: 'NOT_RUNNING', message: 'NOT_RUNNING: a' });
  w.spawner.last('loop').exit(0);
  assert.equal(w.state('loop'), 'EXITED');
  assert.equal(w.sup.stopProcess('loop').ok, true);
  w.clock.advance(5000);
  assert.equal(w.spawner.of('loop').length, 1, 'the waiting restart was cancelled');
});

test('restart: stop, then start once stopped (with the old config)', () => {
  const w = new World([ini('web', { startsecs: 0 }), ini('off', { autostart: false })], { exitWhenIdle: false });
  w.sup.start();
  assert.equal(w.sup.restartProcess('web').ok, true);
  assert.equal(w.state('web'), 'STOPPING');
  w.clock.advance(300);
  w.spawner.last('web').exit('TERM');
  assert.equal(w.state('web'), 'RUNNING');
  assert.deepEqual(w.spawnTimes('web'), [0, 300]);
  assert.equal(w.sup.restartProcess('off').ok, true, 'restart of a stopped process starts it');
  assert.equal(w.state('off'), 'STARTING');
  const all = w.sup.restartProcess('all');
  assert.deepEqual(all.ok && all.results.map((r) => r.status), ['SUCCESS', 'SUCCESS']);
});

test('start of a STOPPING process starts it again once it has stopped', () => {
  const w = new World([ini('web', { startsecs: 0 })], { exitWhenIdle: false });
  w.sup.start();
  w.sup.stopProcess('web');
  assert.equal(w.sup.startProcess('web').ok, true);
  w.spawner.last('web').exit('TERM');
  assert.equal(w.spawner.of('web').length, 2);
  assert.equal(w.sup.stopProcess('web').ok, true);
  w.sup.stopProcess('web');
  w.spawner.last('web').exit('TERM');
  assert.equal(w.state('web'), 'STOPPED', 'a later stop cancels the wish to restart');
});

test('signal: names and numbers, to the pid only; BAD_SIGNAL, NOT_RUNNING', () => {
  const w = new World([ini('web', { startsecs: 0 }), ini('off', { autostart: false })], { exitWhenIdle: false });
  w.sup.start();
  const child = w.spawner.last('web');
  assert.deepEqual(w.sup.signalProcess('web', 'BOGUS'), { ok: false, fault: 'BAD_SIGNAL', message: 'BAD_SIGNAL: BOGUS' });
  assert.deepEqual(w.sup.signalProcess('nosuch', 'HUP'), { ok: false, fault: 'BAD_NAME', message: 'BAD_NAME: nosuch' }, 'BAD_NAME is checked first');
  assert.deepEqual(w.sup.signalProcess('off', 'HUP'), { ok: false, fault: 'NOT_RUNNING', message: 'NOT_RUNNING: off' });
  for (const sig of ['HUP', 'sigusr1', 12, '10']) assert.equal(w.sup.signalProcess('web', sig).ok, true);
  assert.deepEqual(child.signals.map((s) => [s.signal, s.group]), [['HUP', false], ['USR1', false], ['USR2', false], ['USR1', false]]);
  const bad = w.sup.signalProcess('all', 'BOGUS');
  assert.deepEqual(bad, { ok: true, scope: 'all', results: [{ name: 'web', group: 'web', status: 'BAD_SIGNAL', description: 'BAD_SIGNAL: BOGUS' }] }, 'a bad signal for all: one BAD_SIGNAL per signallable process, as supervisord');
  const all = w.sup.signalProcess('all', 'TERM');
  assert.deepEqual(all.ok && all.results.map((r) => r.name), ['web'], 'only signallable processes');
  w.clock.advance(2000);
  child.exit('TERM');
  assert.equal(w.spawner.of('web').length, 2, 'a signal death is unexpected: restarted');
});

test('forwardSignal reaches the process group of programs that list it', () => {
  const w = new World([
    yaml('nginx', { forward_signals: ['HUP', 'USR1'] }),
    yaml('app', { forward_signals: ['SIGHUP'] }),
    yaml('db'),
    yaml('off', { forward_signals: ['HUP'], autostart: false }),
  ], { exitWhenIdle: false });
  w.sup.start();
  assert.deepEqual(w.sup.forwardSignal('SIGHUP'), ['nginx', 'app']);
  assert.deepEqual(w.sup.forwardSignal('USR1'), ['nginx']);
  assert.deepEqual(w.sup.forwardSignal('WINCH'), []);
  assert.deepEqual(w.spawner.last('nginx').signals.map((s) => [s.signal, s.group]), [['HUP', true], ['USR1', true]]);
  assert.deepEqual(w.spawner.last('db').signals, []);
});
