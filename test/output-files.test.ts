// Per-program log files: exact bytes, supervisord-style rotation, non-seekable targets,
// pidone's own stdout named as a log file, reopen (SIGUSR2), open failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgramLogConfig } from '../src/io/log-sink.ts';
import { isOwnOutput, ownOutput } from '../src/io/own-output.ts';
import { testSink, fakePipe, tick, tempDir } from './support/output.ts';

function cfg(name: string, over: Partial<ProgramLogConfig> = {}): ProgramLogConfig {
  return {
    name,
    redirect_stderr: false,
    stdout_logfile: null,
    stdout_logfile_maxbytes: 0,
    stdout_logfile_backups: 0,
    stderr_logfile: null,
    stderr_logfile_maxbytes: 0,
    stderr_logfile_backups: 0,
    ...over,
  };
}

/** n lines of exactly 100 bytes: "line NNNN ....\n". */
function lines(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += `line ${String(i).padStart(4, '0')} `.padEnd(99, '.') + '\n';
  return s;
}

/** Writes text into a pipe in uneven chunks, waiting between them so writes interleave with I/O. */
async function feed(p: ReturnType<typeof fakePipe>, text: string): Promise<void> {
  const sizes = [1, 37, 250, 999, 64, 3000];
  for (let i = 0, k = 0; i < text.length; k++) {
    const n = sizes[k % sizes.length]!;
    p.write(text.slice(i, i + n));
    i += n;
    if (k % 3 === 0) await tick(1);
  }
}

test('rotation: files of whole lines, at most maxbytes, name.1 … name.N, older ones dropped', async () => {
  const dir = tempDir();
  const log = join(dir, 'web.log');
  const { sink, text } = testSink({ programs: [cfg('web', { stdout_logfile: log, stdout_logfile_maxbytes: 1000, stdout_logfile_backups: 3 })] });
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  await feed(p, lines(0, 45));
  p.end();
  await tick();
  const out = await text();
  assert.equal(out.split('\n').length - 1, 45); // also printed on stdout
  assert.equal(readFileSync(log, 'utf8'), lines(40, 45));
  assert.equal(readFileSync(`${log}.1`, 'utf8'), lines(30, 40));
  assert.equal(readFileSync(`${log}.2`, 'utf8'), lines(20, 30));
  assert.equal(readFileSync(`${log}.3`, 'utf8'), lines(10, 20));
  assert.equal(existsSync(`${log}.4`), false);
  await sink.close();
});

test('rotation with backups=0 truncates; maxbytes=0 never rotates; bytes are exact', async () => {
  const dir = tempDir();
  const a = join(dir, 'a.log');
  const b = join(dir, 'b.log');
  const { sink } = testSink({
    programs: [
      cfg('a', { stdout_logfile: a, stdout_logfile_maxbytes: 1000, stdout_logfile_backups: 0 }),
      cfg('b', { stdout_logfile: b, stdout_logfile_maxbytes: 0, stdout_logfile_backups: 5 }),
    ],
  });
  const pa = fakePipe();
  const pb = fakePipe();
  sink.attach('a', 'stdout', pa);
  sink.attach('b', 'stdout', pb);
  await feed(pa, lines(0, 25));
  await feed(pb, lines(0, 25));
  pb.write(Buffer.from('no newline \xff', 'latin1'));
  pa.end();
  pb.end();
  await tick();
  await sink.flush();
  assert.equal(readFileSync(a, 'utf8'), lines(20, 25));
  assert.equal(existsSync(`${a}.1`), false);
  assert.equal(readFileSync(b, 'latin1'), lines(0, 25) + 'no newline \xff');
  assert.equal(existsSync(`${b}.1`), false);
  await sink.close();
});

test('stderr file; redirect_stderr means no stderr file', async () => {
  const dir = tempDir();
  const { sink } = testSink({
    programs: [
      cfg('a', { stderr_logfile: join(dir, 'a.err') }),
      cfg('b', { redirect_stderr: true, stdout_logfile: join(dir, 'b.out'), stderr_logfile: join(dir, 'b.err') }),
    ],
  });
  const e = fakePipe();
  const o = fakePipe();
  sink.attach('a', 'stderr', e);
  sink.attach('b', 'stdout', o);
  e.end('err line\n');
  o.end('out and err\n');
  await tick();
  await sink.flush();
  assert.equal(readFileSync(join(dir, 'a.err'), 'utf8'), 'err line\n');
  assert.equal(readFileSync(join(dir, 'b.out'), 'utf8'), 'out and err\n');
  assert.equal(existsSync(join(dir, 'b.err')), false);
  await sink.close();
});

test('/dev/stdout and pidone\'s own output file are printed on stdout once; /dev/stderr on pidone\'s stderr, prefixed', async () => {
  const dir = tempDir();
  const outPath = join(dir, 'pidone.out');
  const fd = openSync(outPath, 'w');
  const errPath = join(dir, 'pidone.err');
  const errFd = openSync(errPath, 'w');
  assert.equal(isOwnOutput('/dev/stdout', [fd]), true);
  assert.equal(isOwnOutput('/proc/self/fd/2', [fd]), true);
  assert.equal(isOwnOutput(outPath, [fd]), true);
  assert.equal(isOwnOutput(join(dir, 'other'), [fd]), false);
  assert.equal(ownOutput(outPath, { stdout: fd, stderr: errFd }), 'stdout');
  assert.equal(ownOutput(errPath, { stdout: fd, stderr: errFd }), 'stderr');
  assert.equal(ownOutput('/dev/fd/2', { stdout: fd, stderr: errFd }), 'stderr');
  const { sink, text } = testSink({
    errFd,
    programs: [
      cfg('a', { stdout_logfile: '/dev/stdout', stdout_logfile_maxbytes: 1000 }),
      cfg('b', { stdout_logfile: '/dev/fd/1', stderr_logfile: '/dev/stderr', stderr_logfile_maxbytes: 10 }),
      cfg('c', { stdout_logfile: errPath, print: { stdout: false, stderr: false } }),
    ],
  });
  const a = fakePipe();
  const b = fakePipe();
  const c = fakePipe();
  sink.attach('a', 'stdout', a);
  sink.attach('b', 'stderr', b);
  sink.attach('c', 'stdout', c);
  a.end(lines(0, 30));
  b.end('e\n');
  c.end('to stderr by inode\n');
  await tick();
  const out = await text();
  assert.equal(out.split('\n').length - 1, 30);
  assert.doesNotMatch(out, /pidone|^b/m); // no error reported, b's stderr is not here
  assert.equal(readFileSync(errPath, 'utf8'), 'b      ! e\nc      | to stderr by inode\n');
  await sink.close();
});

test('a FIFO log target gets the bytes and is never rotated (no Illegal seek)', async () => {
  const dir = tempDir();
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const chunks: Buffer[] = [];
  const reader = createReadStream(fifo);
  reader.on('data', (c) => chunks.push(c as Buffer));
  const ended = new Promise<void>((r) => reader.on('end', () => r()));
  const { sink, text } = testSink({ programs: [cfg('web', { stdout_logfile: fifo, stdout_logfile_maxbytes: 150, stdout_logfile_backups: 2 })] });
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  await feed(p, lines(0, 20));
  p.end();
  await tick();
  await sink.close();
  await ended;
  assert.equal(Buffer.concat(chunks).toString(), lines(0, 20));
  assert.equal(statSync(fifo).isFIFO(), true);
  assert.equal(existsSync(`${fifo}.1`), false);
  assert.doesNotMatch(await text(), /pidone/);
});

test('reopen() after an external rename starts a new file (logrotate + SIGUSR2)', async () => {
  const dir = tempDir();
  const log = join(dir, 'web.log');
  const { sink } = testSink({ programs: [cfg('web', { stdout_logfile: log })] });
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  p.write('before\n');
  await tick();
  await sink.flush();
  renameSync(log, `${log}.old`);
  sink.reopen();
  p.write('after\n');
  await tick();
  await sink.flush();
  assert.equal(readFileSync(`${log}.old`, 'utf8'), 'before\n');
  assert.equal(readFileSync(log, 'utf8'), 'after\n');
  await sink.close();
});

test('a log file that cannot be opened is reported once; output goes on', async () => {
  const { sink, text } = testSink({ programs: [cfg('web', { stdout_logfile: '/nonexistent-dir/web.log' })] });
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  p.write('one\n');
  await tick(20);
  p.end('two\n');
  await tick(20);
  const out = await text();
  assert.equal(
    out,
    'web    | one\n' +
      'pidone ! cannot open log file /nonexistent-dir/web.log (ENOENT: no such file or directory); its output is dropped until logs are reopened (SIGUSR2 or reload)\n' +
      'web    | two\n',
  );
  await sink.close();
});

test('reload: changing a program\'s log file closes the old one and opens the new one', async () => {
  const dir = tempDir();
  const { sink } = testSink({ programs: [cfg('web', { stdout_logfile: join(dir, '1.log') })] });
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  p.write('one\n');
  await tick();
  sink.addProgram(cfg('web', { stdout_logfile: join(dir, '2.log') }));
  p.write('two\n');
  await tick();
  sink.addProgram(cfg('web'));
  p.end('three\n');
  await tick();
  await sink.flush();
  assert.equal(readFileSync(join(dir, '1.log'), 'utf8'), 'one\n');
  assert.equal(readFileSync(join(dir, '2.log'), 'utf8'), 'two\n');
  await sink.close();
});
