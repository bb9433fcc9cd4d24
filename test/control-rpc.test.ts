// /RPC2 against a supervisor in a fake world: supervisord's method list and signatures,
// structs, faults, wait semantics, multicall, the reread/add/remove group flow, log reads.
import { strict as assert } from 'node:assert';
import { afterEach, test } from 'node:test';
import type { RpcValue } from '../src/control/xmlrpc.ts';
import { type Harness, http, rpc, rpcFaultOf, startHarness } from './support/control.ts';
import { ini, model } from './support/world.ts';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});
const tick = () => new Promise((r) => setImmediate(r));

// system.listMethods and system.methodSignature of supervisord 4.2.5 (verified against it).
const SIGNATURES: Record<string, string[]> = {
  'supervisor.addProcessGroup': ['boolean', 'string'], 'supervisor.clearAllProcessLogs': ['array'],
  'supervisor.clearLog': ['boolean'], 'supervisor.clearProcessLog': ['boolean', 'string'],
  'supervisor.clearProcessLogs': ['boolean', 'string'], 'supervisor.getAPIVersion': ['string'],
  'supervisor.getAllConfigInfo': ['array'], 'supervisor.getAllProcessInfo': ['array'],
  'supervisor.getIdentification': ['string'], 'supervisor.getPID': ['int'],
  'supervisor.getProcessInfo': ['struct', 'string'], 'supervisor.getState': ['struct'],
  'supervisor.getSupervisorVersion': ['string'], 'supervisor.getVersion': ['string'],
  'supervisor.readLog': ['string', 'int', 'int'], 'supervisor.readMainLog': ['string', 'int', 'int'],
  'supervisor.readProcessLog': ['string', 'string', 'int', 'int'], 'supervisor.readProcessStderrLog': ['string', 'string', 'int', 'int'],
  'supervisor.readProcessStdoutLog': ['string', 'string', 'int', 'int'], 'supervisor.reloadConfig': ['array'],
  'supervisor.removeProcessGroup': ['boolean', 'string'], 'supervisor.restart': ['boolean'],
  'supervisor.sendProcessStdin': ['boolean', 'string', 'string'], 'supervisor.sendRemoteCommEvent': ['boolean', 'string', 'string'],
  'supervisor.shutdown': ['boolean'], 'supervisor.signalAllProcesses': ['array', 'string'],
  'supervisor.signalProcess': ['boolean', 'string', 'string'], 'supervisor.signalProcessGroup': ['array', 'string', 'string'],
  'supervisor.startAllProcesses': ['array', 'boolean'], 'supervisor.startProcess': ['boolean', 'string', 'boolean'],
  'supervisor.startProcessGroup': ['array', 'string', 'boolean'], 'supervisor.stopAllProcesses': ['array', 'boolean'],
  'supervisor.stopProcess': ['boolean', 'string', 'boolean'], 'supervisor.stopProcessGroup': ['array', 'string', 'boolean'],
  'supervisor.tailProcessLog': ['array', 'string', 'int', 'int'], 'supervisor.tailProcessStderrLog': ['array', 'string', 'int', 'int'],
  'supervisor.tailProcessStdoutLog': ['array', 'string', 'int', 'int'], 'system.listMethods': ['array'],
  'system.methodHelp': ['string', 'string'], 'system.methodSignature': ['array', 'string'], 'system.multicall': ['array', 'array'],
};

test('lists the 41 methods of supervisord with their signatures', async () => {
  h = await startHarness([ini('web')]);
  const names = await rpc(h.socket, 'system.listMethods');
  assert.deepEqual(names, Object.keys(SIGNATURES).sort());
  for (const [name, sig] of Object.entries(SIGNATURES)) assert.deepEqual(await rpc(h.socket, 'system.methodSignature', name), sig, name);
  assert.match(String(await rpc(h.socket, 'system.methodHelp', 'supervisor.startProcess')), /Start a process/);
  assert.equal((await rpcFaultOf(h.socket, 'system.methodHelp', 'supervisor.nope')).message, 'SIGNATURE_UNSUPPORTED');
  assert.equal(await rpc(h.socket, 'supervisor.getAPIVersion'), '3.0');
  assert.equal(await rpc(h.socket, 'supervisor.getPID'), 4242);
  assert.deepEqual({ ...(await rpc(h.socket, 'supervisor.getState') as object) }, { statecode: 1, statename: 'RUNNING' });
});

test('unknown methods, private names and wrong arguments are faults, not errors', async () => {
  h = await startHarness([ini('web')]);
  for (const m of ['supervisor.nope', 'supervisor._update', 'nodots', 'a.b.c', 'supervisor.__init__', 'constructor.name', 'supervisor.hasOwnProperty']) {
    const f = await rpcFaultOf(h.socket, m);
    assert.deepEqual([f.code, f.message], [1, 'UNKNOWN_METHOD'], m);
  }
  for (const [m, args] of [['supervisor.getState', [1, 2]], ['supervisor.startProcess', [123]], ['supervisor.readLog', ['x', 0]],
    ['supervisor.getProcessInfo', []], ['supervisor.signalProcess', ['web', [1]]], ['system.multicall', ['x']]] as const) {
    const f = await rpcFaultOf(h.socket, m, ...(args as unknown as RpcValue[]));
    assert.deepEqual([f.code, f.message], [2, 'INCORRECT_PARAMETERS'], m);
  }
});

test('getProcessInfo and getAllProcessInfo carry supervisord\'s struct, sorted by group and name', async () => {
  h = await startHarness([ini('web', { startsecs: 0 }), ini('gb', { group: 'grp' }), ini('ga', { group: 'grp', autostart: false })]);
  const all = await rpc(h.socket, 'supervisor.getAllProcessInfo') as Record<string, unknown>[];
  assert.deepEqual(all.map((p) => `${p.group}:${p.name}`), ['grp:ga', 'grp:gb', 'web:web']);
  const web = all[2]!;
  assert.deepEqual(Object.keys(web), ['name', 'group', 'start', 'stop', 'now', 'state', 'statename', 'spawnerr', 'exitstatus',
    'logfile', 'stdout_logfile', 'stderr_logfile', 'pid', 'description']);
  assert.equal(web.statename, 'RUNNING');
  assert.equal(web.state, 20);
  assert.match(String(web.description), /^pid 100, uptime 0:00:00$/);
  assert.equal(all[0]!.description, 'Not started');
  assert.equal((await rpc(h.socket, 'supervisor.getProcessInfo', 'grp:gb') as Record<string, unknown>).statename, 'STARTING');
  for (const bad of ['nosuch', 'grp:*', 'grp', 'grp:nosuch']) assert.equal((await rpcFaultOf(h.socket, 'supervisor.getProcessInfo', bad)).message, `BAD_NAME: ${bad}`);
});

test('startProcess waits for RUNNING; a start that fails early is SPAWN_ERROR; stop waits until stopped', async () => {
  h = await startHarness([ini('web', { autostart: false, startsecs: 2 }), ini('flaky', { autostart: false, startsecs: 2 })]);
  const w = h.world;
  let done = false;
  const started = rpc(h.socket, 'supervisor.startProcess', 'web').then((v) => ((done = true), v));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(done, false, 'answered before RUNNING');
  w.clock.advance(2001);
  assert.equal(await started, true);

  const failed = rpcFaultOf(h.socket, 'supervisor.startProcess', 'flaky');
  await new Promise((r) => setTimeout(r, 50));
  w.spawner.last('flaky').exit(1);
  assert.equal((await failed).message, 'SPAWN_ERROR: flaky');

  assert.equal((await rpcFaultOf(h.socket, 'supervisor.startProcess', 'web')).message, 'ALREADY_STARTED: web');
  w.spawner.onKill = (child, sig) => sig === 'TERM' && setTimeout(() => child.exit('TERM'), 20);
  assert.equal(await rpc(h.socket, 'supervisor.stopProcess', 'web'), true);
  assert.equal(w.state('web'), 'STOPPED');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.stopProcess', 'web')).message, 'NOT_RUNNING: web');
  assert.equal(await rpc(h.socket, 'supervisor.startProcess', 'web', false), true, 'wait=false answers at once');
  assert.equal(w.state('web'), 'STARTING');
});

test('a missing command is NO_FILE, as supervisord checks before spawning', async () => {
  h = await startHarness([ini('ghost', { autostart: false })]);
  h.world.spawner.failing.set('ghost', "can't find command '/nonexistent'");
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.startProcess', 'ghost')).message, "NO_FILE: can't find command '/nonexistent'");
});

test('group and all methods answer result structs; signals go to running processes', async () => {
  h = await startHarness([ini('ga', { group: 'grp', startsecs: 0 }), ini('gb', { group: 'grp', startsecs: 0, autostart: false }), ini('solo', { startsecs: 0 })]);
  const results = await rpc(h.socket, 'supervisor.startProcessGroup', 'grp') as Record<string, unknown>[];
  assert.deepEqual(JSON.parse(JSON.stringify(results)), [{ name: 'gb', group: 'grp', status: 80, description: 'OK' }]);
  assert.deepEqual(await rpc(h.socket, 'supervisor.startProcessGroup', 'grp'), [], 'running processes are left out');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.startProcessGroup', 'nosuch')).message, 'BAD_NAME: nosuch');
  const sig = await rpc(h.socket, 'supervisor.signalAllProcesses', 'HUP') as Record<string, unknown>[];
  assert.equal(sig.length, 3);
  assert.deepEqual(h.world.spawner.last('solo').signals.map((s) => s.signal), ['HUP']);
  assert.equal(await rpc(h.socket, 'supervisor.signalProcess', 'solo', 10), true, 'a number is a signal too');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.signalProcess', 'solo', 'BOGUS')).message, 'BAD_SIGNAL: BOGUS');
  h.world.spawner.onKill = (child, s) => s === 'TERM' && child.exit('TERM');
  const stopped = await rpc(h.socket, 'supervisor.stopAllProcesses') as Record<string, unknown>[];
  assert.deepEqual(stopped.map((r) => r.status), [80, 80, 80]);
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.signalProcess', 'solo', 'HUP')).message, 'NOT_RUNNING: solo');
});

test('multicall runs calls in order with plain results and fault structs', async () => {
  h = await startHarness([ini('web')]);
  const r = await rpc(h.socket, 'system.multicall', [
    { methodName: 'supervisor.getPID', params: [] },
    { methodName: 'supervisor.nope' },
    { methodName: 'supervisor.getProcessInfo', params: ['nosuch'] },
    { methodName: 'system.multicall', params: [[]] },
    { params: [] },
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), [
    4242,
    { faultCode: 1, faultString: 'UNKNOWN_METHOD' },
    { faultCode: 10, faultString: 'BAD_NAME: nosuch' },
    { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden' },
    { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: No methodName' },
  ]);
});

test('reloadConfig, removeProcessGroup and addProcessGroup move whole groups (supervisorctl update)', async () => {
  const old = [ini('keep', { startsecs: 0 }), ini('gone', { startsecs: 0 })];
  h = await startHarness(old);
  h.setFile(model([ini('keep', { startsecs: 0 }), ini('fresh', { startsecs: 0 })]));
  assert.deepEqual(await rpc(h.socket, 'supervisor.reloadConfig'), [[['fresh'], [], ['gone']]]);
  const avail = await rpc(h.socket, 'supervisor.getAllConfigInfo') as Record<string, unknown>[];
  assert.deepEqual(avail.map((c) => [c.name, c.inuse]), [['fresh', false], ['keep', true]]);
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.removeProcessGroup', 'gone')).message, 'STILL_RUNNING: gone');
  h.world.spawner.onKill = (child) => child.exit('TERM');
  await rpc(h.socket, 'supervisor.stopProcessGroup', 'gone');
  assert.equal(await rpc(h.socket, 'supervisor.removeProcessGroup', 'gone'), true);
  assert.equal(await rpc(h.socket, 'supervisor.addProcessGroup', 'fresh'), true);
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.addProcessGroup', 'fresh')).message, 'ALREADY_ADDED: fresh');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.addProcessGroup', 'nosuch')).message, 'BAD_NAME: nosuch');
  await tick();
  assert.deepEqual(h.world.sup.snapshot().map((p) => `${p.name} ${p.statename}`).sort(), ['fresh RUNNING', 'keep RUNNING']);
  h.setFile(['pidone.yaml:3: programs.x.command: required']);
  const f = await rpcFaultOf(h.socket, 'supervisor.reloadConfig');
  assert.deepEqual([f.code, f.message], [92, 'CANT_REREAD: pidone.yaml:3: programs.x.command: required']);
});

test('log reads follow supervisord\'s offset rules; clear hides what was written', async () => {
  h = await startHarness([ini('web', { startsecs: 0 })]);
  h.sink.write('web', 'stdout', 'hello\nworld\n');
  const read = (o: number, l: number) => rpc(h!.socket, 'supervisor.readProcessStdoutLog', 'web', o, l);
  assert.equal(await read(0, 0), 'hello\nworld\n');
  assert.equal(await read(-6, 0), 'world\n');
  assert.equal(await read(6, 3), 'wor');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.readProcessStdoutLog', 'web', -1, 1)).message, 'BAD_ARGUMENTS');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.readProcessStdoutLog', 'nosuch', 0, 0)).message, 'BAD_NAME: nosuch');
  assert.deepEqual(await rpc(h.socket, 'supervisor.tailProcessStdoutLog', 'web', 0, 6), ['world\n', 12, true]);
  assert.deepEqual(await rpc(h.socket, 'supervisor.tailProcessStdoutLog', 'web', 12, 100), ['', 12, false]);
  h.sink.write('web', 'stdout', 'more\n');
  // tailFile reads the last `length` bytes when fewer than offset+length exist, old ones too.
  assert.deepEqual(await rpc(h.socket, 'supervisor.tailProcessStdoutLog', 'web', 12, 100), ['hello\nworld\nmore\n', 17, false]);
  assert.deepEqual(await rpc(h.socket, 'supervisor.tailProcessStdoutLog', 'web', 12, 5), ['more\n', 17, false]);
  assert.equal(await rpc(h.socket, 'supervisor.clearProcessLogs', 'web'), true);
  assert.equal(await read(0, 0), '');
  h.sink.write('web', 'stdout', 'after\n');
  assert.equal(await read(-1600, 0), 'after\n');
  h.sink.event('info', 'main log line');
  assert.match(String(await rpc(h.socket, 'supervisor.readLog', -100, 0)), /main log line/);
});

test('sendProcessStdin says why it cannot work; sendRemoteCommEvent is accepted', async () => {
  h = await startHarness([ini('web', { startsecs: 0 }), ini('idle', { autostart: false })]);
  assert.match((await rpcFaultOf(h.socket, 'supervisor.sendProcessStdin', 'web', 'x\n')).message, /^NO_FILE: web \(its stdin is \/dev\/null; YAML: set stdin: pipe\)$/);
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.sendProcessStdin', 'idle', 'x')).message, 'NOT_RUNNING: idle');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.sendProcessStdin', 'web', 5)).message, 'INCORRECT_PARAMETERS');
  assert.equal(await rpc(h.socket, 'supervisor.sendRemoteCommEvent', 'type', 'data'), true);
});

test('during shutdown supervisor.* answers SHUTDOWN_STATE and the JSON API 503', async () => {
  h = await startHarness([ini('web', { startsecs: 0 })]);
  assert.equal(await rpc(h.socket, 'supervisor.shutdown'), true);
  await tick();
  assert.equal(h.world.sup.phase, 'stopping');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.getAllProcessInfo')).message, 'SHUTDOWN_STATE');
  assert.equal((await rpcFaultOf(h.socket, 'supervisor.startProcess', 'web')).code, 6);
  assert.ok(Array.isArray(await rpc(h.socket, 'system.listMethods')));
  const r = await http(h.socket, 'POST', '/api/programs/web/start');
  assert.equal(r.status, 503);
  assert.deepEqual(JSON.parse(r.body), { error: 'pidone is shutting down', fault: 'SHUTDOWN_STATE' });
  assert.equal((await http(h.socket, 'GET', '/readyz')).status, 503);
  assert.equal((await http(h.socket, 'GET', '/healthz')).status, 200);
});
