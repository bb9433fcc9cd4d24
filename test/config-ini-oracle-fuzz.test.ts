// Differential fuzz: random configs from test/support/ini-gen.ts, parsed by parseIni and by
// the real supervisord parser (live oracle, so only where Debian's `supervisor` package is
// installed); every difference in verdict, error text, warnings or computed value fails.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { INCLUDED_FILES, prng, randomConfig } from './support/ini-gen.ts';
import { compareWithOracle, ORACLE_LIVE, runOracle } from './support/ini-oracle-shape.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 7);
const COUNT = Number(process.env.FUZZ_ITERATIONS ?? 200);

describe('INI differential fuzz against real supervisord', { skip: ORACLE_LIVE ? false : 'supervisor package not installed' }, () => {
  const base = mkdtempSync(join(tmpdir(), 'pidone-ini-diff-'));
  after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'ini');
  for (const [name, text] of Object.entries(INCLUDED_FILES)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const rand = prng(SEED);
  const files = Array.from({ length: COUNT }, (_, n) => {
    const file = join(dir, `gen-${n}.conf`);
    writeFileSync(file, randomConfig(rand));
    return file;
  });
  const live = runOracle(base, files);
  it('runs the oracle', () => {
    if (live.error) throw new Error(live.error);
  });
  files.forEach((file, n) => {
    it(`seed ${SEED} config ${n}`, () => {
      const expected = live.results[`gen-${n}.conf`];
      if (!expected) throw new Error('no oracle result');
      compareWithOracle(file, expected, base, base);
    });
  });
});
