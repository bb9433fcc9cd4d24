// The JSON API, /readyz and /metrics against a fake world: program views and health,
// commands with their results and faults, logs (also followed), reload, the event stream.
import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { afterEach, test } from 'node:test';
import type { ProgramsResponse } from '../src/control/protocol.ts';
import { type Harness, http, startHarness } from './support/control.ts';
import { PROBE, ini, model, yaml } from './support/world.ts';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});
const json = async (method: string, path: string, body?: unknown) => {
  const r = await http(h!.socket, method, path, body === undefined ? undefined : JSON.stringify(body));
  return { status: r.status, body: JSON.parse(r.body) as Record<string, any> };
};

/** Reads a streamed response until `until` matches what arrived, then closes it. */
function stream(socket: string, path: string, until: RegExp, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, headers: { Host: 'localhost', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (until.test(text)) {
          req.destroy();
          resolve(text);
        }
      });
      res.on('end', () => resolve(text));
    });
    req.on('error', (e) => (e.message.includes('aborted') ? undefined : reject(e)));
    req.end();
  });
}

test('GET /api/programs: state, pid, uptime, restarts, exit, health; ready only when all are where they should be', async () => {
  h = await startHarness([yaml('web'), yaml('job', { oneshot: true }), yaml('manual', { autostart: false }), yaml('probe', { ready: PROBE })]);
  let r = await json('GET', '/api/programs');
  const view = r.body as ProgramsResponse;
  assert.equal(view.pidone.pid, 4242);
  assert.deepEqual(view.programs.map((p) => [p.name, p.state, p.healthy]), [['job', 'RUNNING', true], ['manual', 'STOPPED', true], ['probe', 'STARTING', false], ['web', 'RUNNING', true]]);
  assert.equal(view.ready, false);
  assert.equal(view.programs[2]!.problem, 'starting');
  const web = view.programs[3]!;
  assert.equal(web.pid, h.world.spawner.last('web').pid);
  assert.equal(web.uptime, 0);
  assert.equal(web.restarts, 0);
  assert.equal((await http(h.socket, 'GET', '/readyz')).body, 'not ready\nprobe: starting\n');
  h.world.prober.ready('probe');
  h.world.spawner.last('job').exit(0);
  r = await json('GET', '/api/programs');
  assert.equal(r.body.ready, true, JSON.stringify(r.body.programs));
  assert.deepEqual(await http(h.socket, 'GET', '/readyz').then((x) => [x.status, x.body]), [200, 'ready\n']);
  h.world.spawner.last('web').exit(3);
  r = await json('GET', '/api/programs');
  const after = (r.body as ProgramsResponse).programs.find((p) => p.name === 'web')!;
  assert.deepEqual([after.state, after.exit, after.healthy], ['BACKOFF', { code: 3, signal: null }, false]);
  const ready = await http(h.socket, 'GET', '/readyz');
  assert.equal(ready.status, 503);
  assert.match(ready.body, /^web: backoff: /m);
});

test('commands: results per process, faults with HTTP codes, group:* and all', async () => {
  h = await startHarness([ini('ga', { group: 'grp', startsecs: 0 }), ini('gb', { group: 'grp', startsecs: 0 }), ini('solo', { startsecs: 0, autostart: false })]);
  h.world.spawner.onKill = (child, sig) => sig === 'TERM' && child.exit('TERM');
  let r = await json('POST', '/api/programs/solo/start');
  assert.deepEqual(r, { status: 200, body: { results: [{ name: 'solo', group: 'solo', namespec: 'solo', status: 'SUCCESS', description: 'OK' }] } });
  r = await json('POST', '/api/programs/solo/start');
  assert.deepEqual([r.status, r.body.fault, r.body.error], [409, 'ALREADY_STARTED', 'ALREADY_STARTED: solo']);
  r = await json('POST', '/api/programs/nosuch/stop');
  assert.deepEqual([r.status, r.body.fault], [404, 'BAD_NAME']);
  r = await json('POST', `/api/programs/${encodeURIComponent('grp:*')}/stop`);
  assert.deepEqual(r.body.results.map((x: any) => [x.namespec, x.status]).sort(), [['grp:ga', 'SUCCESS'], ['grp:gb', 'SUCCESS']]);
  r = await json('POST', '/api/programs/grp:ga/restart');
  assert.deepEqual([r.status, h.world.state('ga')], [200, 'RUNNING']);
  r = await json('POST', '/api/programs/solo/signal', { signal: 'USR1' });
  assert.equal(r.status, 200);
  assert.deepEqual(h.world.spawner.last('solo').signals.map((s) => s.signal), ['USR1']);
  r = await json('POST', '/api/programs/solo/signal', { signal: 'NOPE' });
  assert.deepEqual([r.status, r.body.fault], [400, 'BAD_SIGNAL']);
  r = await json('POST', '/api/programs/solo/signal', {});
  assert.deepEqual([r.status, r.body.fault], [400, 'INCORRECT_PARAMETERS']);
  assert.equal((await http(h.socket, 'POST', '/api/programs/solo/signal', '{not json')).status, 400);
  r = await json('POST', '/api/programs/all/stop');
  assert.equal(r.status, 200);
  assert.deepEqual(h.world.sup.snapshot().map((p) => p.statename), ['STOPPED', 'STOPPED', 'STOPPED']);
  assert.equal((await http(h.socket, 'GET', '/api/programs/solo/start')).status, 405);
  assert.equal((await http(h.socket, 'GET', '/api/nothing')).status, 404);
});

test('logs: the last N bytes of a stream, and following new lines', async () => {
  h = await startHarness([ini('web', { startsecs: 0 })]);
  h.sink.write('web', 'stdout', 'one\ntwo\nthree\n');
  h.sink.write('web', 'stderr', 'oops\n');
  assert.equal((await http(h.socket, 'GET', '/api/programs/web/logs')).body, 'one\ntwo\nthree\n');
  assert.equal((await http(h.socket, 'GET', '/api/programs/web/logs?bytes=6')).body, 'three\n');
  assert.equal((await http(h.socket, 'GET', '/api/programs/web/logs?stream=stderr')).body, 'oops\n');
  assert.equal((await http(h.socket, 'GET', '/api/programs/web/logs?stream=both')).status, 400);
  assert.equal((await http(h.socket, 'GET', '/api/programs/nosuch/logs')).status, 404);
  const followed = stream(h.socket, '/api/programs/web/logs?follow=1&bytes=6', /four\n/);
  await new Promise((r) => setTimeout(r, 50));
  h.sink.write('web', 'stderr', 'not this\n');
  h.sink.write('web', 'stdout', 'four\n');
  assert.equal(await followed, 'three\nfour\n');
  const sse = stream(h.socket, '/api/programs/web/logs?follow=1&bytes=0', /five/, { Accept: 'text/event-stream' });
  await new Promise((r) => setTimeout(r, 50));
  h.sink.write('web', 'stdout', 'five\n');
  assert.equal(await sse, 'data: five\n\n');
});

test('reload applies a good config (only changes restart) and leaves everything as it was on errors', async () => {
  h = await startHarness([ini('keep', { startsecs: 0 }), ini('change', { startsecs: 0 })]);
  const keepPid = h.world.info('keep').pid;
  h.setFile(['pidone.yaml:2:3: programs.change.command: expected a string or a list']);
  let r = await json('POST', '/api/reload');
  assert.deepEqual([r.status, r.body.fault, r.body.errors], [422, 'CANT_REREAD', ['pidone.yaml:2:3: programs.change.command: expected a string or a list']]);
  h.world.spawner.onKill = (child) => child.exit('TERM');
  h.setFile(model([ini('keep', { startsecs: 0 }), ini('change', { startsecs: 0, command: ['/bin/other'] }), ini('add', { startsecs: 0 })]));
  r = await json('POST', '/api/reload');
  assert.deepEqual(r, { status: 200, body: { ok: true, added: ['add'], removed: [], changed: ['change'] } });
  assert.equal(h.world.info('keep').pid, keepPid, 'an unchanged program keeps running');
});

test('/api/events streams the supervisor\'s events; shutdown?wait=1 answers with the exit code', async () => {
  h = await startHarness([ini('web', { startsecs: 0, autostart: false })]);
  const events = stream(h.socket, '/api/events', /event: state[\s\S]*RUNNING/);
  await new Promise((r) => setTimeout(r, 50));
  await json('POST', '/api/programs/web/start');
  const text = await events;
  assert.match(text, /^event: hello\ndata: \{"phase":"running"\}\n\n/);
  assert.match(text, /event: spawned\ndata: \{"type":"spawned","name":"web","pid":\d+\}/);
  h.world.spawner.onKill = (child) => child.exit('TERM');
  const r = await json('POST', '/api/shutdown?wait=1');
  assert.deepEqual(r.body, { ok: true, exitCode: 0, reason: 'shutdown requested by a control client' });
});

test('/metrics: Prometheus text with state, readiness, restarts, uptime and exits by code', async () => {
  h = await startHarness([ini('web', { startsecs: 0 }), ini('g1', { group: 'grp', startsecs: 0, autostart: false })]);
  h.world.spawner.last('web').exit(2);
  h.world.clock.advance(1000);
  h.world.clock.advance(5000);
  const r = await http(h.socket, 'GET', '/metrics');
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  const lines = r.body.split('\n');
  for (const want of ['pidone_up 1', 'pidone_start_time_seconds 1700000000',
    'pidone_program_state{program="web",group="web",state="RUNNING"} 1', 'pidone_program_state{program="web",group="web",state="EXITED"} 0',
    'pidone_program_state{program="grp:g1",group="grp",state="STOPPED"} 1', 'pidone_program_ready{program="web",group="web"} 1',
    'pidone_program_restarts_total{program="web",group="web"} 1', 'pidone_program_uptime_seconds{program="web",group="web"} 5',
    'pidone_program_exits_total{program="web",group="web",code="2"} 1', '# TYPE pidone_program_exits_total counter']) {
    assert.ok(lines.includes(want), `missing ${want}\n${r.body}`);
  }
  for (const l of lines) if (l !== '' && !l.startsWith('#')) assert.match(l, /^[a-z_]+(\{[^}]*\})? \d+$/, l);
});
