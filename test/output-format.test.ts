// Unit tests of the output layer's pure parts: line splitting, prefixes, colours, tails, json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, F_CONT, F_NOEOL } from '../src/io/line-splitter.ts';
import { useColor, makePrefixes, nameWidth, ColorAssigner, PALETTE, timestampText } from '../src/io/prefix.ts';
import { RingBuffer } from '../src/io/ring-buffer.ts';
import { jsonRecord, asJsonObject } from '../src/io/json-lines.ts';

/** Runs feed/flush and returns [text, flags] per piece. */
function pieces(sp: LineSplitter, n: number): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i < n; i++) out.push([sp.bufs[i]!.toString('latin1', sp.starts[i], sp.ends[i]), sp.flags[i]!]);
  return out;
}

test('splitter: whole lines, carry across chunks, flush at EOF', () => {
  const sp = new LineSplitter();
  assert.deepEqual(pieces(sp, sp.feed(Buffer.from('a\nbb\ncc'))), [['a\n', 0], ['bb\n', 0]]);
  assert.equal(sp.pending, 2);
  assert.deepEqual(pieces(sp, sp.feed(Buffer.from('c'))), []);
  assert.deepEqual(pieces(sp, sp.feed(Buffer.from('c\nd'))), [['cccc\n', 0]]);
  assert.deepEqual(pieces(sp, sp.flush()), [['d', F_NOEOL]]);
  assert.equal(sp.pending, 0);
  assert.deepEqual(pieces(sp, sp.flush()), []);
});

test('splitter: a partial line flushed early makes the rest a continuation', () => {
  const sp = new LineSplitter();
  sp.feed(Buffer.from('Password: '));
  assert.deepEqual(pieces(sp, sp.flush()), [['Password: ', F_NOEOL]]);
  assert.deepEqual(pieces(sp, sp.feed(Buffer.from('ok\nnext\n'))), [['ok\n', F_CONT], ['next\n', 0]]);
});

test('splitter: lines longer than maxLine come in marked pieces that rebuild the line', () => {
  const sp = new LineSplitter(10);
  const long = 'x'.repeat(25) + '\n';
  assert.deepEqual(pieces(sp, sp.feed(Buffer.from(`ab\n${long}z\n`))), [
    ['ab\n', 0], ['x'.repeat(10), F_NOEOL], ['x'.repeat(10), F_NOEOL | F_CONT], ['xxxxx\n', F_CONT], ['z\n', 0],
  ]);
  // The same line arriving byte by byte gives the same pieces.
  const got: [string, number][] = [];
  for (const ch of long) got.push(...pieces(sp, sp.feed(Buffer.from(ch))));
  assert.deepEqual(got, [['x'.repeat(10), F_NOEOL], ['x'.repeat(10), F_NOEOL | F_CONT], ['xxxxx\n', F_CONT]]);
  // A long unfinished line flushed at EOF.
  sp.feed(Buffer.from('y'.repeat(12)));
  assert.deepEqual(pieces(sp, sp.flush()), [['yy', F_NOEOL | F_CONT]]);
});

test('splitter: cuts a long line on a UTF-8 boundary, bytes unchanged', () => {
  const sp = new LineSplitter(10);
  const line = Buffer.from('aaaaaaaaé€\n'); // é is 2 bytes at 8-9, € 3 bytes at 10-12
  const got = pieces(sp, sp.feed(line));
  assert.equal(got[0]![0].length, 10);
  const sp2 = new LineSplitter(9);
  const p = pieces(sp2, sp2.feed(line));
  assert.equal(Buffer.from(p[0]![0], 'latin1').toString('utf8'), 'aaaaaaaa'); // é not split
  assert.deepEqual(Buffer.concat(p.map(([t]) => Buffer.from(t, 'latin1'))), line);
});

test('splitter: bytes that are not UTF-8 pass unchanged', () => {
  const sp = new LineSplitter();
  const raw = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x0a, 0x80, 0x0a]);
  const n = sp.feed(raw);
  assert.deepEqual(Buffer.concat(pieces(sp, n).map(([t]) => Buffer.from(t, 'latin1'))), raw);
});

test('colour decision: settings, TTY, NO_COLOR, FORCE_COLOR', () => {
  assert.equal(useColor('auto', true, {}), true);
  assert.equal(useColor('auto', false, {}), false);
  assert.equal(useColor('always', false, {}), true);
  assert.equal(useColor('never', true, {}), false);
  assert.equal(useColor('always', true, { NO_COLOR: '1' }), false);
  assert.equal(useColor('auto', true, { NO_COLOR: '' }), true); // empty NO_COLOR is unset
  assert.equal(useColor('never', false, { FORCE_COLOR: '1' }), true);
  assert.equal(useColor('never', false, { FORCE_COLOR: '' }), true);
  assert.equal(useColor('always', true, { FORCE_COLOR: '0' }), false);
  assert.equal(useColor('always', true, { FORCE_COLOR: 'false' }), false);
  assert.equal(useColor('auto', false, { FORCE_COLOR: '1', NO_COLOR: '1' }), true);
});

test('prefixes: padded to the widest name and pidone, | for stdout, ! for stderr, + for continued', () => {
  assert.equal(nameWidth(['a', 'bb']), 6);
  assert.equal(nameWidth(['a', 'worker-long']), 11);
  const out = makePrefixes('web', 8, 'stdout', null);
  assert.equal(out.first.toString(), 'web      | ');
  assert.equal(out.cont.toString(), 'web      |+');
  const err = makePrefixes('web', 8, 'stderr', null);
  assert.equal(err.first.toString(), 'web      ! ');
  assert.equal(err.cont.toString(), 'web      !+');
  const c = makePrefixes('web', 6, 'stderr', PALETTE[0]!);
  assert.equal(c.first.toString(), '\x1b[36mweb   \x1b[0m \x1b[31m!\x1b[0m ');
  assert.equal(makePrefixes('web', 6, 'stdout', PALETTE[0]!).first.toString(), '\x1b[36mweb    |\x1b[0m ');
});

test('colours: stable per program, first free one for newcomers', () => {
  const c = new ColorAssigner();
  assert.equal(c.colorOf('a'), PALETTE[0]);
  assert.equal(c.colorOf('b'), PALETTE[1]);
  assert.equal(c.colorOf('a'), PALETTE[0]);
  c.release('a');
  assert.equal(c.colorOf('c'), PALETTE[0]);
  assert.equal(c.colorOf('b'), PALETTE[1]);
});

test('timestamps: ISO-8601 UTC with milliseconds', () => {
  assert.equal(timestampText(Date.UTC(2025, 10, 25, 1, 22, 3, 45), false), '2025-11-25T01:22:03.045Z ');
});

test('ring buffer keeps the newest bytes and counts all', () => {
  const r = new RingBuffer(8);
  assert.deepEqual(r.tail(100), Buffer.alloc(0));
  r.push(Buffer.from('abc'));
  r.push(Buffer.from('defgh'));
  assert.equal(r.tail(100).toString(), 'abcdefgh');
  r.push(Buffer.from('ijk'));
  assert.equal(r.tail(100).toString(), 'defghijk');
  assert.equal(r.tail(4).toString(), 'hijk');
  r.push(Buffer.from('0123456789xyz'), 3, 13);
  assert.equal(r.tail(8).toString(), '56789xyz');
  assert.equal(r.total, 21);
});

test('json records: msg, embedded object verbatim, continued pieces', () => {
  const b = ',"program":"web","stream":"stdout"';
  const T = '1970-01-01T00:00:00.005Z';
  assert.equal(jsonRecord(T, b, 'hi "there"', false), `{"level":"info","time":"${T}","program":"web","stream":"stdout","msg":"hi \\"there\\""}\n`);
  const obj = '{"id":12345678901234567890,"msg":"x"}';
  const rec = jsonRecord(T, b, `  ${obj} `, false);
  assert.equal(rec, `{"level":"info","time":"${T}","program":"web","stream":"stdout","json":${obj}}\n`);
  assert.deepEqual(JSON.parse(rec).json.msg, 'x');
  assert.equal(JSON.parse(jsonRecord(T, b, obj, true)).msg, obj);
  assert.equal(JSON.parse(jsonRecord(T, b, obj, true)).continued, true);
  assert.equal(asJsonObject('[1,2]'), null);
  assert.equal(asJsonObject('{not json}'), null);
  assert.equal(asJsonObject('{}'), '{}');
});
