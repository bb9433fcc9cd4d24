// [eventlistener:x] and stdin pipes the way images use them, against the real supervisord
// (Debian's supervisor 4.2.5) on the same supervisord.conf: listeners written on supervisor's
// own supervisor.childutils get the same events, the listener that ends the container when a
// program goes FATAL ends pidone (as PID 1) with supervisord's exit code, a program that reads
// stdin stays RUNNING and gets what sendProcessStdin and `supervisorctl fg` (on a real
// terminal) send it.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { http, rpc } from './support/control.ts';
import { exec, until } from './support/daemon.ts';
import { HEAD, SUPERVISORD, type Server, startPidone, startSupervisord } from './support/differential.ts';
import { LISTENER } from './support/differential-script.ts';
import { BASE_ENV, ROOT, killAll } from './support/pid1.ts';

const FG = join(ROOT, 'test', 'support', 'fg-pty.py');
const PY = '/usr/bin/python3'; // the one that can import supervisor.childutils

const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
  killAll();
});

/** Both servers on the same config text. */
async function both(conf: string): Promise<[Server, Server]> {
  assert.ok(existsSync(SUPERVISORD), `${SUPERVISORD} is missing: install the Debian package "supervisor"`);
  const servers = await Promise.all([startSupervisord(conf), startPidone(conf)]);
  for (const s of servers) stops.push(s.stop);
  return servers;
}

const info = async (s: Server, name: string) => (await rpc(s.socket, 'supervisor.getProcessInfo', name)) as Record<string, unknown>;
const stateOf = async (s: Server, name: string) => (await info(s, name)).statename;
const stderrOf = async (s: Server, name: string) => String(await rpc(s.socket, 'supervisor.readProcessStderrLog', name, 0, 0));

/** The listener's log as events: [eventname, payload] with pids replaced. */
function events(log: string): { name: string; serial: number; payload: string }[] {
  const out: { name: string; serial: number; payload: string }[] = [];
  const lines = log.split('\n');
  lines.pop(); // every entry ends with a newline of the listener's own
  for (let i = 0; i < lines.length; i++) {
    const m = /^([A-Z_0-9]+) (\d+) (\d+)$/.exec(lines[i]!);
    if (!m) continue;
    // A payload runs to the next header (PROCESS_LOG and group payloads hold newlines).
    const body: string[] = [];
    while (i + 1 < lines.length && !/^[A-Z_0-9]+ \d+ \d+$/.test(lines[i + 1]!)) body.push(lines[++i]!);
    out.push({ name: m[1]!, serial: Number(m[2]), payload: body.join('\n').replace(/pid:\d+/g, 'pid:PID') });
  }
  return out;
}

test('a supervisor.childutils listener gets the events supervisord sends it, each process in the same order', { timeout: 90_000 }, async () => {
  const conf = `${HEAD}
[program:fail]
command=sh -c "exit 3"
startretries=1
startsecs=10
autorestart=false

[program:talk]
command=sh -c "echo said; exec sleep 1000"
startsecs=0
stdout_events_enabled=true

[program:job]
command=sleep 1000
startsecs=0
autostart=false

[eventlistener:log]
command=${PY} ${LISTENER}
events=PROCESS_STATE,PROCESS_LOG,REMOTE_COMMUNICATION,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE
buffer_size=100
numprocs=2
process_name=%(program_name)s_%(process_num)d
`;
  const servers = await both(conf);
  const logs = await Promise.all(servers.map(async (s) => {
    const running = async (n: string) => (await stateOf(s, n)) === 'RUNNING';
    await until(async () => (await stateOf(s, 'fail')) === 'FATAL' && await running('log:log_0') && await running('log:log_1'), 20_000, 'fail FATAL');
    await rpc(s.socket, 'supervisor.startProcess', 'job');
    await rpc(s.socket, 'supervisor.stopProcess', 'job');
    await rpc(s.socket, 'supervisor.sendRemoteCommEvent', 'hello', 'wörld 😀');
    await rpc(s.socket, 'supervisor.removeProcessGroup', 'job');
    // The pool's two listeners share the events: one log, in serial order.
    const merged = async () => [...events(await stderrOf(s, 'log:log_0')), ...events(await stderrOf(s, 'log:log_1'))].sort((a, b) => a.serial - b.serial);
    await until(async () => (await merged()).some((e) => e.name === 'PROCESS_GROUP_REMOVED'), 10_000, 'the last event');
    return merged();
  }));
  const [sd, p1] = logs as [ReturnType<typeof events>, ReturnType<typeof events>];
  // Events interleave differently (supervisord acts once per tick: a program reaches RUNNING
  // on the tick after its spawn, after its first output; pidone at once): compare what each
  // process went through, its states and its output apart, and the rest in order.
  const of = (list: typeof sd, key: string, kind = 'PROCESS_STATE') => list.filter((e) => e.name.startsWith(kind) && e.payload.startsWith(`processname:${key} `)).map((e) => `${e.name} ${e.payload}`);
  for (const name of ['fail', 'talk', 'job', 'log_0', 'log_1']) {
    assert.deepEqual(of(p1, name), of(sd, name), `the states of ${name}`);
    assert.deepEqual(of(p1, name, 'PROCESS_LOG'), of(sd, name, 'PROCESS_LOG'), `the output of ${name}`);
  }
  assert.deepEqual(of(p1, 'talk', 'PROCESS_LOG'), ['PROCESS_LOG_STDOUT processname:talk groupname:talk pid:PID channel:stdout\nsaid\n']);
  const rest = (list: typeof sd) => list.filter((e) => !e.payload.startsWith('processname:')).map((e) => `${e.name} ${e.payload}`);
  assert.deepEqual(rest(p1), rest(sd), 'group, supervisor and remote events');
  assert.deepEqual(of(p1, 'fail'), [
    'PROCESS_STATE_STARTING processname:fail groupname:fail from_state:STOPPED tries:0',
    'PROCESS_STATE_BACKOFF processname:fail groupname:fail from_state:STARTING tries:1',
    'PROCESS_STATE_STARTING processname:fail groupname:fail from_state:BACKOFF tries:1',
    'PROCESS_STATE_BACKOFF processname:fail groupname:fail from_state:STARTING tries:2',
    'PROCESS_STATE_FATAL processname:fail groupname:fail from_state:BACKOFF',
  ], 'what supervisord sends, spelled out');
  assert.ok(rest(p1).includes('REMOTE_COMMUNICATION type:hello\nwörld 😀'));
  assert.deepEqual(p1.map((e) => e.serial), p1.map((_, i) => i), 'serials from 0, each event to one listener of the pool, none lost');
});

/**
 * A program that can never start, and a listener that ends the container when it goes FATAL.
 * startsecs is far above the program's life: supervisord sees an exit only on its next tick,
 * and on a loaded machine a tick late is more than the default second, so it took `broken`
 * for started and restarted it forever.
 */
const fatalConf = (listener: string) => `${HEAD}
[program:broken]
command=sh -c "exit 1"
startretries=1
startsecs=10

[program:web]
command=sleep 1000
startsecs=0

[eventlistener:fatal]
command=${listener}
events=PROCESS_STATE_FATAL
`;

const LISTENERS: Record<string, string> = {
  // The Python one most images copy: childutils, then SIGQUIT to the parent.
  childutils: `${PY} ${join(ROOT, 'test', 'support', 'fatal-listener.py')}`,
  // The shell one: READY, read a line, kill the parent.
  shell: `sh -c 'printf "READY\\n"; while read line; do echo "got: $line" >&2; kill -QUIT $PPID; done'`,
  // Through the control socket.
  supervisorctl: `sh -c 'printf "READY\\n"; read line; supervisorctl -c %(here)s/supervisord.conf shutdown >&2; sleep 1000'`,
};

for (const [kind, listener] of Object.entries(LISTENERS)) {
  test(`a listener that ends the container on FATAL (${kind}) ends pidone as PID 1 with supervisord's exit code`, { timeout: 60_000 }, async () => {
    const servers = await both(fatalConf(listener));
    const ends = await Promise.all(servers.map(async (s) => {
      const end = await Promise.race([s.exited, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
      assert.ok(end !== null, `${s === servers[0] ? 'supervisord' : 'pidone'} did not end:\n${s.output()}`);
      return end;
    }));
    assert.deepEqual(ends[1], ends[0], `pidone ended as supervisord did:\n${servers[1].output()}`);
    assert.deepEqual(ends[0], { code: 0, signal: null }, 'supervisord exits 0 on SIGQUIT and on shutdown');
    assert.match(servers[1].output(), /gave up: broken entered FATAL state/);
    assert.match(servers[1].output(), /received SIG(QUIT indicating exit request)|shutting down: shutdown requested by a control client/);
  });
}

test('stdin is a pipe: cat stays RUNNING, sendProcessStdin reaches it, a closed stdin is NO_FILE, as under supervisord', { timeout: 60_000 }, async () => {
  const conf = `${HEAD}
[program:cat]
command=cat
startsecs=1

[program:closer]
command=sh -c "exec 0<&-; exec sleep 1000"
startsecs=0
`;
  const servers = await both(conf);
  const answers = await Promise.all(servers.map(async (s) => {
    await until(async () => (await stateOf(s, 'cat')) === 'RUNNING', 10_000, 'cat RUNNING');
    const sent = await rpc(s.socket, 'supervisor.sendProcessStdin', 'cat', 'ça va?\n');
    await until(async () => String(await rpc(s.socket, 'supervisor.readProcessStdoutLog', 'cat', 0, 0)) === 'ça va?\n', 5000, 'cat echoed');
    const closed = await rpc(s.socket, 'system.multicall', [{ methodName: 'supervisor.sendProcessStdin', params: ['closer', 'x'] }]);
    await rpc(s.socket, 'supervisor.stopProcess', 'cat');
    const stopped = await rpc(s.socket, 'system.multicall', [{ methodName: 'supervisor.sendProcessStdin', params: ['cat', 'x'] }]);
    return JSON.parse(JSON.stringify({ sent, closed, stopped })) as unknown;
  }));
  assert.deepEqual(answers[1], answers[0]);
  assert.deepEqual(answers[1], {
    sent: true,
    closed: [{ faultCode: 20, faultString: 'NO_FILE: closer' }],
    stopped: [{ faultCode: 70, faultString: 'NOT_RUNNING: cat' }],
  });
});

test('supervisorctl fg on a terminal: a typed line reaches the program, Ctrl-C leaves fg and the program runs on', { timeout: 60_000 }, async () => {
  const conf = `${HEAD}
[program:cat]
command=cat
startsecs=0
`;
  const servers = await both(conf);
  const runs = await Promise.all(servers.map(async (s) => {
    await until(async () => (await stateOf(s, 'cat')) === 'RUNNING', 10_000, 'cat RUNNING');
    const r = await exec([PY, FG, 'typed on a tty', '--', 'supervisorctl', '-c', s.conf, 'fg', 'cat'], BASE_ENV, 30_000);
    assert.equal(r.code, 0, r.stderr);
    // supervisorctl's output thread prints this line when something wakes it from its poll after
    // Ctrl-C set its kill flag. Seen once in a dozen loaded runs (against pidone, on Node 24),
    // cause not found: it comes after "Exiting foreground", so fg itself behaved the same, and
    // the line is left out of the comparison.
    const fg = (JSON.parse(r.stdout) as { out: string }).out.replace(/\r/g, '').replace("CLOSED Cannot connect, error: <class 'SystemExit'> ()\n", '');
    return { fg, state: await stateOf(s, 'cat'), log: await rpc(s.socket, 'supervisor.readProcessStdoutLog', 'cat', 0, 0) };
  }));
  assert.deepEqual(runs[1], runs[0]);
  // The terminal echoes the line, then fg shows the program's own output of it.
  assert.deepEqual(runs[1], { fg: '==> Press Ctrl-C to exit <==\ntyped on a tty\ntyped on a tty\n^CExiting foreground\n', state: 'RUNNING', log: 'typed on a tty\n' });
});

test("events reach the JSON API's event stream; a TICK_5 listener gets ticks on the 5 s boundaries", { timeout: 30_000 }, async () => {
  const conf = `${HEAD}
[program:web]
command=sleep 1000
startsecs=0
autostart=false

[eventlistener:ticks]
command=${PY} ${LISTENER}
events=TICK_5
`;
  const p1 = await startPidone(conf);
  stops.push(p1.stop);
  const seen: string[] = [];
  const req = request({ socketPath: p1.socket, path: '/api/events', headers: { Accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8').on('data', (d: string) => seen.push(d));
  });
  req.end();
  await until(() => seen.join('').includes('event: hello'), 5000, 'the stream');
  await rpc(p1.socket, 'supervisor.startProcess', 'web');
  await rpc(p1.socket, 'supervisor.sendRemoteCommEvent', 'kind', 'some data');
  await until(() => seen.join('').includes('REMOTE_COMMUNICATION'), 5000, 'the events');
  req.destroy();
  const text = seen.join('');
  assert.match(text, /event: PROCESS_STATE_RUNNING\ndata: \{"eventname":"PROCESS_STATE_RUNNING","serial":null,"payload":"processname:web groupname:web from_state:STARTING pid:\d+"\}/);
  assert.match(text, /event: REMOTE_COMMUNICATION\ndata: \{"eventname":"REMOTE_COMMUNICATION","serial":null,"payload":"type:kind\\nsome data"\}/);
  await until(async () => (await stderrOf(p1, 'ticks')).includes('TICK_5'), 12_000, 'a tick');
  const [tick] = events(await stderrOf(p1, 'ticks'));
  assert.equal(tick?.name, 'TICK_5');
  assert.match(tick?.payload ?? '', /^when:\d+$/);
  assert.equal(Number(tick?.payload.slice(5)) % 5, 0, 'when: a multiple of 5 s');
  assert.equal((await http(p1.socket, 'GET', '/healthz')).status, 200);
});
