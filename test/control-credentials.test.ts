// Credentials per listener, against the real supervisord: [unix_http_server] (chmod=0777, so
// any local user can connect) and [inet_http_server], with credentials on neither, the unix
// one, the TCP one, or both. A second local user asks each listener with no credentials, the
// unix ones and the TCP ones; pidone must answer as supervisord does, except that it never
// serves TCP without credentials (supervisord does, wide open), and says how to fix that.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { SUPERVISORD, type Server, startPidone, startSupervisord } from './support/differential.ts';
import { exec } from './support/daemon.ts';
import { BASE_ENV, killAll } from './support/pid1.ts';

const PROBE_USER = 'pidone-probe';
const UNIX = { username: 'unixuser', password: 'unixpass' };
// sha1("inetpass"): supervisord's {SHA} form on one of the two.
const INET = { username: 'inetuser', password: 'inetpass', sha: '{SHA}0f05c521855ab827f1ca9517f77888a522e7eefb' };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function conf(port: number, unix: boolean, inet: boolean): string {
  return `[unix_http_server]
file=%(here)s/supervisor.sock
chmod=0777
${unix ? `username=${UNIX.username}\npassword=${UNIX.password}\n` : ''}
[inet_http_server]
port=127.0.0.1:${port}
${inet ? `username=${INET.username}\npassword=${INET.sha}\n` : ''}
[supervisord]
nodaemon=true
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:hello]
command=sleep 1000
startsecs=0
`;
}

// One supervisor.getState POST per target, as the probe user: the HTTP status, or the error code.
const PROBE = `
const http = require('node:http');
const targets = JSON.parse(process.argv[1]);
const body = '<?xml version="1.0"?><methodCall><methodName>supervisor.getState</methodName></methodCall>';
const one = (t) => new Promise((resolve) => {
  const headers = { 'Content-Type': 'text/xml', 'Content-Length': body.length };
  if (t.user) headers.Authorization = 'Basic ' + Buffer.from(t.user + ':' + t.pass).toString('base64');
  const where = t.socket ? { socketPath: t.socket } : { host: '127.0.0.1', port: t.port };
  const req = http.request({ ...where, method: 'POST', path: '/RPC2', headers }, (res) => { res.resume(); resolve(res.statusCode); });
  req.on('error', (e) => resolve(e.code));
  req.end(body);
});
(async () => { const out = []; for (const t of targets) out.push(await one(t)); console.log(JSON.stringify(out)); })();
`;

function ensureProbeUser(): void {
  try {
    execFileSync('id', [PROBE_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PROBE_USER]);
  }
}

const ASKS = [
  ['unix', null], ['unix', UNIX], ['unix', INET], ['tcp', null], ['tcp', INET], ['tcp', UNIX],
] as const;

async function probe(s: Server, port: number): Promise<Record<string, number | string>> {
  const targets = ASKS.map(([where, who]) => ({
    ...(where === 'unix' ? { socket: s.socket } : { port }), ...(who ? { user: who.username, pass: who.password } : {}),
  }));
  const r = await exec(['setpriv', `--reuid=${PROBE_USER}`, `--regid=${PROBE_USER}`, '--clear-groups', process.execPath, '-e', PROBE, JSON.stringify(targets)], BASE_ENV);
  assert.equal(r.code, 0, r.stderr);
  const codes = JSON.parse(r.stdout) as (number | string)[];
  return Object.fromEntries(ASKS.map(([where, who], i) => [`${where} ${who === null ? 'no credentials' : who === UNIX ? 'unix credentials' : 'inet credentials'}`, codes[i]!]));
}

const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
  killAll();
});

for (const [label, unix, inet] of [['none', false, false], ['unix only', true, false], ['inet only', false, true], ['both', true, true]] as const) {
  test(`credentials on ${label}: each listener answers a second local user as supervisord's does`, { timeout: 60_000 }, async () => {
    assert.ok(existsSync(SUPERVISORD), `${SUPERVISORD} is missing: install the Debian package "supervisor" (CI does)`);
    ensureProbeUser();
    const [sdPort, p1Port] = [await freePort(), await freePort()];
    const [sd, p1] = await Promise.all([startSupervisord(conf(sdPort, unix, inet)), startPidone(conf(p1Port, unix, inet))]);
    stops.push(sd.stop, p1.stop);
    const [want, got] = await Promise.all([probe(sd, sdPort), probe(p1, p1Port)]);
    if (!inet) {
      // The one deliberate difference: supervisord serves TCP to anyone; pidone does not listen.
      for (const k of Object.keys(want).filter((x) => x.startsWith('tcp'))) {
        assert.equal(want[k], 200, `supervisord, ${k}`);
        assert.equal(got[k], 'ECONNREFUSED', `pidone, ${k}`);
        want[k] = 'ECONNREFUSED';
      }
      assert.match(p1.output(), /NOT listening on TCP 127\.0\.0\.1:\d+: .*set username= and password= in \[inet_http_server\]/);
    }
    assert.deepEqual(got, want);
  });
}
