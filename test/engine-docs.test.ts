// docs/engine.md draws the lifecycle from the table itself: the picture cannot drift from the
// machine (regenerate it with `npm run docs:engine`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from './support/pid1.ts';
import { withTable } from '../scripts/engine-table.ts';

test('docs/engine.md shows the lifecycle table as src/core/lifecycle.ts has it', () => {
  const doc = readFileSync(`${ROOT}/docs/engine.md`, 'utf8');
  assert.equal(withTable(doc), doc, 'docs/engine.md is out of date: run `npm run docs:engine`');
});
