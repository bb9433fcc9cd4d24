// The LogSink end to end on fake pipes: bytes written to its output fd, per mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testSink, fakePipe, tick } from './support/output.ts';

test('prefix mode: padded names, | and ! separators, pidone lines, final line without newline', async () => {
  const { sink, text } = testSink({ names: ['web', 'worker-1'] });
  const out = fakePipe();
  const err = fakePipe();
  sink.attach('web', 'stdout', out);
  sink.attach('web', 'stderr', err);
  sink.event('info', "spawned: 'web' with pid 7");
  out.write('hello\nwor');
  await tick();
  err.write('oops\n');
  await tick();
  out.end('ld\nlast without newline');
  await tick();
  sink.event('warn', 'exited: web (exit status 1; not expected)\nsecond line');
  assert.equal(
    await text(),
    "pidone   | spawned: 'web' with pid 7\n" +
      'web      | hello\n' +
      'web      ! oops\n' +
      'web      | world\n' +
      'web      | last without newline\n' +
      'pidone   ! exited: web (exit status 1; not expected)\n' +
      'pidone   ! second line\n',
  );
});

test('names are re-padded when programs come and go', async () => {
  const { sink, text } = testSink();
  const p = fakePipe();
  sink.attach('a', 'stdout', p);
  p.write('1\n');
  await tick();
  sink.addProgram('much-longer-name');
  p.write('2\n');
  await tick();
  sink.removeProgram('much-longer-name');
  p.write('3\n');
  await tick();
  assert.equal(await text(), 'a      | 1\na                | 2\na      | 3\n');
});

test('colours: always / never / auto with TTY / NO_COLOR / FORCE_COLOR', async () => {
  const cases: [Parameters<typeof testSink>[0], 'always' | 'never' | 'auto', boolean][] = [
    [{}, 'always', true],
    [{}, 'never', false],
    [{ isTTY: true }, 'auto', true],
    [{ isTTY: false }, 'auto', false],
    [{ isTTY: true, env: { NO_COLOR: '1' } }, 'always', false],
    [{ isTTY: false, env: { FORCE_COLOR: '1' } }, 'never', true],
    [{ isTTY: true, env: { FORCE_COLOR: '0' } }, 'always', false],
  ];
  for (const [over, color, expectColor] of cases) {
    const { sink, text } = testSink(over, { color });
    const p = fakePipe();
    sink.attach('web', 'stdout', p);
    p.end('x\n');
    await tick();
    const got = await text();
    assert.equal(got.includes('\x1b['), expectColor, `${JSON.stringify(over)} ${color}: ${JSON.stringify(got)}`);
    assert.equal(got.replace(/\x1b\[[0-9;]*m/g, ''), 'web    | x\n');
  }
});

test('timestamps: ISO-8601 before every line', async () => {
  const { sink, text } = testSink({}, { timestamps: true });
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  p.end('a\nb\n');
  await tick();
  sink.event('info', 'done');
  assert.equal(
    await text(),
    '2025-01-02T03:04:05.678Z web    | a\n2025-01-02T03:04:05.678Z web    | b\n2025-01-02T03:04:05.678Z pidone | done\n',
  );
});

test('a line over 64 KiB is printed in pieces marked |+', async () => {
  const { sink, output } = testSink();
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  const long = Buffer.alloc(150 * 1024, 'y');
  p.write(long.subarray(0, 1000));
  p.write(long.subarray(1000));
  p.end('\nafter\n');
  await tick();
  const lines = (await output()).toString('latin1').split('\n');
  assert.deepEqual(lines.map((l) => l.slice(0, 9)), ['web    | ', 'web    |+', 'web    |+', 'web    | ', '']);
  assert.deepEqual(lines.map((l) => l.length - 9), [65536, 65536, 150 * 1024 - 2 * 65536, 5, -9]);
});

test('bytes that are not UTF-8 pass unchanged in prefix and raw modes', async () => {
  const raw = Buffer.from([0xff, 0xfe, 0x41, 0xc3, 0x28, 0x0a]);
  for (const mode of ['prefix', 'raw'] as const) {
    const { sink, output } = testSink({}, { log_format: mode });
    const p = fakePipe();
    sink.attach('web', 'stdout', p);
    p.end(raw);
    await tick();
    const expected = mode === 'prefix' ? Buffer.concat([Buffer.from('web    | '), raw]) : raw;
    assert.deepEqual(await output(), expected);
  }
});

test('raw mode: bytes as written, whole lines, a newline added only to cut pieces', async () => {
  const { sink, output } = testSink({ maxLine: 10 }, { log_format: 'raw' });
  const a = fakePipe();
  const b = fakePipe();
  sink.attach('a', 'stdout', a);
  sink.attach('b', 'stderr', b);
  a.write('a1\na2-p');
  await tick();
  b.write('b1\n');
  await tick();
  a.write('art\n0123456789ab\n');
  await tick();
  a.end();
  b.end('tail');
  await tick();
  assert.equal((await output()).toString(), 'a1\nb1\na2-part\n0123456789\nab\ntail\n');
});

test('json mode: level labels and ISO times, embedded JSON objects, pidone events with fields', async () => {
  const { sink, text } = testSink({}, { log_format: 'json', color: 'always' });
  const p = fakePipe();
  const e = fakePipe();
  sink.attach('web', 'stdout', p);
  sink.attach('web', 'stderr', e);
  p.write('plain "quoted"\r\n{"level":"debug","n":12345678901234567890}\n');
  await tick();
  e.end('boom');
  await tick();
  sink.event('warn', 'exited: web (exit status 1; not expected)', { pid: 42, code: 1, signal: null, state: 'BACKOFF' });
  const lines = (await text()).trimEnd().split('\n');
  const T = '2025-01-02T03:04:05.678Z';
  assert.equal(lines[0], `{"level":"info","time":"${T}","program":"web","stream":"stdout","msg":"plain \\"quoted\\""}`);
  assert.equal(lines[1], `{"level":"info","time":"${T}","program":"web","stream":"stdout","json":{"level":"debug","n":12345678901234567890}}`);
  assert.deepEqual(JSON.parse(lines[2]!), { level: 'info', time: T, program: 'web', stream: 'stderr', msg: 'boom' });
  assert.equal(lines[3], `{"level":"warn","time":"${T}","program":"pidone","pid":42,"code":1,"signal":null,"state":"BACKOFF","msg":"exited: web (exit status 1; not expected)"}`);
  assert.deepEqual(JSON.parse(lines[3]!), {
    level: 'warn', time: T, program: 'pidone', pid: 42, code: 1, signal: null, state: 'BACKOFF',
    msg: 'exited: web (exit status 1; not expected)',
  });
  assert.equal(lines.length, 4);
});

test('subscribe gets decoded lines of one program; tail and written give raw bytes', async () => {
  const { sink, text } = testSink({ tailBytes: 10 });
  const seen: string[] = [];
  const unsubscribe = sink.subscribe('web', (stream, line) => seen.push(`${stream}:${line}`));
  sink.subscribe('other', () => assert.fail('wrong program'));
  const p = fakePipe();
  const e = fakePipe();
  sink.attach('web', 'stdout', p);
  sink.attach('web', 'stderr', e);
  p.write('ready on :80\r\npart');
  e.write('warn\n');
  await tick();
  p.write('ial\n');
  await tick();
  unsubscribe();
  p.write('ignored\n');
  await tick();
  assert.deepEqual(seen, ['stdout:ready on :80', 'stderr:warn', 'stdout:partial']);
  assert.equal(sink.tail('web', 'stdout', 100).toString(), 'l\nignored\n');
  assert.equal(sink.tail('web', 'stdout', 3).toString(), 'ed\n');
  assert.equal(sink.tail('web', 'stderr', 100).toString(), 'warn\n');
  assert.equal(sink.written('web', 'stdout'), 30);
  assert.equal(sink.tail('nobody', 'stdout', 10).length, 0);
  const own: string[] = [];
  sink.subscribe('pidone', (_s, line) => own.push(line));
  sink.event('info', 'hello');
  assert.deepEqual(own, ['hello']);
  assert.equal(sink.tail('pidone', 'stdout', 100).toString(), 'NFO hello\n'); // 10-byte ring
  assert.equal(sink.written('pidone', 'stdout'), '2025-01-02T03:04:05.678Z INFO hello\n'.length);
  // Subscribing to "other" did not add a program (the names stay padded to "pidone").
  assert.match(await text(), /^web    \| ready on :80\r\n/);
});

test('a partial line is printed after partialFlushMs, its rest marked as continued', async () => {
  const { sink, text } = testSink({ partialFlushMs: 30 });
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  p.write('Password: ');
  await tick(80);
  p.end('ok\n');
  await tick();
  assert.equal(await text(), 'web    | Password: \nweb    |+ok\n');
});

test('detach stops reading a stream and prints its partial line', async () => {
  const { sink, text } = testSink();
  const p = fakePipe();
  const detach = sink.attach('web', 'stdout', p);
  p.write('a\nb');
  await tick();
  detach();
  p.write('c\n');
  await tick();
  assert.equal(await text(), 'web    | a\nweb    | b\n');
});
