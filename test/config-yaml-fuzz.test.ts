// Property: whatever a YAML file becomes after random edits, loading it either succeeds or throws
// a ConfigError with positioned diagnostics: never a TypeError, a RangeError or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadYamlText } from '../src/config/load.ts';
import { ConfigError } from '../src/config/diagnostic.ts';
import { anyHost, tempDir } from './support/config.ts';
import { prng as rng } from './support/prng.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const SEEDS = ['examples/demo.yaml', 'examples/stack.yaml', 'test/fixtures/config/full.yaml'].map((f) => readFileSync(join(ROOT, f), 'utf8'));
const TOKENS = [
  ':', ': ', '-', '- ', '[', ']', '{', '}', ',', "'", '"', '\n', '  ', '    ', '\t', '#', '&a ', '*a', '<<: *a\n', '!!str ',
  '${', '${X:-1}', '${Y:?no}', '$$', '%(process_num)d', '0', '-1', '1e9', '0o777', 'null', '~', 'true', 'no', '.inf',
  'programs:', 'depends_on: [web]', 'depends_on: {db: ready}', 'ready: {tcp: x}', 'ready: { http: "http://x" }',
  'numprocs: 3', 'process_name: a', 'env_file: missing.env', 'restart: sometimes', 'stop_signal: 99', '10s', '1m30',
  'command: []', 'command: ""', 'web', 'db', 'x-a: &a {user: u}', '? complex\n', '|\n', '>-\n', '---\n', '...\n',
];

function mutate(text: string, r: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const at = Math.floor(r() * (text.length + 1));
  const lines = text.split('\n');
  switch (Math.floor(r() * 6)) {
    case 0: return text.slice(0, at) + pick(TOKENS) + text.slice(at);
    case 1: return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
    case 2: {
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 3: {
      const i = Math.floor(r() * lines.length);
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 4: {
      // Replace a value after a colon with a token.
      const i = Math.floor(r() * lines.length);
      lines[i] = (lines[i] ?? '').replace(/:\s.*$/, `: ${pick(TOKENS)}`);
      return lines.join('\n');
    }
    default: {
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 1);
      return lines.join('\n');
    }
  }
}

test('random edits of valid files only ever produce ConfigError', () => {
  const dir = tempDir({ 'existing.env': 'A=1\n' });
  const file = join(dir, 'pidone.yaml');
  const started = Date.now();
  let accepted = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed);
    let text = SEEDS[seed % SEEDS.length] ?? '';
    const edits = 1 + Math.floor(r() * 3);
    for (let i = 0; i < edits; i++) text = mutate(text, r);
    try {
      const { model } = loadYamlText(text, file, { env: { X: '2' }, hostname: 'h', cwd: dir, host: anyHost });
      JSON.stringify(model);
      accepted++;
    } catch (err) {
      if (!(err instanceof ConfigError)) {
        assert.fail(`seed ${seed}: ${(err as Error).stack}\n--- input ---\n${text}`);
      }
      for (const d of err.diagnostics) assert.ok(d.line >= 0 && d.message.length > 0, `seed ${seed}: ${JSON.stringify(d)}`);
    }
  }
  // Some mutations are harmless: the property must be exercised on both outcomes.
  assert.ok(accepted > 10 && accepted < 400, `accepted ${accepted} of 400`);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
});
