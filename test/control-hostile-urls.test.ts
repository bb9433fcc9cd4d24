// Hostile request targets against the control server: malformed percent-escapes, targets that
// are not URLs, absolute forms with bad hosts or ports. Each is the client's mistake: 400 (or
// 404 for a well-formed path that names nothing, 405 for a method the route refuses first), never a 500, and the server keeps serving.
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { afterEach, test } from 'node:test';
import { type Harness, http, startHarness } from './support/control.ts';
import { ini } from './support/world.ts';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Sends one raw request line; resolves with the status line of the answer. */
function statusLine(socket: string, method: string, target: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(socket);
    let text = '';
    s.on('data', (d) => (text += d.toString('latin1')));
    s.on('close', () => resolve(text.split('\r\n')[0]!));
    s.on('error', () => {});
    s.write(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
}

const MALFORMED = [
  '/logtail/%E0%A4%A', '/logtail/%', '/logtail/%C0%AF/stderr', '/api/programs/%/start', '/api/programs/%E0/logs',
  'http://[/', 'http://x:99999/healthz', 'http://a:b@[::1/', 'http://%zz/', '*',
];

test('malformed request targets get 400, never 500; the server keeps serving', async () => {
  h = await startHarness([ini('web')]);
  for (const target of MALFORMED) {
    assert.equal(await statusLine(h.socket, 'GET', target), 'HTTP/1.1 400 Bad Request', `GET ${target}`);
    // POST to a GET-only route may be refused for its method first.
    assert.match(await statusLine(h.socket, 'POST', target), /^HTTP\/1\.1 40[05] /, `POST ${target}`);
  }
  assert.deepEqual(h.sink.events.filter((e) => e.includes('request failed')), []);
  assert.equal((await http(h.socket, 'GET', '/healthz')).status, 200);
});

test('an origin-form target is a path: "//x" is not a host, and names no route', async () => {
  h = await startHarness([ini('web')]);
  for (const target of ['//', '///', '//healthz', '//localhost/healthz', '//[', '//a:b@[::1']) {
    assert.equal(await statusLine(h.socket, 'GET', target), 'HTTP/1.1 404 Not Found', target);
  }
  assert.equal(await statusLine(h.socket, 'GET', 'http://localhost/healthz'), 'HTTP/1.1 200 OK', 'the absolute form still works');
  assert.equal(await statusLine(h.socket, 'GET', '/api/programs/%77%65%62/logs'), 'HTTP/1.1 200 OK', 'a well-formed escape still decodes');
});
