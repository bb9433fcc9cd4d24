// `npm run bench`: every benchmark in turn, side by side with the peers that are installed
// (tini, dumb-init, supervisord from Debian; concurrently, pm2-runtime from bench/node_modules),
// printed and written to bench/results.md.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const benches = [
  ['Cold start and idle cost (issue 3)', ['bench/startup.mjs']],
  ['Supervising 50 and 1,000 programs (issue 5)', ['bench/supervise.mjs']],
  ['Log throughput against the cat floor (issue 6)', ['bench/output.mjs']],
  ['Loading and planning a 1,000-program config (issue 4)', ['--import', './test/support/register.mjs', 'bench/config-load.mjs']],
];
const out = [`# Benchmark results\n`, `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${new Date().toISOString()}.`,
  'Reproduce with `npm run bench`. Medians; ratios are against a floor or pidone measured in the same run.\n'];
for (const [title, args] of benches) {
  console.log(`\n## ${title}`);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  out.push(`## ${title}\n`, r.status === 0 ? r.stdout : `failed (exit ${r.status}):\n\n${r.stdout}`);
}
writeFileSync(join(ROOT, 'bench', 'results.md'), `${out.join('\n')}\n`);
console.log('\nwritten to bench/results.md');
