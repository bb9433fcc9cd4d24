// Benchmark: load + validate + plan a 1,000-program YAML config (with dependencies) and a
// 1,000-program supervisord INI config. Goal: median under 100 ms each.
//
//   node bench/config-load.mjs [N]        (registers the TypeScript loader itself)
//
// Prints one line per format: `config-load yaml-1000: median 41.2 ms (n=15)`; the YAML line also
// says how much of it the yaml library's parseDocument takes on its own.
import { register } from 'node:module';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './lib.mjs';

register('../test/support/ts-loader.mjs', import.meta.url);
const { loadConfig } = await import('../src/config/load.ts');
const { planWaves } = await import('../src/model/graph.ts');
const { parseDocument, LineCounter } = await import('yaml');

const PROGRAMS = 1000;
const RUNS = Number(process.argv[2] ?? 15);
const conditions = ['started', 'ready', 'completed_successfully'];

function yamlConfig() {
  const out = ['environment: { APP_ENV: bench }', 'programs:'];
  for (let i = 0; i < PROGRAMS; i++) {
    out.push(`  p${i}:`);
    out.push(`    command: [node, worker.js, --id, "${i}"]`);
    out.push(`    environment: { WORKER_ID: "${i}", PORT: "\${BASE_PORT:-3000}" }`);
    if (i % 10 === 0) out.push(`    ready: { tcp: ${10000 + i}, interval: 500ms }`);
    if (i % 7 === 0) out.push('    oneshot: true');
    // Each program waits for up to three earlier ones, giving a deep, wide graph.
    const deps = [i - 1, Math.floor(i / 2), i - 10].filter((d, k, all) => d >= 0 && d < i && all.indexOf(d) === k);
    if (deps.length > 0) {
      out.push('    depends_on:');
      for (const d of deps) out.push(`      p${d}: ${d % 7 === 0 ? 'completed_successfully' : conditions[d % 2]}`);
    }
    out.push(`    stop_timeout: ${1 + (i % 30)}s`, `    priority: ${i % 50}`);
  }
  return `${out.join('\n')}\n`;
}

function iniConfig() {
  const out = ['[supervisord]', 'nodaemon=true', 'environment=APP_ENV="bench"', ''];
  for (let i = 0; i < PROGRAMS; i++) {
    out.push(`[program:p${i}]`, `command=/usr/bin/node worker.js --id %(program_name)s`, `priority=${i % 50}`,
      'autorestart=true', 'stopsignal=QUIT', 'stdout_logfile=/dev/stdout', 'stdout_logfile_maxbytes=0',
      `environment=WORKER_ID="${i}",HOME="/home/app"`, '');
  }
  return out.join('\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'pidone-bench-'));
const host = { userExists: () => true, isDirectory: () => true };
try {
  for (const [label, name, text] of [['yaml', 'pidone.yaml', yamlConfig()], ['ini', 'supervisord.conf', iniConfig()]]) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const opts = { env: { PATH: '/usr/bin:/bin' }, hostname: 'bench', cwd: dir, host };
    loadConfig(file, opts); // warm-up: JIT and file cache
    const times = [];
    let processes = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const { model } = loadConfig(file, opts);
      planWaves(model.programs);
      times.push(performance.now() - t0);
      processes = model.programs.length;
    }
    if (processes !== PROGRAMS) throw new Error(`${label}: loaded ${processes} processes, expected ${PROGRAMS}`);
    let note = '';
    if (label === 'yaml') {
      const parse = [];
      for (let r = 0; r < RUNS; r++) {
        const t0 = performance.now();
        parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, merge: true });
        parse.push(performance.now() - t0);
      }
      note = `; yaml.parseDocument alone ${median(parse).toFixed(1)} ms`;
    }
    console.log(`config-load ${label}-${PROGRAMS}: median ${median(times).toFixed(1)} ms (n=${RUNS}${note})`);
    report({ workload: `load + validate + plan a ${PROGRAMS}-program config`, contender: `pidone, ${label === 'yaml' ? 'YAML' : 'supervisord INI'}`, value: median(times), unit: 'ms' });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
