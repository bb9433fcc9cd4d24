// A log file on a full filesystem (issue 12): the first failed write is said once, later ones
// are counted, not printed; a summary says what was lost once the file takes writes again,
// and at exit pidone says how many bytes and lines the file did not get. The filesystem is a
// small tmpfs mounted for the test (root only; skipped with a reason otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgramLogConfig } from '../src/io/log-sink.ts';
import { ROOT, runPidone } from './support/pid1.ts';
import { fakePipe, testSink, tick } from './support/output.ts';

/** A fresh tmpfs of `size` at a temp dir, unmounted and removed when the test ends. */
function smallFs(t: { after(fn: () => void): void; skip(msg: string): void }, size: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-fullfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'pidone-test', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs (needs root): ${r.stderr.trim()}`);
    return null;
  }
  t.after(() => {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function cfg(name: string, log: string): ProgramLogConfig {
  return {
    name, redirect_stderr: false, stdout_logfile: log, stdout_logfile_maxbytes: 0, stdout_logfile_backups: 0,
    stderr_logfile: null, stderr_logfile_maxbytes: 0, stderr_logfile_backups: 0,
  };
}

test('ENOSPC: one line when writes start failing, one summary when the file is writable again, the loss in the close report', async (t) => {
  const fs = smallFs(t, '64k');
  if (fs === null) return;
  const log = join(fs, 'web.log');
  const filler = join(fs, 'filler');
  writeFileSync(filler, Buffer.alloc(40 * 1024));
  const { sink, text } = testSink({ programs: [cfg('web', log)] });
  const p = fakePipe();
  sink.attach('web', 'stdout', p);
  const line = (i: number): string => `line ${String(i).padStart(5, '0')} `.padEnd(99, '.') + '\n';
  let n = 0;
  // 600 lines of 100 bytes in 60 writes: the 24 KB left fill up, then about 40 writes fail.
  for (; n < 600; n++) {
    p.write(line(n));
    if (n % 10 === 9) await tick(2);
  }
  await sink.flush();
  unlinkSync(filler); // room again
  for (; n < 650; n++) p.write(line(n));
  p.end();
  await tick();
  const report = await sink.close();
  const own = (await text()).split('\n').filter((l) => l.startsWith('pidone '));
  const failed = own.filter((l) => l.includes('cannot write log file'));
  assert.equal(failed.length, 1, own.join('\n'));
  assert.match(failed[0]!, /^pidone ! cannot write log file .*web\.log \(ENOSPC: no space left on device\); its output is lost meanwhile/);
  const summaries = own.filter((l) => l.includes('writable again'));
  assert.equal(summaries.length, 1, own.join('\n'));
  const m = /lost (\d+) bytes \((\d+) lines\) in (\d+) failed writes since .* \(ENOSPC/.exec(summaries[0]!);
  assert.ok(m, summaries[0]);
  assert.ok(Number(m[3]) > 10, `${m[3]} failed writes, said in two lines`);
  const inFile = readFileSync(log, 'latin1');
  assert.equal(inFile.length + Number(m[1]), 650 * 100, 'bytes in the file + bytes reported lost = bytes written');
  assert.ok(inFile.endsWith(line(649)), 'writes go on once there is room');
  assert.equal(report.undelivered.length, 1);
  assert.deepEqual({ ...report.undelivered[0], target: 'web.log' }, { target: 'web.log', bytes: Number(m[1]), lines: Number(m[2]), ownLines: 0, reason: 'ENOSPC: no space left on device' });
});

test('pidone as PID 1, a program logging to a full filesystem: one error line while it runs, the loss counted at exit', { timeout: 60_000 }, async (t) => {
  const fs = smallFs(t, '32k');
  if (fs === null) return;
  const dir = mkdtempSync(join(tmpdir(), 'pidone-enospc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'counts'));
  const writer = [process.execPath, join(ROOT, 'test', 'fixtures', 'output', 'counting-writer.mjs'), 'w', join(dir, 'counts'), '3000'];
  const yaml = join(dir, 'pidone.yaml');
  // The writer stops after 3000 lines (210 KB): oneshot, so pidone exits when it is done.
  writeFileSync(yaml, `settings: { color: never, control: { socket: ${join(dir, 'ctl.sock')} } }\nprograms:\n  w: { command: ${JSON.stringify(writer.concat([]))}, oneshot: true, stdout_logfile: ${join(fs, 'w.log')} }\n`);
  const run = runPidone(['-c', yaml]);
  const pid = await run.hostPid();
  // The writer idles after its last line; stop the run once the file stopped growing.
  await run.line((l) => l.startsWith('w ') && l.includes(' 000002999 '), 30_000);
  process.kill(pid, 'SIGTERM');
  await run.exited;
  const errors = run.stdout.filter((l) => l.includes('cannot write log file'));
  assert.equal(errors.length, 1, run.stdout.filter((l) => l.startsWith('pidone')).join('\n'));
  const notice = run.stderr().split('\n').find((l) => l.startsWith('pidone: output not delivered:'));
  assert.ok(notice, run.stderr());
  const m = new RegExp(`${join(fs, 'w.log').replace(/[.]/g, '\\.')}: (\\d+) bytes \\((\\d+) lines of program output\\), ENOSPC`).exec(notice);
  assert.ok(m, notice);
  const inFile = readFileSync(join(fs, 'w.log'), 'latin1').split('\n').length - 1;
  assert.equal(inFile + Number(m[2]), 3000, `${inFile} lines in the file + ${m[2]} reported lost`);
});
