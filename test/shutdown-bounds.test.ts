// A requested shutdown ends within its documented bound, shutdown_timeout + the kill grace
// (5 s) + the final flush deadline (2 s), even when a child cannot die: a process frozen by the
// cgroup v1 freezer takes no signal, SIGKILL included, until it is thawed, as a process stuck
// in uninterruptible sleep (a dead NFS server, a hung disk) does. pidone once spent the whole
// leftover grace again on such a child after the deadline's SIGKILL.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { http } from './support/control.ts';
import { until } from './support/daemon.ts';
import { BASE_ENV, killAll, runPidone } from './support/pid1.ts';

afterEach(killAll);

const FREEZER = '/sys/fs/cgroup/freezer';
const freezerMissing = existsSync(`${FREEZER}/cgroup.procs`) ? false : 'no cgroup v1 freezer here (a cgroup v2 frozen process still dies of SIGKILL)';

/** The host pid of a program's main process, from its pid in pidone's namespace. */
function hostPid(nsPid: number, tag: string): number {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').includes(`PIDONE_TEST_TAG=${tag}`)) continue;
      const ns = readFileSync(`/proc/${entry}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:')) ?? '';
      if (Number(ns.trim().split(/\s+/).pop()) === nsPid) return Number(entry);
    } catch {
      // gone while we looked
    }
  }
  throw new Error(`no process ${nsPid} tagged ${tag}`);
}

test('a shutdown with a child that cannot die ends within shutdown_timeout + kill grace + flush deadline, exit 1', { skip: freezerMissing, timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-bound-'));
  const socket = join(dir, 's.sock');
  const tag = `bound-${process.pid}-${Date.now()}`;
  const file = join(dir, 'pidone.yaml');
  writeFileSync(file, `settings: { shutdown_timeout: 2s, control: { socket: ${socket} } }
programs:
  stuck: { command: [sleep, "1000"], stop_timeout: 30s }
  fine: { command: [sleep, "1000"] }
`);
  const cgroup = join(FREEZER, tag);
  mkdirSync(cgroup);
  const run = runPidone(['-c', file], { env: { ...BASE_ENV, PIDONE_TEST_TAG: tag } });
  try {
    await run.line((l) => /success: stuck entered RUNNING/.test(l), 10_000);
    const status = JSON.parse((await http(socket, 'GET', '/api/programs')).body) as { programs: { name: string; pid: number }[] };
    const nsPid = status.programs.find((p) => p.name === 'stuck')!.pid;
    writeFileSync(join(cgroup, 'cgroup.procs'), String(hostPid(nsPid, tag)));
    writeFileSync(join(cgroup, 'freezer.state'), 'FROZEN');
    await until(() => readFileSync(join(cgroup, 'freezer.state'), 'utf8').trim() === 'FROZEN', 5000, 'the freeze');
    const t0 = Date.now();
    process.kill(await run.hostPid(), 'SIGTERM');
    // The final line is pidone's last act; the namespace itself can only end once the frozen
    // process is thawed (the kernel waits for every process of a PID namespace to die).
    const final = await run.line((l) => /exiting with code/.test(l), 20_000);
    const took = Date.now() - t0;
    t.diagnostic(`final line ${took} ms after SIGTERM (shutdown_timeout 2 s)`);
    // 2 s + 5 s + 2 s, plus slack for a loaded machine's timers. Earlier builds took 2 + 5 + 5 + 1 s
    // (the leftover grace spent again), then 2 + 5 + 1 + 2 s (a second's wait after the
    // leftovers' SIGKILL, outside the bound).
    assert.ok(took < 9000 + 700, `shutdown took ${took} ms`);
    assert.match(final, /exiting with code 1/, run.stdout.join('\n'));
    assert.match(final, /still alive after SIGKILL: stuck/, run.stdout.join('\n'));
    assert.ok(run.stdout.some((l) => /stopped: fine/.test(l)), 'the others stopped normally');
    writeFileSync(join(cgroup, 'freezer.state'), 'THAWED');
    assert.equal((await run.exited).code, 1, run.stdout.join('\n'));
  } finally {
    writeFileSync(join(cgroup, 'freezer.state'), 'THAWED');
    await until(() => readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').trim() === '', 5000, 'the frozen process to die once thawed').catch(() => {});
    rmdirSync(cgroup);
  }
});
