// Every config in the docs is a working config: each ```yaml and ```ini block of README.md and
// docs/*.md, every examples/ file and the docker example go through the built
// `node dist/pidone.js check -c FILE`, which must exit 0 (warnings about this host, such as a
// missing user or directory, are allowed: check reports those as warnings). A block that
// cannot be a whole config is marked with `<!-- fragment -->` on the line before it; a block
// marked `<!-- invalid -->` shows an error on purpose and must exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const DIST = join(ROOT, 'dist', 'pidone.js');

interface Block { file: string; line: number; lang: 'yaml' | 'ini'; text: string; mark: 'fragment' | 'invalid' | null }

function blocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```+\s*(\w+)?/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```+\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
    const lang = open[2]?.toLowerCase();
    if (lang !== 'yaml' && lang !== 'yml' && lang !== 'ini') continue;
    let prev = start - 1;
    while (prev >= 0 && lines[prev]!.trim() === '') prev--;
    const mark = /<!--\s*(fragment|invalid)\s*-->/.exec(lines[prev] ?? '')?.[1] as Block['mark'] ?? null;
    out.push({ file, line: start + 1, lang: lang === 'ini' ? 'ini' : 'yaml', text: `${body.join('\n')}\n`, mark });
  }
  return out;
}

const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const all = docs.flatMap(blocks);

function check(file: string, cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [DIST, 'check', '-c', file], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Runs at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await fn(items[k]!);
    }
  }));
  return out;
}

test('the docs have config examples in both formats, and few fragments', () => {
  const full = all.filter((b) => b.mark === null);
  assert.ok(full.filter((b) => b.lang === 'yaml').length >= 10, `YAML examples: ${full.filter((b) => b.lang === 'yaml').length}`);
  assert.ok(full.filter((b) => b.lang === 'ini').length >= 3, `INI examples: ${full.filter((b) => b.lang === 'ini').length}`);
  assert.ok(all.filter((b) => b.mark === 'fragment').length <= 3, 'fragments are the exception');
  for (const f of ['README.md', 'docs/migration.md', 'docs/config.md', 'docs/ini-extensions.md']) assert.ok(full.some((b) => b.file === f), `${f} has a checked example`);
});

test('every ```yaml / ```ini block in README.md and docs/*.md passes pidone check', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-docs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const checked = all.filter((b) => b.mark !== 'fragment');
  const results = await pool(checked, 4, (b) => {
    const file = join(dir, `${b.file.replace(/\W/g, '_')}_${b.line}.${b.lang === 'ini' ? 'conf' : 'yaml'}`);
    writeFileSync(file, b.text);
    return check(file, dir);
  });
  const failures: string[] = [];
  checked.forEach((b, k) => {
    const r = results[k]!;
    const want = b.mark === 'invalid' ? 2 : 0;
    if (r.code !== want) failures.push(`${b.file}:${b.line} (${b.lang}): exit ${r.code}, expected ${want}\n${r.err}`);
    else if (want === 0) assert.match(r.out, /: valid, \d+ process/, `${b.file}:${b.line}`);
  });
  assert.deepEqual(failures, []);
  t.diagnostic(`${checked.length} blocks checked`);
});

test('every examples/ config and the docker example pass pidone check', async () => {
  const files = [
    ...readdirSync(join(ROOT, 'examples')).filter((f) => /\.(ya?ml|conf|ini)$/.test(f)).map((f) => join(ROOT, 'examples', f)),
    ...readdirSync(join(ROOT, 'docker', 'example')).filter((f) => /\.(ya?ml|conf|ini)$/.test(f)).map((f) => join(ROOT, 'docker', 'example', f)),
  ];
  assert.ok(files.length >= 4);
  const results = await pool(files, 4, (f) => check(f, ROOT));
  files.forEach((f, k) => assert.equal(results[k]!.code, 0, `${f}: ${results[k]!.err}`));
});

test('the reference documents every key the parsers accept', async () => {
  const { PROGRAM_KEYS } = await import('../src/config/yaml-program.ts');
  const { PROGRAM_EXTENSION_KEYS, SUPERVISORD_EXTENSION_KEYS } = await import('../src/config/ini-extensions.ts');
  const config = readFileSync(join(ROOT, 'docs', 'config.md'), 'utf8');
  const ini = readFileSync(join(ROOT, 'docs', 'ini-extensions.md'), 'utf8');
  // Program keys (and their supervisord aliases) from the parser itself.
  const missing = PROGRAM_KEYS.filter((k) => !config.includes(`\`${k}\``));
  // Every property name in the JSON schema (top level, settings, control, ready, backoff...).
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'pidone.schema.json'), 'utf8'));
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) names.add(k);
    Object.values(o).forEach(walk);
  };
  walk(schema);
  assert.ok(names.size > 40, `schema properties: ${names.size}`);
  missing.push(...[...names].filter((k) => !config.includes(`\`${k}\``) && !config.includes(`\`${k}.`) && !config.includes(`.${k}\``)));
  assert.deepEqual(missing, [], 'keys missing from docs/config.md');
  const iniMissing = [...PROGRAM_EXTENSION_KEYS, ...SUPERVISORD_EXTENSION_KEYS].filter((k) => !ini.includes(`\`${k}\``));
  assert.deepEqual(iniMissing, [], 'keys missing from docs/ini-extensions.md');
});
