// log_format: json read the way log shippers read it with no parser config of their own
// (issue 17): Loki's detected level and its `| json` parser, Fluent Bit's json parser with the
// time key and format of its stock docker parser. Every line pidone prints, program lines and
// pidone's own alike, must give a known level and a time, with the expected keys and types.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll, runPidone } from './support/pid1.ts';

afterEach(killAll);

// Loki derives detected_level from the first of these fields in a JSON line, and knows only
// these values (case-insensitive); anything else, a number among them, is "unknown".
const LOKI_LEVEL_FIELDS = ['level', 'LEVEL', 'Level', 'severity', 'SEVERITY', 'Severity', 'lvl', 'LVL', 'Lvl'];
const LOKI_LEVELS: Record<string, string> = { trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', err: 'error', critical: 'critical', fatal: 'fatal' };

function lokiDetectedLevel(line: string): string {
  const o = JSON.parse(line) as Record<string, unknown>;
  for (const f of LOKI_LEVEL_FIELDS) {
    if (f in o) return typeof o[f] === 'string' ? (LOKI_LEVELS[(o[f] as string).toLowerCase()] ?? 'unknown') : 'unknown';
  }
  return 'unknown';
}

/** LogQL `| json`: every property a label, nested objects flattened with "_", names sanitised. */
function lokiJson(line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const walk = (o: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(o)) {
      const name = `${prefix}${k.replace(/[^a-zA-Z0-9_]/g, '_')}`;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, `${name}_`);
      else labels[name] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  };
  walk(JSON.parse(line) as Record<string, unknown>, '');
  return labels;
}

/**
 * Fluent Bit's json parser as its stock docker parser sets it up: Time_Key time, Time_Format
 * %Y-%m-%dT%H:%M:%S.%L (a trailing Z is UTC). A record whose time does not parse keeps the
 * ingestion time, which is what a shipper without a parser config of its own would do wrong.
 */
function fluentBitJson(line: string): { time: number | null; record: Record<string, unknown> } {
  const record = JSON.parse(line) as Record<string, unknown>;
  const t = record.time;
  const m = typeof t === 'string' ? /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{1,9})Z?$/.exec(t) : null;
  delete record.time;
  if (m === null) return { time: null, record };
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return { time: Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) + Math.round(Number(`0.${m[7]}`) * 1000), record };
}

test('log_format json: Loki detects every level and Fluent Bit parses every time, program and pidone lines alike', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-json-'));
  const yaml = join(dir, 'pidone.yaml');
  const script = [
    'echo plain text',
    `echo '{"msg":"from the app","id":12345678901234567890,"nested":{"k":1}}'`,
    'echo to stderr >&2',
    'printf "no newline"',
  ].join('; ');
  writeFileSync(yaml, `settings: { log_format: json, control: { socket: ${join(dir, 'ctl.sock')} } }\nprograms:\n  web: { command: ${JSON.stringify(['sh', '-c', script])}, oneshot: true }\n`);
  const t0 = Date.now();
  const run = runPidone(['-c', yaml]);
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stderr());
  const lines = run.stdout.filter(Boolean);
  assert.ok(lines.length >= 6, lines.join('\n'));
  for (const line of lines) {
    assert.notEqual(lokiDetectedLevel(line), 'unknown', `Loki finds no level in ${line}`);
    const { time, record } = fluentBitJson(line);
    assert.ok(time !== null && time >= t0 - 1000 && time <= Date.now() + 1000, `Fluent Bit reads no time from ${line}`);
    assert.equal(typeof record.program, 'string', line);
    assert.equal(typeof record.msg === 'string' || typeof record.json === 'object', true, line);
  }
  const web = lines.map(lokiJson).filter((l) => l.program === 'web');
  // Program lines are info whatever the stream; stdout and stderr may interleave.
  assert.deepEqual(web.map((l) => `${l.level} ${l.stream} ${l.msg ?? l.json_msg}`).sort(), [
    'info stderr to stderr', 'info stdout from the app', 'info stdout no newline', 'info stdout plain text',
  ]);
  const app = web.find((l) => l.json_msg === 'from the app')!;
  assert.equal(app.json_nested_k, '1');
  assert.match(lines.find((l) => l.includes('from the app'))!, /"id":12345678901234567890/, 'big integers keep their digits');
  const own = lines.filter((l) => lokiJson(l).program === 'pidone');
  assert.ok(own.length >= 2, 'pidone lines');
  assert.ok(own.every((l) => ['info', 'warn', 'error'].includes(lokiDetectedLevel(l))));
  assert.match(own.at(-1)!, /^\{"level":"info","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","program":"pidone",.*"msg":"exiting with code 0: /);
});
