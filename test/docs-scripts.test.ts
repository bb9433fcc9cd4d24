// A command that works in `sh -c` works unchanged as a `command:`: for every YAML config in
// README.md, docs/*.md, examples/ and docker/example/, each command reaches the program exactly
// as written (only `${VAR}` forms are expanded at load, and not in shell strings), and two of
// the scripts run for real.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/load.ts';
import type { Model } from '../src/model/spec.ts';
import { ROOT } from './support/pid1.ts';
import { anyHost } from './support/config.ts';
import { killIsolated, runIsolated } from './support/isolated.ts';

afterEach(killIsolated);

interface Source { where: string; text: string }

function docBlocks(): Source[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const out: Source[] = [];
  for (const file of files) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)```+\s*(ya?ml)\s*$/.exec(lines[i]!);
      if (!open) continue;
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !/^\s*```+\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(open[1]!.length));
      out.push({ where: `${file}:${start + 1}`, text: `${body.join('\n')}\n` });
    }
  }
  return out;
}

const exampleFiles = (): Source[] => ['examples', join('docker', 'example')].flatMap((d) =>
  readdirSync(join(ROOT, d)).filter((f) => /\.ya?ml$/.test(f)).map((f) => ({ where: join(d, f), text: readFileSync(join(ROOT, d, f), 'utf8') })));

test('every command in the docs and examples reaches its program as written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-scripts-'));
  let commands = 0;
  let withDollar = 0;
  try {
    for (const src of [...docBlocks(), ...exampleFiles()]) {
      const raw = parse(src.text, { merge: true }) as Record<string, any> | null;
      const pc = raw !== null && typeof raw === 'object' && 'processes' in raw && !('programs' in raw);
      const defs = (pc ? raw.processes : raw?.programs) as Record<string, any> | undefined;
      if (!defs || typeof defs !== 'object') continue;
      const file = join(dir, pc ? 'process-compose.yaml' : 'pidone.yaml');
      writeFileSync(file, src.text);
      let model: Model;
      try {
        model = loadConfig(file, { env: { PATH: '/usr/bin:/bin' }, hostname: 'h', cwd: dir, host: anyHost, hostSeverity: 'warning' }).model;
      } catch {
        continue; // blocks that show an error on purpose (docs-examples.test.ts checks those)
      }
      for (const [name, def] of Object.entries(defs)) {
        const written: unknown = def?.command;
        if (written === undefined || JSON.stringify(written).includes('${')) continue;
        const p = model.programs.find((x) => x.group === name);
        assert.ok(p, `${src.where}: ${name}`);
        commands++;
        if (JSON.stringify(written).includes('$')) withDollar++;
        const want = pc ? ['bash', '-c', written] : typeof written === 'string' ? written.replace(/\s+$/, '') : (written as unknown[]).map(String);
        assert.deepEqual(p.command, want, `${src.where}: ${name}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(commands >= 40, `commands checked: ${commands}`);
  assert.ok(withDollar >= 4, `commands with a $: ${withDollar}`);
});

/** Runs a YAML config as PID 1 (nobody, own namespaces) from a temp directory. */
function run(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-scripts-run-'));
  writeFileSync(join(dir, 'pidone.yaml'), yaml);
  chmodSync(dir, 0o755);
  chownSync(dir, 65534, 65534);
  return { dir, run: runIsolated(['-c', join(dir, 'pidone.yaml')], { cwd: dir, env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', XDG_RUNTIME_DIR: dir } }) };
}

test("config.md's exec-form bash loop runs: $i reaches bash", { timeout: 30_000 }, async (t) => {
  const block = docBlocks().find((b) => b.where.startsWith('docs/config.md') && b.text.includes('tick $i of $HOSTNAME'));
  assert.ok(block, 'the example is in docs/config.md');
  const { dir, run: r } = run(block.text);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const i of [1, 2, 3]) await r.line((l) => new RegExp(`^count\\s+\\| tick ${i} of \\S+$`).test(l));
  // A oneshot that completed was everything: pidone ends by itself, with 0.
  assert.equal((await r.exited).code, 0);
});

test("examples/demo.yaml's web loop counts its requests ($((i+1)) and $APP_ENV reach sh)", { timeout: 30_000 }, async (t) => {
  const { dir, run: r } = run(readFileSync(join(ROOT, 'examples', 'demo.yaml'), 'utf8'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await r.line((l) => /^web\s+\| GET \/hello 200 \(demo, request 2\)$/.test(l), 15_000);
  await r.line((l) => /^worker\s+\| worker: processed a job$/.test(l));
  process.kill(await r.pid(), 'SIGTERM');
  assert.equal((await r.exited).code, 0);
});
