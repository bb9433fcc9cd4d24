// Resource limits on real children of pidone as PID 1: rlimits, nice and oom_score_adj set
// between fork and exec (read back from /proc/PID/limits, /proc/PID/stat, /proc/PID/oom_score_adj
// of the program and of a child it started), from YAML and from INI; a limit the kernel refuses
// is a typed spawn error that names the limit, the value and the fix; supervisord's
// minfds/minprocs; and per-program cgroups as far as this kernel's hierarchy allows.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { http } from './support/control.ts';
import { startDaemon, until } from './support/daemon.ts';
import { BASE_ENV, killAll, runPidone } from './support/pid1.ts';

afterEach(killAll);

interface View { name: string; state: string; pid: number; description: string }

async function programs(socket: string): Promise<View[]> {
  return (JSON.parse((await http(socket, 'GET', '/api/programs')).body) as { programs: View[] }).programs;
}

function stat(pid: number | string): string[] {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** Host pids of the processes under `root` whose environment carries `TAG=tag`. */
function tagged(root: number, tag: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      let p = Number(e);
      for (let n = 0; n < 32 && p > 1 && p !== root; n++) p = Number(stat(p)[1]);
      if (p !== root) continue;
      if (readFileSync(`/proc/${e}/environ`, 'utf8').split('\0').includes(`TAG=${tag}`)) out.push(Number(e));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

/** /proc/PID/limits as name -> [soft, hard]. */
function limitsOf(pid: number): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const line of readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').slice(1)) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (m) out.set(m[1]!, [m[2]!, m[3]!]);
  }
  return out;
}

const EXPECTED: [string, [string, string]][] = [
  ['Max open files', ['512', '1024']],
  ['Max processes', ['3000', '3000']],
  ['Max core file size', ['0', '0']],
  ['Max stack size', ['16777216', '16777216']],
  ['Max locked memory', ['65536', '65536']],
  ['Max address space', ['unlimited', 'unlimited']],
  ['Max cpu time', ['600', '600']],
  ['Max file size', ['1073741824', '2147483648']],
];

function checkLimits(pid: number, what: string): void {
  const l = limitsOf(pid);
  for (const [name, want] of EXPECTED) assert.deepEqual(l.get(name), want, `${what}: ${name}`);
  assert.equal(stat(pid)[16], '7', `${what}: nice`);
  assert.equal(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim(), '333', `${what}: oom_score_adj`);
}

test('YAML limits, nice and oom_score_adj hold for the program and the processes it starts', { timeout: 30_000 }, async () => {
  const d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  lim:
    command: [sh, -c, "sleep 1000 & wait"]
    environment: { TAG: yaml-limits }
    limits: { nofile: "512:1024", nproc: 3000, core: 0, stack: 16MB, memlock: 64K, as: unlimited, cpu: 10m, fsize: "1GB:2GB" }
    nice: 7
    oom_score_adj: 333
`);
  try {
    const root = await d.run.hostPid();
    await until(() => tagged(root, 'yaml-limits').length === 2, 10_000, 'the program and its child');
    const [a, b] = tagged(root, 'yaml-limits');
    checkLimits(a!, 'the program');
    checkLimits(b!, 'its child');
  } finally {
    d.cleanup();
  }
});

test('INI extension keys: limits_*, nice and oom_score_adj', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-limits-'));
  const socket = join(dir, 's.sock');
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, `[supervisord]
nodaemon=true
[unix_http_server]
file=${socket}
[program:lim]
command=sleep 1000
environment=TAG="ini-limits"
limits_nofile=512:1024
limits_nproc=3000
limits_core=0
limits_stack=16MB
limits_memlock=64K
limits_as=unlimited
limits_cpu=10m
limits_fsize=1GB:2GB
nice=7
oom_score_adj=333
`);
  const run = runPidone(['-c', conf]);
  const root = await run.hostPid();
  await until(() => tagged(root, 'ini-limits').length === 1, 10_000, 'the program');
  checkLimits(tagged(root, 'ini-limits')[0]!, 'the program');
});

test('a limit the kernel refuses is a spawn error naming the limit, the value and the fix; the program is FATAL at once', { timeout: 30_000 }, async () => {
  // Above /proc/sys/fs/nr_open: refused even to root.
  const d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  big:
    command: [sleep, "1000"]
    limits: { nofile: 99999999 }
  other: { command: [sleep, "1000"] }
`);
  try {
    await until(async () => (await programs(d.socket)).find((p) => p.name === 'big')?.state === 'FATAL', 10_000, 'FATAL');
    const p = (await programs(d.socket)).find((x) => x.name === 'big')!;
    assert.match(p.description, /couldn't set limits\.nofile to 99999999: EPERM: above pidone's own hard limit .*docker run --ulimit nofile=N:N/);
    assert.equal(d.run.stdout.filter((l) => /spawnerr:/.test(l)).length, 1, 'not retried');
  } finally {
    d.cleanup();
  }
});

test('a negative nice value without CAP_SYS_NICE: a spawn error that says so', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-limits-'));
  const conf = join(dir, 'pidone.yaml');
  writeFileSync(conf, `settings: { control: { socket: ${join(dir, 's.sock')} } }
programs:
  eager: { command: [sleep, "1000"], nice: -5, critical: true }
`);
  // capsh drops CAP_SYS_NICE from the bounding set: pidone (root) runs without it.
  const capped = runPidone(['-c', conf], { env: BASE_ENV, wrap: ['/usr/sbin/capsh', '--drop=cap_sys_nice', '--', '-c', 'exec "$0" "$@"'] });
  const exit = await capped.exited;
  assert.equal(exit.code, 126, 'a critical program that cannot start: 126');
  assert.ok(capped.stdout.some((l) => /couldn't set nice to -5: EACCES: a negative nice value needs CAP_SYS_NICE/.test(l)), capped.stdout.join('\n'));
});

test('INI minfds above what pidone may raise: supervisord\'s refusal, exit 2; minprocs within the hard limit is raised for every program', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-minfds-'));
  const conf = join(dir, 'supervisord.conf');
  const write = (min: string) => writeFileSync(conf, `[supervisord]
nodaemon=true
${min}
[unix_http_server]
file=${join(dir, 's.sock')}
[program:p]
command=sleep 1000
environment=TAG="minfds"
`);
  write('minfds=99999999');
  const refused = runPidone(['-c', conf]);
  assert.equal((await refused.exited).code, 2);
  assert.match(refused.stderr(), /The minimum number of file descriptors required to run this process is 99999999 as per the "minfds" command-line argument or config file setting\. The current environment will only allow you to open \d+ file descriptors\./);
  // Node itself raises its soft RLIMIT_NOFILE to the hard one at start, so minprocs shows the
  // raise: started with 100 processes (hard 5000), minprocs=300 raises the soft limit, as any
  // process may, for pidone and so for its programs; the hard one stays.
  write('minprocs=300');
  const raised = runPidone(['-c', conf], { wrap: ['/usr/bin/prlimit', '--nproc=100:5000', '--'] });
  const root = await raised.hostPid();
  await raised.line((l) => /Increased RLIMIT_NPROC limit to 300/.test(l), 10_000);
  await until(() => tagged(root, 'minfds').length === 1, 10_000, 'the program');
  assert.deepEqual(limitsOf(tagged(root, 'minfds')[0]!).get('Max processes'), ['300', '5000']);
});

test('cgroup limits: a cgroup of its own where the hierarchy is writable; a warning for controllers that are not delegated; stop ends a setsid escapee that ignores SIGTERM (cgroup.kill)', { timeout: 30_000 }, async (t) => {
  const d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  tree:
    # The escapee leaves the process group and ignores SIGTERM: only cgroup.kill reaches it.
    command: [sh, -c, "setsid sh -c 'trap \\"\\" TERM; exec sleep 1000' & exec sleep 1000"]
    environment: { TAG: cgroup-tree }
    stop_timeout: 2s
    limits: { pids_max: 50, memory_max: 64MB, cpu_max: 0.5 }
`);
  try {
    const root = await d.run.hostPid();
    await until(() => tagged(root, 'cgroup-tree').length === 2, 10_000, 'the program and its escapee');
    const procs = tagged(root, 'cgroup-tree');
    const cgroups = procs.map((p) => readFileSync(`/proc/${p}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))!.slice(3));
    const own = readFileSync(`/proc/${root}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);
    if (cgroups[0] === own) {
      t.diagnostic('no writable cgroup v2 hierarchy here: only the warning at start is checked');
      await d.run.line((l) => /cgroups: /.test(l), 5000);
      return;
    }
    assert.match(cgroups[0]!, /\/pidone-[0-9a-f]+\/tree$/, 'the program runs in pidone-<id>/tree');
    assert.equal(cgroups[1], cgroups[0], 'so does its setsid escapee');
    const offered = readFileSync(join(mountOf(), own ?? '/', 'cgroup.controllers'), 'utf8');
    for (const [ctl, file] of [['pids', 'pids.max'], ['memory', 'memory.max'], ['cpu', 'cpu.max']] as const) {
      const path = join(mountOf(), cgroups[0]!, file);
      if (offered.includes(ctl)) assert.ok(existsSync(path) && readFileSync(path, 'utf8').trim() !== 'max', `${file} is set`);
      else await d.run.line((l) => l.includes(`the ${ctl} controller is not delegated`), 5000);
    }
    const stopped = await d.pidone(['stop', 'tree', '-s', d.socket]);
    assert.equal(stopped.code, 0, stopped.stderr);
    await until(() => tagged(root, 'cgroup-tree').length === 0, 5000, 'every process of the tree, the escapee too, to be gone');
    // pidone removes the cgroups it made when it ends.
    await d.pidone(['shutdown', '-s', d.socket]);
    await d.run.exited;
    assert.equal(existsSync(join(mountOf(), cgroups[0]!, '..')), false, 'pidone-<id> is gone');
  } finally {
    d.cleanup();
  }
});

function mountOf(): string {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (right?.startsWith('cgroup2 ')) return left!.split(' ')[4]!;
  }
  return '/sys/fs/cgroup';
}
