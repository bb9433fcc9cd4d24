// Output-layer benchmark (issues 6 and 17): W writers × L lines of B bytes, through
//   (a) cat          the floor: the writers share one pipe into `cat` (lines may tear there)
//   (b) node-min     bench/node-min.mjs, the floor of any Node supervisor
//   (c) pidone-sink  src/io/log-sink.ts in prefix mode (bench/output-harness.ts, bundled)
//   (d) concurrently if bench/node_modules/.bin/concurrently exists
//   (e) pidone       the real daemon, `node dist/pidone.js -c FILE`
//   (f) supervisord  stdout_logfile=/dev/stdout, when installed
// Each contender's stdout is, in turn, a regular file and a pipe (a FIFO read by `cat > file`,
// as a container runtime reads one); the time runs until the last byte has landed in the
// file. Afterwards every line is checked: whole, right writer, in order. Prints the median
// wall time of R runs, the ratio of throughput to the floor (goal >= 0.6), torn/missing lines
// (must be 0 for pidone) and the multiplexer's peak RSS.
// usage: node bench/output.mjs   env: WRITERS=4 LINES=250000 BYTES=100 RUNS=5 MODE=block|line STDOUT=file,pipe
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NODE_MIN, report } from './lib.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const W = Number(process.env.WRITERS ?? 4);
const L = Number(process.env.LINES ?? 250000);
const B = Number(process.env.BYTES ?? 100);
const RUNS = Number(process.env.RUNS ?? 5);
const MODE = process.env.MODE ?? 'block';
const STDOUTS = (process.env.STDOUT ?? 'file,pipe').split(',');
const work = join(tmpdir(), `pidone-bench-${process.pid}`);
mkdirSync(work, { recursive: true });
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const outFile = join(work, 'out.txt');

const writer = join(root, 'bench/output-writer.mjs');
const names = Array.from({ length: W }, (_, i) => `w${i + 1}`);
const argvOf = (n) => [process.execPath, writer, n, String(L), String(B), MODE];
const shq = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const cmdOf = (n) => argvOf(n).map(shq).join(' ');

// The harness is bundled like dist/pidone.js is, so no TypeScript loader runs in the timing.
const harness = join(work, 'output-harness.cjs');
await build({
  entryPoints: [join(root, 'bench/output-harness.ts')],
  outfile: harness,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});

const contenders = [
  { name: 'cat (floor)', prefix: () => '', argv: ['sh', '-c', `(${names.map(cmdOf).join(' & ')} & wait) | /usr/bin/time -f rss_kb=%M cat`] },
  { name: 'node-min', prefix: (n) => `${n.padEnd(6)} | `, argv: [process.execPath, NODE_MIN, ...names.map((n) => `${n}=exec ${cmdOf(n)}`)] },
  {
    name: 'pidone-sink',
    prefix: (n) => `${n.padEnd(6)} | `,
    argv: [process.execPath, harness, JSON.stringify({ format: 'prefix', programs: names.map((n) => ({ name: n, argv: argvOf(n) })) })],
  },
];
const conc = join(root, 'bench/node_modules/.bin/concurrently');
if (existsSync(conc)) {
  contenders.push({ name: 'concurrently', prefix: (n) => `[${n}] `, argv: [conc, '-n', names.join(','), ...names.map((n) => argvOf(n).join(' '))] /* concurrently strips a command's outer quotes */ });
}
if (existsSync(join(root, 'dist/pidone.js'))) {
  const yaml = join(work, 'bench.yaml');
  const progs = names.map((n) => `  ${n}:\n    command: ${JSON.stringify(argvOf(n))}\n    oneshot: true\n    critical: false\n`);
  // Its own control socket: another pidone on this machine may hold the default one.
  writeFileSync(yaml, `settings: { log_format: prefix, color: never, control: { socket: ${join(work, 'pidone.sock')} } }\nprograms:\n${progs.join('')}`);
  contenders.push({ name: 'pidone', prefix: (n) => `${n.padEnd(6)} | `, argv: [process.execPath, join(root, 'dist/pidone.js'), '-c', yaml] });
}
const supervisord = ['/usr/bin/supervisord', '/usr/local/bin/supervisord'].find((p) => existsSync(p));
if (supervisord) {
  // supervisord never exits on its own: a fifth program waits for the writers, then stops it
  // (its 50 ms polling is in supervisord's time, a slight handicap). It looks only at its own
  // siblings, and `[.]` keeps the pattern from matching the stopper's own command line.
  const conf = join(work, 'supervisord.conf');
  const progs = names.map((n) => `[program:${n}]\ncommand=${argvOf(n).join(' ')}\nautorestart=false\nstartsecs=0\nstdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n`);
  const stopper = `[program:stopper]\ncommand=sh -c 'sleep 0.5; while pgrep -P $PPID -f "output-writer[.]mjs" >/dev/null; do sleep 0.05; done; kill $PPID'\nautorestart=false\nstartsecs=0\n`;
  writeFileSync(conf, `[supervisord]\nnodaemon=true\nlogfile=/dev/null\nlogfile_maxbytes=0\npidfile=${work}/supervisord.pid\n\n${progs.join('\n')}\n${stopper}`);
  contenders.push({ name: 'supervisord', prefix: () => '', argv: [supervisord, '-n', '-c', conf] });
}

/**
 * Runs argv with stdout to outFile, directly (kind "file") or through a FIFO that `cat`
 * copies into it ("pipe"); resolves {ms, rssKb} once the contender and the reader are done.
 */
function runOnce(argv, kind) {
  return new Promise((done, fail) => {
    let fd;
    let reader = null;
    if (kind === 'pipe') {
      const fifo = join(work, 'fifo');
      rmSync(fifo, { force: true });
      spawnSync('mkfifo', [fifo]);
      reader = spawn('sh', ['-c', `exec cat < '${fifo}' > '${outFile}'`], { stdio: 'ignore' });
      fd = openSync(fifo, 'w'); // returns once cat has opened its end
    } else {
      fd = openSync(outFile, 'w');
    }
    const readerDone = reader ? new Promise((r) => reader.on('close', r)) : Promise.resolve();
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    closeSync(fd);
    let err = '';
    let polledKb = 0;
    child.stderr.on('data', (d) => (err += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) polledKb = Math.max(polledKb, Number(m[1]));
      } catch {}
    }, 20);
    child.on('error', fail);
    child.on('close', async (code) => {
      clearInterval(poll);
      await readerDone;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return fail(new Error(`${argv.join(' ')} exited ${code}: ${err}`));
      const reported = /(?:vmhwm_kb|rss_kb)=(\d+)/.exec(err);
      done({ ms, rssKb: reported ? Number(reported[1]) : polledKb });
    });
  });
}

/** Checks every line of the output: whole, from the writer its prefix names, in order. */
function verify(prefixOf) {
  const text = readFileSync(outFile, 'latin1');
  const next = new Map(names.map((n) => [n, 0]));
  const prefixes = new Map(names.map((n) => [n, prefixOf(n)]));
  let torn = 0;
  let other = 0;
  const re = /^(w\d+) (\d{9}) x+$/; // body is exactly B-1 chars, so x+ has the right length
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    const line = text.slice(start, nl);
    start = nl + 1;
    const body = line.slice(Math.max(0, line.length - (B - 1)));
    const m = re.exec(body);
    if (m === null || line.slice(0, line.length - body.length) !== prefixes.get(m[1])) {
      // pidone's and concurrently's own lines are not writer lines.
      if (/^pidone\b|exited with code|^\[w\d+\] .*exited/.test(line)) other++;
      else torn++;
      continue;
    }
    const seq = Number(m[2]);
    if (seq !== next.get(m[1])) torn++;
    next.set(m[1], seq + 1);
  }
  let missing = 0;
  for (const n of names) missing += L - next.get(n);
  return { torn, missing, other };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (W * L * B) / 1e6;
for (const kind of STDOUTS) {
  const results = contenders.map((c) => ({ c, ms: [], rss: [], torn: 0, missing: 0 }));
  for (let r = 0; r < RUNS; r++) {
    for (const res of results) {
      const { ms, rssKb } = await runOnce(res.c.argv, kind);
      const v = verify(res.c.prefix);
      res.ms.push(ms);
      res.rss.push(rssKb);
      res.torn = Math.max(res.torn, v.torn);
      res.missing = Math.max(res.missing, v.missing);
    }
  }
  const floor = median(results[0].ms);
  console.log(`\nstdout a ${kind === 'pipe' ? 'pipe (a FIFO read by cat into a file)' : 'regular file'}: ${W} writers x ${L} lines x ${B} bytes = ${mb.toFixed(0)} MB, mode ${MODE}, median of ${RUNS} runs, node ${process.version}`);
  console.log('contender        median ms    MB/s  vs floor  torn  missing  peak RSS MB');
  for (const res of results) {
    const m = median(res.ms);
    report({ workload: `log throughput, ${W} writers x ${mb.toFixed(0)} MB (${MODE} writes), stdout a ${kind}`, contender: res.c.name, value: mb / (m / 1000), unit: 'MB/s', ratio: floor / m, base: 'cat', note: `torn ${res.torn}, missing ${res.missing}, peak RSS ${(Math.max(...res.rss) / 1024).toFixed(1)} MB` });
    console.log(
      `${res.c.name.padEnd(15)} ${m.toFixed(0).padStart(10)} ${(mb / (m / 1000)).toFixed(0).padStart(7)} ${(floor / m).toFixed(2).padStart(9)}` +
        ` ${String(res.torn).padStart(5)} ${String(res.missing).padStart(8)} ${(Math.max(...res.rss) / 1024).toFixed(1).padStart(12)}`,
    );
  }
}
