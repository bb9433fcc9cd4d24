// supervisord's event-listener protocol and pools, on the pure parts: the listener's side of
// the protocol as supervisord reads it, a pool's buffer, serials and re-sends, and the router's
// numbering, payloads and ticks on a fake clock (a daemon test runs real listeners:
// event-listeners.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { StdinPipe, StdinWrite } from '../src/io/child-stdin.ts';
import { ListenerPool } from '../src/io/event-listener.ts';
import { covers, envelope, payloadLength, tickPeriods } from '../src/io/event-types.ts';
import { ListenerProtocol } from '../src/io/listener-protocol.ts';
import { EventRouter } from '../src/daemon/event-router.ts';
import { FakeClock } from './support/fakes.ts';
import { ini } from './support/world.ts';

test('the listener protocol: READY, one event, RESULT n and n bytes; anything else is UNKNOWN for good', () => {
  const p = new ListenerProtocol();
  assert.deepEqual(p.feed(Buffer.from('REA')), [], 'not enough bytes to decide');
  assert.deepEqual(p.feed(Buffer.from('DY\n')), [{ kind: 'ready' }]);
  p.sent();
  assert.equal(p.state, 'BUSY');
  assert.deepEqual(p.feed(Buffer.from('RESULT 2\nO')), []);
  assert.deepEqual(p.feed(Buffer.from('KREADY\n')), [{ kind: 'result', body: Buffer.from('OK') }, { kind: 'ready' }], 'the result, then READY in the same chunk');
  p.sent();
  assert.deepEqual(p.feed(Buffer.from('RESULT 4\nFAIL')), [{ kind: 'result', body: Buffer.from('FAIL') }]);
  assert.equal(p.state, 'ACKNOWLEDGED');

  const spurious = new ListenerProtocol();
  spurious.feed(Buffer.from('READY\n'));
  assert.deepEqual(spurious.feed(Buffer.from('hello\n')), [{ kind: 'unknown' }], 'output while READY breaks the protocol');
  assert.deepEqual(spurious.feed(Buffer.from('READY\n')), [], 'and UNKNOWN ignores everything after');
  assert.equal(spurious.state, 'UNKNOWN');

  const bad = new ListenerProtocol();
  bad.feed(Buffer.from('READY\n'));
  bad.sent();
  assert.deepEqual(bad.feed(Buffer.from('RESULT two\n')), [{ kind: 'bad_result', line: 'RESULT two' }]);
  assert.equal(new ListenerProtocol().feed(Buffer.from('HELLO!\n'))[0]?.kind, 'unknown', 'the first 6 bytes must be READY\\n');
});

test('event types: subscriptions cover subtypes; len counts characters, as supervisord (Python len of a str)', () => {
  assert.ok(covers('PROCESS_STATE', 'PROCESS_STATE_FATAL'));
  assert.ok(covers('EVENT', 'TICK_5'));
  assert.ok(!covers('PROCESS_STATE_FATAL', 'PROCESS_STATE_EXITED'));
  assert.deepEqual(tickPeriods(['PROCESS_STATE']), []);
  assert.deepEqual(tickPeriods(['TICK_60']), [60]);
  assert.deepEqual(tickPeriods(['EVENT']), [5, 60, 3600]);
  assert.equal(payloadLength('type:héllo\nwörld'), 16);
  assert.equal(payloadLength('😀'), 1, 'a character outside the BMP is one');
  assert.equal(envelope({ name: 'REMOTE_COMMUNICATION', payload: 'type:mytype\nmy data' }, 'supervisor', 28, 'listener', 3),
    'ver:3.0 server:supervisor serial:28 pool:listener poolserial:3 eventname:REMOTE_COMMUNICATION len:19\ntype:mytype\nmy data');
});

/** A listener process of a pool: what it was sent, and a way to answer. */
class FakeListener {
  readonly sent: string[] = [];
  readonly out = new EventEmitter();
  closedPipe = false;
  readonly stdin = { write: (d: string | Uint8Array): StdinWrite => (this.closedPipe ? 'closed' : (this.sent.push(String(d)), 'ok')) } as unknown as StdinPipe;
  say(text: string): void {
    this.out.emit('data', Buffer.from(text));
  }
  /** Serials of what it was sent. */
  serials(): string[] {
    return this.sent.map((s) => /serial:(\d+) pool:\S+ poolserial:(\d+)/.exec(s)!.slice(1).join('/'));
  }
}

function pool(events: string[], bufferSize = 10, accepts: 'OK' | 'any' = 'OK') {
  const log: string[] = [];
  const p = new ListenerPool('lp', { events, buffer_size: bufferSize, accepts }, 'supervisor', (level, m) => log.push(`${level} ${m}`));
  const listener = (name: string, pid: number): FakeListener => {
    const l = new FakeListener();
    p.opened(name, pid, l.stdin, l.out as never);
    return l;
  };
  let serial = 0;
  const send = (payload: string) => p.accept({ event: { name: 'REMOTE_COMMUNICATION', payload }, serial: serial++ });
  return { p, log, listener, send };
}

test('a pool sends only to a RUNNING and READY listener, buffers the rest, and drops the oldest beyond buffer_size', () => {
  const { p, log, listener, send } = pool(['REMOTE_COMMUNICATION'], 2);
  const a = listener('lp', 10);
  send('one');
  a.say('READY\n');
  assert.deepEqual(a.sent, [], 'not RUNNING yet (startsecs): nothing sent');
  send('two');
  send('three');
  assert.deepEqual(log, ['error pool lp event buffer overflowed, discarding event 0']);
  p.running('lp', true);
  assert.deepEqual(a.serials(), ['1/1'], 'the oldest kept event first');
  a.say('RESULT 2\nOK');
  assert.deepEqual(a.serials(), ['1/1'], 'ACKNOWLEDGED: waits for READY');
  a.say('READY\n');
  assert.deepEqual(a.serials(), ['1/1', '2/2']);
  assert.equal(p.waiting, 0);
});

test('a rejected event is sent again with the same serials; so is one whose listener died while busy', () => {
  const { p, log, listener, send } = pool(['REMOTE_COMMUNICATION']);
  const a = listener('lp', 10);
  p.running('lp', true);
  a.say('READY\n');
  send('x');
  a.say('RESULT 4\nFAIL');
  assert.deepEqual(log, ['warn lp: event was rejected']);
  a.say('READY\n');
  assert.deepEqual(a.serials(), ['0/0', '0/0']);
  p.closed('lp', 10);
  assert.equal(p.waiting, 1, 'back in the buffer');
  const b = listener('lp', 11);
  p.running('lp', true);
  b.say('READY\n');
  assert.deepEqual(b.serials(), ['0/0'], 'the next listener gets it, serials kept');
  b.say('RESULT 2\nOK');
  assert.equal(p.waiting, 0);
});

test('a pool of two listeners shares the events; a handler pidone cannot call accepts any result', () => {
  const { p, listener, send } = pool(['REMOTE_COMMUNICATION'], 10, 'any');
  const [a, b] = [listener('lp:0', 1), listener('lp:1', 2)];
  p.running('lp:0', true);
  p.running('lp:1', true);
  a.say('READY\n');
  b.say('READY\n');
  send('one');
  send('two');
  send('three');
  assert.deepEqual([a.serials(), b.serials()], [['0/0'], ['1/1']]);
  a.say('RESULT 6\nwhat?!READY\n');
  assert.deepEqual(a.serials(), ['0/0', '2/2'], 'not rejected: the next event');
});

test('a listener that breaks the protocol gets no more events; a bad result line rejects its event', () => {
  const { p, log, listener, send } = pool(['REMOTE_COMMUNICATION']);
  const a = listener('lp', 1);
  p.running('lp', true);
  a.say('READY\n');
  send('x');
  a.say('RESULT many\n');
  assert.deepEqual(log.map((l) => l.split(':')[0] + ':' + l.split(':')[1]), ['warn lp: bad result line', 'warn lp: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol']);
  a.say('READY\n');
  assert.equal(a.sent.length, 1);
  assert.equal(p.waiting, 1, 'kept for a listener that behaves');
});

function router(clock: FakeClock) {
  const lines: ((stream: 'stdout' | 'stderr', line: string) => void)[] = [];
  const r = new EventRouter({
    identifier: 'supervisor', log: () => {}, now: () => clock.now(), setTimer: (ms, fn) => clock.setTimer(ms, fn),
    sink: { subscribe: (_name, fn) => (lines.push(fn), () => {}) },
  });
  const seen: string[] = [];
  r.subscribe((e) => seen.push(`${e.eventname} ${e.serial ?? '-'} ${e.payload}`));
  return { r, seen, lines };
}

test('the router: no tick timer unless a pool subscribes to ticks; ticks fall on the period boundaries', () => {
  const clock = new FakeClock(1_796_545_362_500);
  const { r, seen } = router(clock);
  r.configure([ini('app'), ini('l', { eventlistener: { events: ['PROCESS_STATE'], buffer_size: 10, accepts: 'OK' } })]);
  assert.equal(clock.pending(), 0, 'an idle pidone makes no wakeups');
  r.configure([ini('app'), ini('l', { eventlistener: { events: ['TICK_5', 'TICK_60'], buffer_size: 10, accepts: 'OK' } })]);
  assert.equal(clock.pending(), 1);
  clock.advance(2_499);
  assert.equal(seen.length, 0, 'the first look only notes the current period');
  clock.advance(1);
  clock.advance(5_000);
  assert.deepEqual(seen, ['TICK_5 0 when:1796545365', 'TICK_5 1 when:1796545370']);
  clock.advance(50_000);
  assert.deepEqual(seen.filter((e) => e.startsWith('TICK_60')), ['TICK_60 4 when:1796545380'], 'TICK_60 on the minute, after that TICK_5');
  assert.deepEqual([seen.length, seen.at(-1)], [13, 'TICK_5 12 when:1796545420']);
  r.configure([ini('app')]);
  assert.equal(clock.pending(), 0, 'the pool is gone: so is the timer');
});

test('the router: serials count only events a pool takes; payloads as supervisord words them', () => {
  const clock = new FakeClock();
  const { r, seen, lines } = router(clock);
  const web = ini('web', { stdout_events_enabled: true });
  r.configure([web, ini('l', { eventlistener: { events: ['PROCESS_STATE_EXITED', 'PROCESS_LOG'], buffer_size: 10, accepts: 'OK' } })]);
  r.started(['l', 'web']);
  r.supervisor({ type: 'state', name: 'web', from: 'STOPPED', to: 'STARTING', tries: 0 });
  r.supervisor({ type: 'spawned', name: 'web', pid: 42 });
  r.supervisor({ type: 'state', name: 'web', from: 'STARTING', to: 'RUNNING', pid: 42, startsecs: 1 });
  lines[0]!('stdout', 'hello');
  lines[0]!('stderr', 'not enabled');
  r.supervisor({ type: 'state', name: 'web', from: 'RUNNING', to: 'EXITED', pid: 42, expected: false });
  assert.deepEqual(seen, [
    'PROCESS_GROUP_ADDED - groupname:l\n', 'PROCESS_GROUP_ADDED - groupname:web\n', 'SUPERVISOR_STATE_CHANGE_RUNNING - ',
    'PROCESS_STATE_STARTING - processname:web groupname:web from_state:STOPPED tries:0',
    'PROCESS_STATE_RUNNING - processname:web groupname:web from_state:STARTING pid:42',
    'PROCESS_LOG_STDOUT 0 processname:web groupname:web pid:42 channel:stdout\nhello\n',
    'PROCESS_STATE_EXITED 1 processname:web groupname:web from_state:RUNNING expected:0 pid:42',
  ]);
});
