// `npm run bench`: every benchmark in turn, side by side with node-min (bench/node-min.mjs, the
// floor of any Node supervisor) and the peers that are installed (tini, dumb-init, supervisord
// from Debian; concurrently, pm2-runtime from bench/node_modules, installed here when
// missing), then one summary table of medians and ratios, printed and written to
// bench/results.md with each benchmark's own table after it.
//
// env: BENCH_ONLY=startup,restart (a subset, by file name); each bench's own knobs pass through
// (RUNS=..., see the top of each file). The defaults below keep the whole run near 6 minutes on
// 2 CPUs. Some benches need root (PID namespaces via unshare); they say so when they cannot run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, fmt, haveDist } from './lib.mjs';

const benches = [
  ['startup', 'Cold start and idle cost (issues 3, 17)', ['bench/startup.mjs'], { RUNS: '30', IDLE_SECONDS: '20' }],
  ['supervise', 'Supervising 50 and 1,000 programs against node-min (issues 5, 17)', ['bench/supervise.mjs'], { RUNS: '5' }],
  ['output', 'Log throughput against the cat floor, stdout a file and a pipe (issues 6, 17)', ['bench/output.mjs'], { RUNS: '3' }],
  ['config-load', 'Loading and planning a 1,000-program config (issue 4)', ['--import', './test/support/register.mjs', 'bench/config-load.mjs'], {}],
  ['status', 'Status of 1,000 programs (issue 7)', ['bench/status.mjs'], { RUNS: '20' }],
  ['restart', 'Restart latency (issue 8)', ['bench/restart.mjs'], { CYCLES: '8', RUNS: '10' }],
  ['orphans', '10,000 orphans reaped (issue 8)', ['bench/orphans.mjs'], { RUNS: '2' }],
];
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;

if (!existsSync(join(ROOT, 'bench', 'node_modules', '.bin', 'pm2-runtime')) || !existsSync(join(ROOT, 'bench', 'node_modules', '.bin', 'concurrently'))) {
  console.log('installing the npm peers (concurrently, pm2) into bench/node_modules ...');
  const r = spawnSync('npm', ['--prefix', join(ROOT, 'bench'), 'install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) console.log('npm install failed: running without concurrently and pm2-runtime');
}
haveDist();

const work = mkdtempSync(join(tmpdir(), 'pidone-bench-run-'));
const rowsFile = join(work, 'rows.jsonl');
const sections = [];
const t0 = Date.now();
for (const [key, title, args, knobs] of benches) {
  if (only && !only.has(key)) continue;
  console.log(`\n## ${title}`);
  const started = Date.now();
  const env = { ...process.env, BENCH_ROWS: rowsFile };
  for (const [k, v] of Object.entries(knobs)) env[k] = process.env[k] ?? v;
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  process.stdout.write(r.stdout);
  const took = `${((Date.now() - started) / 1000).toFixed(0)} s`;
  console.log(`(${took})`);
  sections.push(`## ${title}\n\n\`node ${args.join(' ')}\`, ${Object.entries(knobs).map(([k, v]) => `${k}=${env[k] ?? v}`).join(' ') || 'defaults'}; ${took}.\n\n${r.status === 0 ? r.stdout : `failed (exit ${r.status}):\n\n${r.stdout}`}`);
}

// The summary: one row per (workload, contender), in the order the benches reported them.
const rows = existsSync(rowsFile) ? readFileSync(rowsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
rmSync(work, { recursive: true, force: true });
const show = (v, unit) => (v === null || !Number.isFinite(v) ? 'did not finish' : unit === 'ms' ? `${fmt(v)} ms` : unit === 'MB/s' ? `${v.toFixed(0)} MB/s` : unit === 'MB' ? `${v.toFixed(1)} MB` : `${v} ${unit}`);
const summary = ['| workload | contender | median | ratio | note |', '|---|---|---|---|---|'];
const order = [...new Set(rows.map((r) => r.workload))];
rows.sort((a, b) => order.indexOf(a.workload) - order.indexOf(b.workload)); // stable: contenders keep their order
let last = null;
for (const r of rows) {
  const ratio = r.ratio === undefined || r.ratio === null || !Number.isFinite(r.ratio) ? '' : `${r.ratio.toFixed(2)}x ${r.base}`;
  summary.push(`| ${r.workload === last ? '' : r.workload} | ${r.contender} | ${show(r.value, r.unit)} | ${ratio} | ${r.note ?? ''} |`);
  last = r.workload;
}
const head = [
  '# Benchmark results',
  '',
  `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${new Date().toISOString()}; whole run ${((Date.now() - t0) / 60000).toFixed(1)} min.`,
  'Reproduce with `npm run bench` (as root: some benches use PID namespaces). Medians; each ratio is against the floor or',
  'the contender named after it, measured in the same run (throughput: floor time / contender time, so higher is better;',
  'everything else: contender / base, so lower is better). The sections after the summary are each benchmark\'s own output.',
  '',
  '## Summary',
  '',
  ...summary,
  '',
];
writeFileSync(join(ROOT, 'bench', 'results.md'), `${[...head, ...sections].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`);
console.log(`\n## Summary\n\n${summary.join('\n')}\n\nwritten to bench/results.md`);
