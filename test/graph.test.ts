// The dependency graph: waves, ordering inside a wave, group dependencies, cycles, stop order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkGraph, planWaves, stopOrder } from '../src/model/graph.ts';
import { parseIni } from '../src/config/ini.ts';
import { YAML_PROGRAM_DEFAULTS } from '../src/config/defaults.ts';
import type { DependencyCondition, ProgramSpec } from '../src/model/spec.ts';
import { SHARED_CORPUS } from './support/ini-oracle-shape.ts';

function prog(name: string, extra: Partial<ProgramSpec> & { deps?: Record<string, DependencyCondition> } = {}): ProgramSpec {
  const { deps, ...rest } = extra;
  return {
    ...YAML_PROGRAM_DEFAULTS, name, group: name, command: 'x', shell: true,
    source: { file: 'f', line: 1 }, depends_on: deps ?? {}, ...rest,
  };
}
const names = (waves: ProgramSpec[][]) => waves.map((w) => w.map((p) => p.name));

test('programs without dependencies share wave 0; the others follow their last dependency', () => {
  const waves = planWaves([
    prog('web', { deps: { migrate: 'completed_successfully', redis: 'ready' } }),
    prog('migrate', { deps: { db: 'ready' } }),
    prog('db'),
    prog('redis'),
    prog('worker', { deps: { db: 'started' } }),
  ]);
  assert.deepEqual(names(waves), [['db', 'redis'], ['migrate', 'worker'], ['web']]);
});

test('inside a wave: priority first, then name with numbers in order', () => {
  const waves = planWaves([prog('b'), prog('a'), prog('z', { priority: 1 }), prog('w:10'), prog('w:2')]);
  assert.deepEqual(names(waves), [['z', 'a', 'b', 'w:2', 'w:10']]);
});

test('INI-style configs without depends_on start in one wave ordered by priority', () => {
  const waves = planWaves([prog('nginx', { priority: 10 }), prog('php-fpm', { priority: 5 }), prog('cron')]);
  assert.deepEqual(names(waves), [['php-fpm', 'nginx', 'cron']]);
});

test('depending on a group waits for every process of it', () => {
  const w0 = prog('worker:0', { group: 'worker' });
  const w1 = prog('worker:1', { group: 'worker', deps: { db: 'ready' } });
  const waves = planWaves([prog('db'), w0, w1, prog('monitor', { deps: { worker: 'started' } })]);
  assert.deepEqual(names(waves), [['db', 'worker:0'], ['worker:1'], ['monitor']]);
  assert.deepEqual(checkGraph([prog('db'), w0, w1, prog('monitor', { deps: { worker: 'started' } })]), []);
});

test('a single process of a group can be named', () => {
  const waves = planWaves([prog('w:0', { group: 'w' }), prog('w:1', { group: 'w', deps: { 'w:0': 'ready' } })]);
  assert.deepEqual(names(waves), [['w:0'], ['w:1']]);
});

test('stop order is the start order reversed', () => {
  const order = stopOrder([prog('db'), prog('api', { deps: { db: 'ready' } }), prog('cache', { priority: 5 })]);
  assert.deepEqual(names(order), [['api'], ['db', 'cache']]);
});

test('cycles: one report per cycle, the path from its first program, at the closing entry', () => {
  const a = prog('a', { deps: { b: 'started' } });
  const b = prog('b', { deps: { a: 'ready' } });
  const c = prog('c', { deps: { c: 'started', nope: 'started' } });
  const problems = checkGraph([a, b, c]);
  assert.deepEqual(problems.map((p) => [p.program.name, p.dependency, p.message]), [
    ['c', 'c', 'c cannot depend on itself'],
    ['c', 'nope', 'unknown program "nope"'],
    ['b', 'a', 'dependency cycle: a -> b -> a'],
  ]);
  // Processes of a cycle still get a (last) wave, so a plan can always be shown.
  assert.deepEqual(names(planWaves([a, b, prog('d')])), [['d'], ['a', 'b']]);
});

test('numprocs copies report one problem, not one per process', () => {
  const problems = checkGraph([prog('w:0', { group: 'w', deps: { x: 'started' } }), prog('w:1', { group: 'w', deps: { x: 'started' } })]);
  assert.equal(problems.length, 1);
});

test('waits that may never end are warnings', () => {
  const problems = checkGraph([
    prog('manual', { autostart: false }),
    prog('svc', { autorestart: true }),
    prog('x', { deps: { manual: 'started', svc: 'completed' } }),
  ]);
  assert.deepEqual(problems.map((p) => [p.severity, p.message]), [
    ['warning', 'manual has autostart: false, so x waits until manual is started by hand'],
    ['warning', 'svc restarts always, so it may never complete and x may never start'],
  ]);
});

test('a long chain plans without recursion limits', () => {
  const chain = Array.from({ length: 5000 }, (_, i) => prog(`p${i}`, i > 0 ? { deps: { [`p${i - 1}`]: 'started' } } : {}));
  assert.equal(planWaves(chain).length, 5000);
  assert.deepEqual(checkGraph([...chain].reverse()), []);
});

test('with groups, a wave follows supervisord: group priority, group name, then order in the group', () => {
  const b = prog('b', { group: 'g' });
  const a = prog('a', { group: 'g' });
  const c = prog('c', { priority: 5 });
  const groups = [{ name: 'g', priority: 1, processes: ['b', 'a'] }, { name: 'c', priority: 5, processes: ['c'] }];
  assert.deepEqual(names(planWaves([c, a, b], groups)), [['b', 'a', 'c']]);
  assert.deepEqual(names(stopOrder([c, a, b], groups)), [['c', 'a', 'b']]);
});

test("real supervisord files keep supervisord's own start order in their single wave", () => {
  const dir = join(SHARED_CORPUS, 'supervisord');
  const files = readdirSync(dir).filter((f) => f.endsWith('.conf'));
  assert.ok(files.length > 10);
  for (const f of files) {
    const r = parseIni(join(dir, f), { env: {}, hostname: 'oracle-host', cwd: dir });
    const waves = planWaves(r.programs, r.groups);
    assert.ok(waves.length <= 1, f);
    // parseIni returns the processes in the order supervisord 4.2.5 spawns them.
    assert.deepEqual(waves.flat().map((p) => p.name), r.programs.map((p) => p.name), f);
  }
});
