// parseIni against real supervisord 4.2.5: every file of the shared corpus against the JSON the
// oracle (corpus/oracle.py, the real Supervisor parser) wrote for it, and every fixture of
// test/fixtures/ini against the oracle run live when the Debian `supervisor` package is
// installed (else against the committed NAME.expected.json). Set UPDATE_INI_EXPECTED=1 to
// rewrite the committed files from the live oracle.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compareWithOracle, ORACLE_LIVE, runOracle, SHARED_CORPUS } from './support/ini-oracle-shape.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

function confs(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.conf')).sort();
}

describe('shared corpus: parseIni equals the oracle-generated JSON', () => {
  const dir = join(SHARED_CORPUS, 'supervisord');
  it('finds the corpus', () => assert.ok(existsSync(dir), `corpus not found at ${dir} (set PIDONE_CORPUS)`));
  if (!existsSync(dir)) return;
  for (const f of confs(dir)) {
    it(f, () => {
      const expected = JSON.parse(readFileSync(join(dir, f.replace(/\.conf$/, '.expected.json')), 'utf8')) as Record<string, unknown>;
      compareWithOracle(join(dir, f), expected, SHARED_CORPUS, SHARED_CORPUS);
    });
  }
});

describe(`own fixtures: parseIni equals ${ORACLE_LIVE ? 'the live oracle' : 'the committed oracle JSON'}`, () => {
  const dir = join(FIXTURES, 'ini');
  const files = confs(dir);
  const live = ORACLE_LIVE ? runOracle(FIXTURES, files.map((f) => join(dir, f))) : null;
  if (live) it('runs the oracle', () => assert.equal(live.error, null));
  it('has at least 30 fixtures', () => assert.ok(files.length >= 30, `${files.length} fixtures`));
  for (const f of files) {
    it(f, () => {
      const committedPath = join(dir, f.replace(/\.conf$/, '.expected.json'));
      const fromLive = live?.results[f];
      if (fromLive && process.env.UPDATE_INI_EXPECTED === '1') writeFileSync(committedPath, JSON.stringify(fromLive, null, 2) + '\n');
      assert.ok(existsSync(committedPath), `${committedPath} is missing: run with UPDATE_INI_EXPECTED=1`);
      const committed = JSON.parse(readFileSync(committedPath, 'utf8')) as Record<string, unknown>;
      if (fromLive) assert.deepStrictEqual(committed, fromLive, 'committed expected JSON is stale: run with UPDATE_INI_EXPECTED=1');
      compareWithOracle(join(dir, f), fromLive ?? committed, FIXTURES, FIXTURES);
    });
  }
});
