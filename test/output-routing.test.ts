// Where program output goes (src/io/routes.ts): supervisord's rules for INI, checked against the
// real supervisord (Debian's supervisor 4.2.5) on the same supervisord.conf: a file-logged
// stream is in its file and not printed, /dev/stderr reaches pidone's stderr (prefixed),
// /dev/stdout its stdout, NONE nowhere; AUTO, which pidone writes no file for, is printed.
// YAML prints everything unless `print: false`. Tails and PROCESS_LOG events get every line
// whatever the route.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogSink, type ProgramLogConfig } from '../src/io/log-sink.ts';
import { after, afterEach, test } from 'node:test';
import { rpc } from './support/control.ts';
import { startDaemon, until } from './support/daemon.ts';
import { HEAD, SUPERVISORD, type Server, startPidone, startSupervisord } from './support/differential.ts';
import { LISTENER } from './support/differential-script.ts';
import { killAll } from './support/pid1.ts';
import { fakePipe, tempDir, testSink, tick } from './support/output.ts';

const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
});
afterEach(killAll);

/** A program that writes NAME-out on stdout and NAME-err on stderr, then waits. */
const talker = (name: string, keys: string) => `
[program:${name}]
command=sh -c "echo ${name}-out; echo ${name}-err >&2; exec sleep 1000"
startsecs=0
stdout_events_enabled=true
stderr_events_enabled=true
${keys}
`;

const CONF = `${HEAD}
${talker('filed', 'stdout_logfile=%(here)s/filed.out\nstderr_logfile=/dev/stderr\nstderr_logfile_maxbytes=0')}
${talker('auto', '')}
${talker('dev', 'stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\nstderr_logfile=/dev/stdout\nstderr_logfile_maxbytes=0')}
${talker('none', 'stdout_logfile=NONE\nstderr_logfile=NONE')}
${talker('redir', 'redirect_stderr=true\nstdout_logfile=/dev/stderr\nstdout_logfile_maxbytes=0')}
${talker('swap', 'stdout_logfile=/dev/stderr\nstdout_logfile_maxbytes=0\nstderr_logfile=/dev/stdout\nstderr_logfile_maxbytes=0')}

[eventlistener:log]
command=/usr/bin/python3 ${LISTENER}
events=PROCESS_LOG
buffer_size=100
stderr_logfile=%(here)s/events.log
`;

const NAMES = ['filed', 'auto', 'dev', 'none', 'redir', 'swap'];
const MARKERS = NAMES.flatMap((n) => [`${n}-out`, `${n}-err`]);

/** pidone's prefix ("name   | ", "name   ! ") taken off, so lines compare with supervisord's. */
const bare = (line: string) => line.replace(/^[\w-]+ +[|!] /, '');

/** Where each marker line showed up: on stdout, on stderr, in a log file of the server's dir. */
function places(s: Server): Record<string, string[]> {
  const files = readdirSync(s.dir)
    .filter((f) => !/^(supervisord\.(conf|log|pid)|supervisor\.sock|events\.log|script-.*)$/.test(f))
    .map((f) => readFileSync(join(s.dir, f), 'utf8'));
  const has = (text: string, m: string) => text.split('\n').map(bare).includes(m);
  const out: Record<string, string[]> = {};
  for (const m of MARKERS) {
    out[m] = [];
    if (has(s.stdout(), m)) out[m].push('stdout');
    if (has(s.stderr(), m)) out[m].push('stderr');
    if (files.some((f) => has(f, m))) out[m].push('file');
  }
  return out;
}

/** The lines the PROCESS_LOG events carried, as "process channel line" (supervisord sends what
 * one read() returned, pidone one line per event: compared line by line). */
function logEvents(s: Server): string[] {
  const path = join(s.dir, 'events.log');
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  // The listener writes each payload and a newline of its own: an event ends at a blank line.
  return [...text.matchAll(/^PROCESS_LOG_(?:STDOUT|STDERR) \d+ \d+\nprocessname:(\S+) groupname:\S+ pid:\d+ channel:(\w+)\n((?:.+\n)+)\n/gm)]
    .flatMap((m) => m[3]!.split('\n').slice(0, -1).map((line) => `${m[1]} ${m[2]} ${line}`))
    .sort();
}

test('INI log routing as supervisord does it: files not printed, /dev/stderr on stderr, /dev/stdout on stdout, NONE nowhere; tails and events keep every line', { timeout: 90_000 }, async () => {
  assert.ok(existsSync(SUPERVISORD), `${SUPERVISORD} is missing: install the Debian package "supervisor"`);
  const servers = await Promise.all([startSupervisord(CONF, undefined, true), startPidone(CONF)]);
  for (const s of servers) stops.push(s.stop);
  const [sd, p1] = servers as [Server, Awaited<ReturnType<typeof startPidone>>];
  // Every program wrote both lines once the listener logged its 12 events.
  for (const s of servers) await until(() => logEvents(s).length === 12, 30_000, `the PROCESS_LOG events in ${s.dir}`);
  assert.deepEqual(logEvents(p1), logEvents(sd), 'PROCESS_LOG events carry every line, whatever the route');

  // The in-memory tail has every line, whatever the route (supervisord: only what is in a file).
  assert.equal(await rpc(p1.socket, 'supervisor.readProcessStdoutLog', 'filed', 0, 0), 'filed-out\n');
  assert.equal(await rpc(sd.socket, 'supervisor.readProcessStdoutLog', 'filed', 0, 0), 'filed-out\n');
  assert.equal(await rpc(p1.socket, 'supervisor.readProcessStderrLog', 'filed', 0, 0), 'filed-err\n');
  assert.equal(await rpc(p1.socket, 'supervisor.readProcessStdoutLog', 'none', 0, 0), 'none-out\n');
  assert.equal(await rpc(p1.socket, 'supervisor.readProcessStdoutLog', 'redir', 0, 0), 'redir-out\nredir-err\n');

  // Shut both down: what they print is complete once they exited.
  for (const s of servers) {
    await rpc(s.socket, 'supervisor.shutdown');
    await s.exited;
  }
  const want = (auto: string[]): Record<string, string[]> => ({
    'filed-out': ['file'], 'filed-err': ['stderr'],
    'auto-out': auto, 'auto-err': [...auto],
    'dev-out': ['stdout'], 'dev-err': ['stdout'],
    'none-out': [], 'none-err': [],
    'redir-out': ['stderr'], 'redir-err': ['stderr'],
    'swap-out': ['stderr'], 'swap-err': ['stdout'],
  });
  assert.deepEqual(places(sd), want(['file']), 'the oracle: supervisord itself');
  // AUTO is the one difference: supervisord's AUTO file in childlogdir is pidone's output.
  assert.deepEqual(places(p1), want(['stdout']), `pidone:\n--- stdout\n${p1.stdout()}--- stderr\n${p1.stderr()}`);
  // Printed lines keep their prefix on either stream, marked by the program stream they come from.
  const lines = (text: string) => text.split('\n');
  for (const l of ['filed  ! filed-err', 'redir  | redir-out', 'redir  | redir-err', 'swap   | swap-out']) assert.ok(lines(p1.stderr()).includes(l), `${l} on stderr:\n${p1.stderr()}`);
  for (const l of ['dev    | dev-out', 'dev    ! dev-err', 'swap   ! swap-err', 'auto   | auto-out']) assert.ok(lines(p1.stdout()).includes(l), `${l} on stdout:\n${p1.stdout()}`);
  assert.equal(readFileSync(join(p1.dir, 'filed.out'), 'utf8'), 'filed-out\n', 'the file has the raw bytes');
  assert.equal((await p1.exited).code, 0);
});

test('YAML prints every program unless print: false; a log file is a copy; /dev/stderr prints on stderr', { timeout: 30_000 }, async () => {
  const d = await startDaemon(`
settings: { control: { socket: SOCKET } }
programs:
  copy: { command: "echo copy-out; echo copy-err >&2; exec sleep 1000", stdout_logfile: copy.out }
  quiet: { command: "echo quiet-out; echo quiet-err >&2; exec sleep 1000", stdout_logfile: quiet.out, print: false }
  split: { command: "echo split-out; echo split-err >&2; exec sleep 1000", stderr_logfile: /dev/stderr }
`);
  stops.push(async () => d.cleanup());
  const file = (name: string) => (existsSync(join(d.dir, name)) ? readFileSync(join(d.dir, name), 'utf8') : '');
  await until(() => file('quiet.out') === 'quiet-out\n' && file('copy.out') === 'copy-out\n', 10_000, 'the log files');
  const logs = async (name: string, stream = 'stdout') => (await d.pidone(['logs', ...(stream === 'stderr' ? ['--stderr'] : []), name, '-s', d.socket])).stdout;
  assert.equal(await logs('quiet'), 'quiet-out\n', 'the tail has what is not printed');
  assert.equal(await logs('quiet', 'stderr'), 'quiet-err\n');
  await until(() => d.run.stderr().includes('split  ! split-err\n'), 10_000, 'split-err on stderr');
  await d.pidone(['shutdown', '-s', d.socket]);
  await d.run.exited;
  const out = d.run.stdout;
  for (const l of ['copy   | copy-out', 'copy   ! copy-err', 'split  | split-out']) assert.ok(out.includes(l), `${l} on stdout:\n${out.join('\n')}`);
  assert.ok(!out.some((l) => /quiet-|split-err/.test(l)), `print: false and /dev/stderr lines are not on stdout:\n${out.join('\n')}`);
  assert.ok(!d.run.stderr().includes('quiet-'), d.run.stderr());
});

function cfg(name: string, over: Partial<ProgramLogConfig> = {}): ProgramLogConfig {
  return {
    name, redirect_stderr: false,
    stdout_logfile: null, stdout_logfile_maxbytes: 0, stdout_logfile_backups: 0,
    stderr_logfile: null, stderr_logfile_maxbytes: 0, stderr_logfile_backups: 0,
    ...over,
  };
}

test('a stream that is not printed still reaches its file, the tail and subscribers', async () => {
  const dir = tempDir();
  const { sink, text } = testSink({ programs: [cfg('w', { stdout_logfile: join(dir, 'w.out'), print: { stdout: false, stderr: false } })] });
  const seen: string[] = [];
  sink.subscribe('w', (stream, line) => seen.push(`${stream} ${line}`));
  const out = fakePipe();
  const err = fakePipe();
  sink.attach('w', 'stdout', out);
  sink.attach('w', 'stderr', err);
  out.end('one\ntwo\n');
  err.end('oops\n');
  await tick();
  assert.equal(await text(), '');
  assert.equal(readFileSync(join(dir, 'w.out'), 'utf8'), 'one\ntwo\n');
  assert.equal(sink.tail('w', 'stdout', 100).toString(), 'one\ntwo\n');
  assert.equal(sink.tail('w', 'stderr', 100).toString(), 'oops\n');
  assert.deepEqual(seen.sort(), ['stderr oops', 'stdout one', 'stdout two']);
  await sink.close();
});

/** A sink over out (and errFd) with the routes of programs, as the daemon makes one. */
const sinkOn = (out: number, errFd: number, programs: ProgramLogConfig[]) =>
  createLogSink({ settings: { log_format: 'prefix', timestamps: false, color: 'never' }, out, errFd, isTTY: false, env: {}, partialFlushMs: 0, programs });

test('stdout and stderr the same file (a terminal, 2>&1): lines printed on stderr share the one writer, none cut or overwritten', async () => {
  const path = join(tempDir(), 'out');
  // Two descriptions of one file, each with its own offset: two writers would overwrite each other.
  const sink = sinkOn(openSync(path, 'w'), openSync(path, 'w'), [cfg('e', { stdout_logfile: '/dev/stderr' }), cfg('o')]);
  const e = fakePipe();
  const o = fakePipe();
  sink.attach('e', 'stdout', e);
  sink.attach('o', 'stdout', o);
  for (let i = 0; i < 500; i++) {
    e.write(`e line ${i}\n`);
    o.write(`o line ${i}\n`);
    if (i % 50 === 0) await tick(1);
  }
  e.end();
  o.end();
  await tick();
  await sink.close();
  const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
  assert.equal(lines.length, 1000);
  for (const n of ['e', 'o']) {
    assert.deepEqual(lines.filter((l) => l.startsWith(n)), Array.from({ length: 500 }, (_, i) => `${n}      | ${n} line ${i}`));
  }
});

test('a broken stderr: said once on stdout, what it missed is in the close report, stdout goes on', async () => {
  const dir = tempDir();
  const fifo = join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const errFd = openSync(fifo, 'w');
  closeSync(reader); // nobody reads: EPIPE
  const outPath = join(dir, 'out');
  const sink = sinkOn(openSync(outPath, 'w'), errFd, [cfg('e', { stderr_logfile: '/dev/stderr' })]);
  const p = fakePipe();
  const q = fakePipe();
  sink.attach('e', 'stderr', p);
  sink.attach('e', 'stdout', q);
  p.write('lost 1\n');
  await until(() => readFileSync(outPath, 'utf8').includes('cannot write to stderr'), 5000, 'the notice');
  p.end('lost 2\nlost 3\n');
  q.end('kept\n');
  await tick();
  const report = await sink.close({ last: { level: 'info', message: 'the end' } });
  const out = readFileSync(outPath, 'utf8');
  assert.equal(out.match(/cannot write to stderr/g)?.length, 1, out);
  assert.match(out, /^pidone ! cannot write to stderr \(EPIPE\); program output is no longer printed there \(log files and tails go on\), supervision continues$/m);
  assert.match(out, /^e      \| kept$/m);
  assert.doesNotMatch(out, /lost/);
  assert.equal(out.split('\n').at(-2), 'pidone | the end');
  assert.deepEqual(report.undelivered.map((u) => [u.target, u.lines, u.reason]), [['stderr', 3, 'stderr failed: EPIPE']]);
  assert.equal(sink.tail('e', 'stderr', 100).toString(), 'lost 1\nlost 2\nlost 3\n', 'the tail still has them');
});

test('a stderr nobody reads cannot hold close() past its deadline; the report names it', { timeout: 20_000 }, async () => {
  const dir = tempDir();
  const fifo = join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK); // open, never read
  const outPath = join(dir, 'out');
  const sink = sinkOn(openSync(outPath, 'w'), openSync(fifo, 'w'), [cfg('e', { stderr_logfile: '/dev/stderr' })]);
  const p = fakePipe();
  sink.attach('e', 'stderr', p);
  const LINES = 20_000;
  for (let n = 0; n < LINES; n++) p.write(`${String(n).padStart(9, '0')} ${'x'.repeat(50)}\n`);
  p.end();
  await tick(50);
  const t0 = Date.now();
  const report = await sink.close({ deadlineMs: 500, last: { level: 'info', message: 'the end' } });
  assert.ok(Date.now() - t0 < 3000, `close() took ${Date.now() - t0} ms for a 500 ms deadline`);
  assert.equal(report.undelivered.length, 1, JSON.stringify(report));
  assert.equal(report.undelivered[0]!.target, 'stderr');
  assert.match(report.undelivered[0]!.reason, /not written within the 500 ms final flush deadline \(stderr is not being read fast enough\)/);
  assert.equal(readFileSync(outPath, 'utf8'), 'pidone | the end\n', 'the final line still reaches stdout');
  closeSync(reader);
});
