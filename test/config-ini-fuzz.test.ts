// Property: whatever the bytes, parseIni returns (never throws), every problem is a well-formed
// diagnostic, and whenever supervisord would reject the file there is an error diagnostic too.
// Mutations of the valid fixtures, from a seeded PRNG: a failure names its seed and iteration.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseIni } from '../src/config/ini.ts';
import { prng } from './support/prng.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 400);
const FIXTURES = fileURLToPath(new URL('./fixtures/ini', import.meta.url));

const SNIPPETS = [
  '[', ']', '[program:', '[group:g]\nprograms=', '%(', '%(ENV_', '%(process_num)', '%(here)s', '%%', '%s', '%d', '%(x',
  ';', ' ;', ' #', '#', '=', ':', '\n  ', '\t', '"', "'", ',', 'numprocs=3', 'numprocs=100000', 'process_name=%(program_name)s',
  'environment=A="', 'stopsignal=', 'exitcodes=999', '[DEFAULT]\n', '[include]\nfiles=*', 'command=', 'priority=x',
  '\ufeff', '\u0000', '\r', '\u2028', 'é', '[eventlistener:l]\nevents=', '[fcgi-program:f]\nsocket=', 'depends_on=a:b',
  'ready_tcp=', 'backoff_initial=9h', '\\', '%(process_num)*d', '%c', '%(numprocs)0999d',
];

function mutate(text: string, rand: () => number): string {
  const lines = text.split('\n');
  const pick = (n: number) => Math.floor(rand() * n);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const i = pick(lines.length);
    switch (pick(6)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[i] ?? '');
        break;
      case 2: {
        const j = pick(lines.length);
        [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
        break;
      }
      case 3: {
        const line = lines[i] ?? '';
        const at = pick(line.length + 1);
        lines[i] = line.slice(0, at) + (SNIPPETS[pick(SNIPPETS.length)] ?? '') + line.slice(at);
        break;
      }
      case 4: {
        const bytes = Array.from({ length: 1 + pick(6) }, () => String.fromCharCode(pick(256)));
        lines.splice(i, 0, bytes.join(''));
        break;
      }
      default:
        lines[i] = (lines[i] ?? '').replace(/=.*/, `=${SNIPPETS[pick(SNIPPETS.length)] ?? ''}`);
    }
  }
  return lines.join('\n');
}

describe('INI fuzz', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-ini-fuzz-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sources = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.conf') && !f.startsWith('err-'))
    .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));

  it(`${ITERATIONS} mutations of ${sources.length} fixtures (seed ${SEED})`, () => {
    const rand = prng(SEED);
    for (let n = 0; n < ITERATIONS; n++) {
      const text = mutate(sources[Math.floor(rand() * sources.length)] ?? '', rand);
      const file = join(dir, 'fuzz.conf');
      writeFileSync(file, text);
      const where = `seed ${SEED}, iteration ${n}:\n${text}`;
      let result;
      try {
        result = parseIni(file, { env: { HOME: '/root', PORT: '80' }, hostname: 'box', cwd: dir, fragment: rand() < 0.2 });
      } catch (err) {
        assert.fail(`threw ${(err as Error).stack}\n${where}`);
      }
      for (const d of result.diagnostics) {
        assert.ok(typeof d.file === 'string' && d.file.length > 0, where);
        assert.ok(Number.isInteger(d.line) && d.line >= 0, where);
        assert.ok(d.severity === 'error' || d.severity === 'warning', where);
        assert.ok(typeof d.message === 'string' && d.message.length > 0, where);
      }
      if (result.upstream.error !== null) {
        assert.ok(result.diagnostics.some((d) => d.severity === 'error'), `supervisord rejects, no error diagnostic; ${where}`);
      }
      if (!result.diagnostics.some((d) => d.severity === 'error')) {
        const names = result.programs.map((p) => p.name);
        assert.equal(new Set(names).size, names.length, `duplicate process names; ${where}`);
      }
    }
  });
});
