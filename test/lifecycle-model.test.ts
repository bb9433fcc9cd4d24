// The supervisor core against its invariants over thousands of random operation sequences
// (test/support/model.ts says which, and the fake kernel they run on). Seeded: a failure prints
// the seed and the shrunk case as a test to paste here. PIDONE_MODEL_SEED replays a seed,
// PIDONE_MODEL_RUNS changes how many sequences run (10,000 by default).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LIFE_EVENTS, LIFE_NAMES } from '../src/core/life.ts';
import { LIFECYCLE } from '../src/core/lifecycle.ts';
import { type ConfigCase, type Op, type ProgramCase, BASE_PROGRAM, COVERAGE, runCase } from './support/model.ts';

const RUNS = Number(process.env.PIDONE_MODEL_RUNS ?? 10_000);
const SEED = Number(process.env.PIDONE_MODEL_SEED ?? Date.now() % 2 ** 31);

const CONDITIONS = ['started', 'ready', 'completed', 'completed_successfully'] as const;

/** One program; `earlier` are the names and groups it may depend on (keeps the graph acyclic). */
function programArb(i: number, grouped: boolean, earlier: readonly string[]): fc.Arbitrary<ProgramCase> {
  const name = grouped ? `g_${i}` : `p${i}`;
  return fc.record({
    oneshot: fc.boolean(),
    autostart: fc.constantFrom(true, true, true, false),
    autorestart: fc.constantFrom(true, false, 'unexpected' as const),
    startsecs: fc.constantFrom(0, 0, 1, 2),
    startretries: fc.constantFrom(0, 1, 3),
    exitcodes: fc.constantFrom([0], [0, 2]),
    stopsignal: fc.constantFrom('TERM' as const, 'TERM' as const, 'INT' as const),
    stopwaitsecs: fc.constantFrom(1, 2, 5, 30),
    stopasgroup: fc.boolean(),
    killasgroup: fc.boolean(),
    probe: fc.constantFrom(false, false, true),
    liveness: fc.constantFrom(false, false, true),
    critical: fc.constantFrom<boolean | 'on-failure'>(false, false, false, true, 'on-failure'),
    exit_on_skipped: fc.constantFrom(false, false, false, true),
    stopCommand: fc.constantFrom('none' as const, 'none' as const, 'works' as const, 'fails' as const),
    daemon: fc.constantFrom('no' as const, 'no' as const, 'no' as const, 'in-group' as const, 'detached' as const),
    max_restarts: fc.constantFrom(null, 0, 2),
    depends_on: earlier.length === 0 ? fc.constant({}) : fc.dictionary(fc.constantFrom(...earlier), fc.constantFrom(...CONDITIONS), { maxKeys: 2 }),
    onStop: fc.constantFrom('die' as const, 'die' as const, 'slow' as const, 'ignore' as const),
    schedule: fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.record({
        kind: fc.constantFrom('cron' as const, 'every' as const),
        period: fc.constantFrom(1 as const, 2 as const, 5 as const),
        overlap: fc.constantFrom('skip' as const, 'queue' as const, 'replace' as const),
        catch_up: fc.boolean(),
      }) },
    ),
    runMs: fc.constantFrom(100, 300, 1500, 7000),
  }).map((o) => {
    const p: ProgramCase = { ...BASE_PROGRAM, ...o, name, group: grouped ? 'g' : name, version: 0 };
    // A oneshot with restart always is rejected by config/; keep cases loadable.
    return p.oneshot && p.autorestart === true ? { ...p, autorestart: 'unexpected' } : p;
  });
}

const configArb: fc.Arbitrary<ConfigCase> = fc.record({
  format: fc.constantFrom('ini' as const, 'yaml' as const),
  shutdown_timeout: fc.constantFrom(0, 1, 3, 10),
  exitWhenIdle: fc.boolean(),
  count: fc.integer({ min: 1, max: 4 }),
  grouped: fc.integer({ min: 0, max: 3 }),
}).chain(({ format, shutdown_timeout, exitWhenIdle, count, grouped }) => {
  // The first `grouped` programs form group g (numprocs-like); g can be depended on by the
  // programs after all of them, which keeps the graph acyclic, as config/ requires.
  const arbs: fc.Arbitrary<ProgramCase>[] = [];
  const earlier: string[] = [];
  for (let i = 0; i < count; i++) {
    arbs.push(programArb(i, i < grouped, [...earlier]));
    earlier.push(i < grouped ? `g_${i}` : `p${i}`);
    if (i === grouped - 1) earlier.push('g');
  }
  return fc.tuple(...arbs).map((programs) => ({ format, shutdown_timeout, exitWhenIdle, programs }));
});

const p = fc.integer({ min: 0, max: 5 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(1, 5, 100, 500, 999, 1000, 1001, 2000, 5000, 20000) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('crash' as const), p, code: fc.constantFrom<number | string>(0, 1, 2, 'TERM', 'KILL', 'SEGV', 'USR2') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('fork' as const), p }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('helpersDie' as const), p }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('spawnFails' as const), p, kind: fc.constantFrom(null, null, 'not_found' as const, 'privilege' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('probe' as const), p, ready: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unhealthy' as const), p }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('cmd' as const), verb: fc.constantFrom('start' as const, 'stop' as const, 'restart' as const, 'signal' as const), target: fc.integer({ min: 0, max: 5 }), p, signal: fc.constantFrom('HUP', 'USR1', 'BOGUS', '9') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('killError' as const), on: fc.constantFrom(true, false) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('reload' as const), seed: fc.integer({ min: 0, max: 10_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'shutdown' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('jump' as const), ms: fc.constantFrom(-7_200_000, -60_000, -2500, -1000, -1, 1, 999, 2500, 60_000, 7_200_000) }) },
);

test(`the core keeps its invariants over ${RUNS} random operation sequences (seed ${SEED})`, () => {
  const details = fc.check(fc.property(configArb, fc.array(opArb, { maxLength: 30 }), (config, ops) => {
    runCase(config, ops);
  }), { seed: SEED, numRuns: RUNS });
  if (!details.failed || details.counterexample === null) return;
  const [config, ops] = details.counterexample;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`${error}\n\nseed ${SEED}, path ${details.counterexamplePath}; the shrunk case, ready to paste into test/lifecycle-cases.test.ts:\n\n` +
    `test('${error.replace(/'/g, "\\'").replace(/\n/g, ' ').slice(0, 100)}', () => {\n  runCase(${JSON.stringify(config)},\n    ${JSON.stringify(ops)});\n});\n`);
});

test('the random sequences reach every cell of the lifecycle table that does something', (t) => {
  // Runs after the sequences above (node:test runs a file's tests in order).
  const acting = LIFE_NAMES.flatMap((s) => LIFE_EVENTS.filter((e) => LIFECYCLE[s][e].to.length > 0).map((e) => `${s} ${e}`));
  const missed = acting.filter((cell) => !COVERAGE.has(cell));
  t.diagnostic(`${acting.length - missed.length} of ${acting.length} acting cells ran${missed.length > 0 ? `; not reached: ${missed.join('; ')}` : ''}`);
  // A cell the generator cannot reach is either dead code or a gap in the generator.
  assert.ok(missed.length <= acting.length * 0.1, `${missed.length} of ${acting.length} acting cells never ran: ${missed.join('; ')}`);
});
