// schema/pidone.schema.json agrees with the loader: valid files pass it, invalid ones fail it,
// and it names exactly the keys the loader knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validate, type Schema } from './support/json-schema.ts';
import { PROGRAM_KEYS } from '../src/config/yaml-program.ts';
import { loadConfig } from '../src/config/load.ts';
import { ConfigError } from '../src/config/diagnostic.ts';
import { anyHost } from './support/config.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(ROOT, 'schema/pidone.schema.json'), 'utf8')) as Schema & Record<string, any>;
const FIXTURES = join(ROOT, 'test/fixtures/config');
const yamlIn = (dir: string) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
const valid = [...yamlIn(join(ROOT, 'examples')), ...yamlIn(FIXTURES).filter((f) => !f.includes('/invalid-'))];
const invalid = yamlIn(FIXTURES).filter((f) => f.includes('/invalid-'));
// The YAML value an editor's language server validates: merge keys resolved.
const valueOf = (file: string) => parse(readFileSync(file, 'utf8'), { merge: true }) as unknown;

test('there are files to check', () => {
  assert.ok(valid.length >= 4 && invalid.length >= 4, `${valid.length} valid, ${invalid.length} invalid`);
});

for (const file of valid) {
  test(`valid: ${file.slice(ROOT.length)} passes the loader and the schema`, () => {
    loadConfig(file, { env: {}, hostname: 'h', cwd: ROOT, host: anyHost });
    assert.deepEqual(validate(valueOf(file), schema), []);
  });
}

for (const file of invalid) {
  test(`invalid: ${file.slice(ROOT.length)} fails the loader and the schema`, () => {
    assert.throws(() => loadConfig(file, { env: {}, hostname: 'h', cwd: ROOT, host: anyHost }), ConfigError);
    assert.notDeepEqual(validate(valueOf(file), schema), []);
  });
}

test('the schema lists exactly the program keys the loader accepts', () => {
  const inSchema = Object.keys(schema.definitions.program.properties).sort();
  assert.deepEqual(inSchema, [...PROGRAM_KEYS].sort());
});

test('the validator itself rejects what it should', () => {
  const s: Schema = { type: 'object', properties: { a: { $ref: '#/definitions/n' } }, required: ['a'], additionalProperties: false, definitions: { n: { type: 'integer', minimum: 1 } } };
  assert.deepEqual(validate({ a: 1 }, s), []);
  assert.equal(validate({ a: 0 }, s).length, 1);
  assert.equal(validate({ a: 1, b: 2 }, s).length, 1);
  assert.equal(validate({}, s).length, 1);
  assert.equal(validate({ a: 'x' }, s).length, 1);
});
