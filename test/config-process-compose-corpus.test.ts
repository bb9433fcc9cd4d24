// The 13 real process-compose.yaml files of test/fixtures/process-compose (from public
// repositories, unchanged: SOURCES.md) load with `pidone check --json`, and give the model
// written by hand in <name>.expected.json from process-compose's meaning of each key: the start
// plan, every warning (each says what pidone does instead), and each program's fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from './support/daemon.ts';
import { DIST, ROOT } from './support/pid1.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'process-compose');
const SHARED = join(ROOT, '..', 'shared', 'corpus', 'process-compose');
const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();

interface Expected {
  plan: string[][];
  warnings: string[];
  every: Record<string, unknown>;
  programs: Record<string, Record<string, unknown>>;
}

const withDir = (v: unknown, dir: string): unknown => JSON.parse(JSON.stringify(v).replaceAll('<dir>', dir));

test('the corpus holds the 13 files, each with its expected model', () => {
  assert.equal(names.length, 13);
  for (const n of names) assert.ok(existsSync(join(FIXTURES, `${n}.expected.json`)), n);
});

test('the fixtures are the shared corpus files byte for byte', { skip: !existsSync(SHARED) && 'no ../shared/corpus here' }, () => {
  for (const n of names) assert.ok(readFileSync(join(FIXTURES, `${n}.yaml`)).equals(readFileSync(join(SHARED, `${n}.yaml`))), n);
});

for (const name of names) {
  test(`${name}.yaml loads unchanged with process-compose's meaning`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pidone-pc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(join(FIXTURES, `${name}.yaml`), join(dir, `${name}.yaml`));
    const want = withDir(JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')), dir) as Expected;
    const r = await exec(['/bin/sh', '-c', `cd "$1" && exec "$2" "$3" check --json -c "$4"`, 'sh', dir, process.execPath, DIST, `${name}.yaml`],
      { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir });
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.split('\n').filter((l) => l !== '').map((l) => l.replace(`${name}.yaml:`, ''));
    assert.deepEqual(warnings, want.warnings);
    const model = JSON.parse(r.stdout) as { plan: string[][]; programs: Array<Record<string, unknown>> };
    assert.deepEqual(model.plan, want.plan);
    assert.deepEqual(model.programs.map((p) => p.name).sort(), Object.keys(want.programs).sort());
    for (const p of model.programs) {
      const expected = { ...want.every, ...want.programs[p.name as string] };
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(p[key], value, `${p.name}.${key}`);
    }
  });
}
