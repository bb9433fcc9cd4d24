// Loading the native addon: the first candidate that loads wins, a broken one does not hide
// a good one, and failures are explained.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAddon } from '../src/io/addon.ts';
import { ROOT } from './support/pid1.ts';

const built = join(ROOT, 'native', 'build', 'Release', 'pidone.node');

test('a candidate that exists but cannot load (wrong libc, corrupt) falls through to the next', () => {
  const broken = join(mkdtempSync(join(tmpdir(), 'pidone-addon-')), 'pidone.node');
  writeFileSync(broken, 'not an ELF file');
  const loaded = loadAddon([broken, built]);
  assert.equal(loaded.addon === null ? loaded.reason : loaded.path, built);
  assert.equal(typeof loaded.addon?.reap, 'function');
});

test('when nothing loads, the reason names every failure; when nothing exists, where it looked', () => {
  const broken = join(mkdtempSync(join(tmpdir(), 'pidone-addon-')), 'pidone.node');
  writeFileSync(broken, 'not an ELF file');
  const failed = loadAddon([broken, '/nonexistent/pidone.node']);
  assert.equal(failed.addon, null);
  assert.match(failed.addon === null ? failed.reason : '', new RegExp(`^${broken}: .*`));
  const missing = loadAddon(['/nonexistent/a.node', '/nonexistent/b.node']);
  assert.equal(missing.addon === null ? missing.reason : '', 'pidone.node not found (looked in /nonexistent/a.node, /nonexistent/b.node)');
});
