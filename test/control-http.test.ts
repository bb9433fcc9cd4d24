// The control server's HTTP side against a fake world: bad requests never hurt it (malformed
// XML, huge bodies, slow or garbage clients), authentication, browser guards, the socket file.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { type Harness, http, rpc, startHarness } from './support/control.ts';
import { ini, model } from './support/world.ts';
import type { ControlSettings } from '../src/model/spec.ts';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const control = (c: Partial<ControlSettings>) => ({ control: { socket: null, socket_mode: 0o600, tcp: null, username: null, password: null, token: null, ...c } });

/** Writes raw bytes on a fresh connection; resolves with everything read until the server closes it. */
function raw(socket: string, data: string, holdMs = 0): Promise<{ text: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect(socket);
    let text = '';
    s.on('data', (d) => (text += d.toString()));
    s.on('close', () => resolve({ text, ms: Date.now() - t0 }));
    s.on('error', () => {});
    s.write(data);
    if (holdMs > 0) setTimeout(() => s.destroy(), holdMs);
  });
}

test('malformed XML-RPC and wrong methods get 400; the server keeps serving', async () => {
  h = await startHarness([ini('web')]);
  for (const body of ['garbage', '<methodCall>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>&a;</methodName></methodCall>', '']) {
    assert.equal((await http(h.socket, 'POST', '/RPC2', body)).status, 400, body);
  }
  assert.equal((await http(h.socket, 'GET', '/RPC2')).status, 400);
  assert.equal((await raw(h.socket, 'NOT HTTP AT ALL\r\n\r\n')).text.split('\r\n')[0], 'HTTP/1.1 400 Bad Request');
  assert.equal(await rpc(h.socket, 'supervisor.getPID'), 4242);
});

test('bodies over 1 MiB get 413, declared or streamed', async () => {
  h = await startHarness([ini('web')]);
  const big = Buffer.alloc(2 * 1024 * 1024, 'a');
  assert.equal((await http(h.socket, 'POST', '/RPC2', big)).status, 413);
  assert.equal((await http(h.socket, 'POST', '/api/reload', big, { 'Transfer-Encoding': 'chunked' })).status, 413);
  assert.equal(await rpc(h.socket, 'supervisor.getAPIVersion'), '3.0');
});

test('slow clients are cut off: headers and bodies that never finish', async () => {
  h = await startHarness([ini('web')], { headersTimeoutMs: 300, requestTimeoutMs: 600 });
  const noHeaders = await raw(h.socket, 'POST /RPC2 HTTP/1.1\r\nHost: x\r\n');
  assert.ok(noHeaders.ms < 3000, `connection held ${noHeaders.ms} ms`);
  const noBody = await raw(h.socket, 'POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<methodCall>');
  assert.ok(noBody.ms < 4000, `connection held ${noBody.ms} ms`);
  assert.match(noBody.text, /^HTTP\/1\.1 408/);
  assert.equal(await rpc(h.socket, 'supervisor.getPID'), 4242);
});

test('the socket is created with its mode, a stale one is replaced, a live one is refused, and it is removed at close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-sock-'));
  try {
    const path = join(dir, 'ctl.sock');
    // A stale socket file: bound once, its server gone.
    const stale = createServer();
    await new Promise<void>((r) => stale.listen(join(dir, 'stale.sock'), r));
    await new Promise<void>((r) => stale.close(() => r()));
    h = await startHarness(model([ini('web')], control({ socket_mode: 0o640 })), { socket: join(dir, 'stale.sock') });
    assert.equal(statSync(join(dir, 'stale.sock')).mode & 0o777, 0o640);
    await assert.rejects(startHarness([ini('web')], { socket: join(dir, 'stale.sock') }), /another program is already listening/);
    await h.close();
    h = null;
    assert.equal(existsSync(join(dir, 'stale.sock')), false);
    h = await startHarness([ini('web')], { socket: path });
    assert.equal(statSync(path).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('credentials on the socket: Basic with a {SHA} password, or a Bearer token', async () => {
  const sha = `{SHA}${createHash('sha1').update('thepassword').digest('hex')}`;
  h = await startHarness(model([ini('web')], control({ username: 'admin', password: sha, token: 'x'.repeat(20) })));
  const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  const none = await http(h.socket, 'GET', '/api/programs');
  assert.equal(none.status, 401);
  assert.equal(none.headers['www-authenticate'], 'Basic realm="default"');
  assert.equal((await http(h.socket, 'GET', '/api/programs', undefined, basic('admin', 'wrong'))).status, 401);
  assert.equal((await http(h.socket, 'GET', '/api/programs', undefined, basic('root', 'thepassword'))).status, 401);
  assert.equal((await http(h.socket, 'GET', '/api/programs', undefined, basic('admin', 'thepassword'))).status, 200);
  assert.equal((await http(h.socket, 'GET', '/api/programs', undefined, { Authorization: `Bearer ${'x'.repeat(20)}` })).status, 200);
  assert.equal((await http(h.socket, 'GET', '/api/programs', undefined, { Authorization: 'Bearer nope' })).status, 401);
});

test('TCP: never without credentials; with a token it requires it', async () => {
  const port = await new Promise<number>((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });
  h = await startHarness(model([ini('web')], control({ tcp: `127.0.0.1:${port}` })));
  assert.ok(h.sink.events.some((e) => e.startsWith('error control: NOT listening on TCP')), h.sink.events.join('\n'));
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  await h.close();
  h = await startHarness(model([ini('web')], control({ tcp: `127.0.0.1:${port}`, token: 't'.repeat(24) })));
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 401);
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { Authorization: `Bearer ${'t'.repeat(24)}` } })).status, 200);
  assert.equal((await http(h.socket, 'GET', '/healthz')).status, 200, 'the socket needs no credentials when they are for TCP');
});

test('browser POSTs: cross-origin refused (also /RPC2), same-origin needs the page\'s CSRF token', async () => {
  h = await startHarness([ini('web', { startsecs: 0 })]);
  const page = await http(h.socket, 'GET', '/');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /script-src 'nonce-/);
  const token = /name="csrf-token" content="([0-9a-f]+)"/.exec(page.body)?.[1];
  assert.ok(token);
  const post = (path: string, headers: Record<string, string>) => http(h!.socket, 'POST', path, '', headers);
  assert.equal((await post('/api/programs/web/stop', { Origin: 'http://evil.example' })).status, 403);
  assert.equal((await post('/RPC2', { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  assert.equal((await post('/api/programs/web/stop', { Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' })).status, 403);
  assert.equal((await post('/api/programs/web/stop', { Origin: 'http://localhost', 'X-CSRF-Token': 'f'.repeat(48) })).status, 403);
  assert.equal(h.world.state('web'), 'RUNNING');
  assert.equal((await post('/api/programs/web/stop?wait=0', { Origin: 'http://localhost', 'X-CSRF-Token': token! })).status, 200);
  assert.equal(h.world.state('web'), 'STOPPING');
});

test('a followed log outlives the request timeout: only the request must arrive in time, not the answer end', async () => {
  h = await startHarness([ini('web')], { headersTimeoutMs: 300, requestTimeoutMs: 600 });
  const t0 = Date.now();
  const closedAfter = await new Promise<number>((resolve) => {
    const req = request({ socketPath: h!.socket, path: '/api/programs/web/logs?follow=1' }, (res) => {
      res.resume();
      res.on('close', () => resolve(Date.now() - t0));
      // Three request timeouts later, the client ends it.
      setTimeout(() => req.destroy(), 1800);
    });
    req.end();
  });
  assert.ok(closedAfter >= 1700, `the stream was cut after ${closedAfter} ms`);
});
