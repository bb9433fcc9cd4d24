// Single mode as real PID 1 of a PID namespace: signals sent from outside, what the child
// observed, exit codes, zombies, and the clean-up of processes left behind.
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { until } from './support/daemon.ts';
import { BASE_ENV, DIST, RECORDER, childrenOf, killAll, runPidone, stateOf } from './support/pid1.ts';

afterEach(killAll);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const signals = (await import('node:os')).constants.signals as Record<string, number>;

test('forwards every catchable signal, standard and real-time, to the child', async () => {
  const run = runPidone(['--', 'python3', RECORDER]);
  await run.json((o) => o.event === 'ready');
  const host = await run.hostPid();
  const names = ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'PIPE', 'ALRM', 'TERM', 'CONT', 'TSTP', 'TTIN', 'TTOU',
    'URG', 'WINCH', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'IO', 'PWR', 'SYS', 'TRAP', 'ABRT'];
  const numbers = [...names.map((n) => signals[`SIG${n}`]!), 34, 35, 40, 50, 63, 64];
  for (const signo of numbers) {
    process.kill(host, signo);
    await run.json((o) => o.event === 'signal' && o.signo === signo);
  }
  process.kill(host, 'SIGKILL');
  await run.exited;
});

test('does not forward SIGCHLD', async () => {
  const run = runPidone(['--', 'python3', RECORDER]);
  await run.json((o) => o.event === 'ready');
  const host = await run.hostPid();
  process.kill(host, 'SIGCHLD');
  process.kill(host, 'SIGUSR1');
  await run.json((o) => o.event === 'signal' && o.signo === signals.SIGUSR1);
  assert.ok(!run.stdout.some((l) => l.includes(`"signo": ${signals.SIGCHLD}`)), run.stdout.join('\n'));
  process.kill(host, 'SIGKILL');
  await run.exited;
});

test('signals only the child without -g, and its whole process group with -g', async () => {
  const script = `python3 ${RECORDER} --tag grandchild & exec python3 ${RECORDER} --tag child`;
  for (const group of [false, true]) {
    const run = runPidone([...(group ? ['-g'] : []), '--', 'sh', '-c', script]);
    await run.json((o) => o.event === 'ready' && o.tag === 'child');
    await run.json((o) => o.event === 'ready' && o.tag === 'grandchild');
    const host = await run.hostPid();
    process.kill(host, 'SIGUSR2');
    await run.json((o) => o.event === 'signal' && o.tag === 'child');
    // A marker straight to the grandchild: it takes pending signals lowest number first, so a
    // USR2 (12) from pidone, if it came, is reported before this TERM (15).
    const child = childrenOf(host)[0]!;
    process.kill(childrenOf(child)[0]!, 'SIGTERM');
    await run.json((o) => o.event === 'signal' && o.tag === 'grandchild' && o.signo === 15);
    const grandchildGotIt = run.stdout.some((l) => l.includes('"grandchild"') && l.includes('"signo": 12'));
    assert.equal(grandchildGotIt, group, `grandchild received the signal: ${grandchildGotIt} with -g: ${group}`);
    process.kill(host, 'SIGKILL');
    await run.exited;
  }
});

test('the child starts with an empty mask, default dispositions, its own process group, no stray fds, argv and env unchanged', async () => {
  const env = { ...BASE_ENV, ODD_VALUE: 'a b=c "d"\n\te', EMPTY: '' };
  const run = runPidone(['--', 'python3', RECORDER, 'arg one', '', '--flag', 'ünïcode'], { env });
  const ready = await run.json((o) => o.event === 'ready');
  assert.equal(ready.sigblk, '0000000000000000');
  assert.equal(ready.pgid, ready.pid, 'own process group');
  assert.equal(ready.ppid, 1, 'pidone, PID 1, is the parent');
  assert.notEqual(ready.sid, ready.pid, 'same session as pidone (a process group, not a new session)');
  assert.deepEqual(ready.fds, [0, 1, 2]);
  assert.deepEqual(ready.argv.slice(1), ['arg one', '', '--flag', 'ünïcode']);
  assert.deepEqual(ready.env, env);
  process.kill(await run.hostPid(), 'SIGKILL');
  await run.exited;
});

test('the child starts with no signal blocked or ignored (read by cat, which changes neither)', async () => {
  const run = runPidone(['--', 'cat', '/proc/self/status']);
  assert.equal((await run.exited).code, 0);
  const field = (name: string) => run.stdout.find((l) => l.startsWith(`${name}:`))?.split(/\s+/)[1];
  assert.equal(field('SigBlk'), '0000000000000000');
  assert.equal(field('SigIgn'), '0000000000000000');
  assert.equal(field('SigCgt'), '0000000000000000');
});

test('hands the terminal foreground to the child under a tty, like tini', async () => {
  // script(1) gives the namespace a pty as its controlling terminal, as `docker run -t` does.
  const out = join(mkdtempSync(join(tmpdir(), 'pidone-tty-')), 'out');
  const inner = `timeout --foreground -s KILL 2 unshare --pid --fork --mount-proc --kill-child ${process.execPath} ${DIST} -- python3 ${RECORDER} > ${out}`;
  const { spawnSync } = await import('node:child_process');
  spawnSync('script', ['-qec', inner, '/dev/null'], { env: BASE_ENV, stdio: 'ignore', timeout: 10_000 });
  const line = existsSync(out) ? readFileSync(out, 'utf8').split('\n').find((l) => l.includes('"ready"')) : undefined;
  assert.ok(line, 'the child reported');
  const ready = JSON.parse(line);
  assert.equal(ready.tpgid, ready.pgid, 'the child group is the terminal foreground');
});

test('exits with the child code, 128+signal, 127 not found, 126 not executable; -e maps codes to 0', async () => {
  const cases: Array<[string[], number]> = [
    [['--', 'sh', '-c', 'exit 3'], 3],
    [['--', 'sh', '-c', 'exit 0'], 0],
    [['--', 'sh', '-c', 'kill -TERM $$'], 143],
    [['--', 'sh', '-c', 'kill -KILL $$'], 137],
    [['--', 'no-such-program-anywhere'], 127],
    [['--', '/etc/passwd'], 126],
    [['--', '/'], 126],
    [['-e', '143', '--', 'sh', '-c', 'kill -TERM $$'], 0],
    [['-e', '3', '-e', '4', '--', 'sh', '-c', 'exit 4'], 0],
    [['-e3', '--', 'sh', '-c', 'exit 5'], 5],
  ];
  for (const [args, code] of cases) {
    const run = runPidone(args);
    const exit = await run.exited;
    assert.equal(exit.code, code, `${args.join(' ')}: ${run.stderr()}`);
  }
});

test('a program without a slash is looked up in PATH as execvp does: a later runnable entry wins over an unrunnable one, which beats none; a script without #! runs under sh', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-path-'));
  const denied = join(dir, 'denied');
  const runnable = join(dir, 'runnable');
  const plain = join(dir, 'plain');
  const { chmodSync, mkdirSync } = await import('node:fs');
  for (const d of [denied, runnable, plain]) mkdirSync(d);
  writeFileSync(join(denied, 'tool'), '#!/bin/sh\nexit 1\n', { mode: 0o644 });
  writeFileSync(join(runnable, 'tool'), '#!/bin/sh\nexit 7\n', { mode: 0o755 });
  writeFileSync(join(plain, 'noshebang'), 'exit 9\n');
  chmodSync(join(plain, 'noshebang'), 0o755);
  const cases: Array<[string, string, number]> = [
    [`${denied}:${runnable}:/usr/bin:/bin`, 'tool', 7],
    [`${denied}:/usr/bin:/bin`, 'tool', 126],
    [`${dir}/missing:/usr/bin:/bin`, 'tool', 127],
    [`${plain}:/usr/bin:/bin`, 'noshebang', 9],
  ];
  for (const [path, program, code] of cases) {
    const run = runPidone(['--', program], { env: { ...BASE_ENV, PATH: path } });
    assert.equal((await run.exited).code, code, `PATH=${path} ${program}: ${run.stderr()}`);
    if (code === 126) assert.match(run.stderr(), /cannot run \S*tool: permission denied/);
    if (code === 127) assert.match(run.stderr(), /cannot run tool: command not found in PATH/);
  }
});

test('TERM sent to PID 1 reaches a child that exits on it, and pidone reports 128+15', async () => {
  const run = runPidone(['--', 'python3', '-c', 'import time\nprint("up", flush=True)\ntime.sleep(60)']);
  await run.line((l) => l === 'up');
  process.kill(await run.hostPid(), 'SIGTERM');
  assert.equal((await run.exited).code, 143);
});

test('TSTP stops the child and CONT resumes it; pidone itself never stops', async () => {
  const run = runPidone(['--', 'python3', RECORDER, '--no-catch']);
  const ready = await run.json((o) => o.event === 'ready');
  const host = await run.hostPid();
  const [child] = childrenOf(host);
  assert.ok(child, 'child found');
  process.kill(host, 'SIGTSTP');
  for (let i = 0; i < 100 && stateOf(child) !== 'T'; i++) await sleep(10);
  assert.equal(stateOf(child), 'T', 'child stopped');
  assert.notEqual(stateOf(host), 'T', 'pidone running');
  process.kill(host, 'SIGCONT');
  for (let i = 0; i < 100 && stateOf(child) === 'T'; i++) await sleep(10);
  assert.notEqual(stateOf(child), 'T', 'child resumed');
  assert.equal(ready.tag, 'child');
  process.kill(host, 'SIGKILL');
  await run.exited;
});

test('reaps 2,000 orphans: no zombie left a second after they exit', async () => {
  const script = `i=0; while [ $i -lt 2000 ]; do (true &); i=$((i+1)); done; sleep 1
z=0; for f in /proc/[0-9]*/stat; do read -r _ _ s _ < $f 2>/dev/null && [ "$s" = Z ] && z=$((z+1)); done; echo zombies=$z`;
  const run = runPidone(['--', 'sh', '-c', script]);
  const line = await run.line((l) => l.startsWith('zombies='), 60_000);
  assert.equal(line, 'zombies=0');
  assert.equal((await run.exited).code, 0);
});

test('orphans are reparented to pidone and reaped when it is not PID 1 (automatic subreaper)', async () => {
  // The subshell forks a sleep and exits at once: the sleep is an orphan, re-parented to pidone.
  const run = runPidone(['--', 'sh', '-c', '(exec 1>&-; sleep 1.5 &); echo orphaned; sleep 2; echo done'], { namespace: false });
  const host = await run.hostPid();
  await run.line((l) => l === 'orphaned');
  let orphans: number[] = [];
  const isSleep = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep';
    } catch {
      return false;
    }
  };
  await until(() => (orphans = childrenOf(host).filter(isSleep)).length >= 1, 1500, 'the orphaned sleep re-parented to pidone');
  await run.line((l) => l === 'done', 10_000);
  assert.equal((await run.exited).code, 0);
  for (const pid of orphans) assert.ok(!existsSync(`/proc/${pid}`), `orphan ${pid} was reaped`);
});

test('processes left behind get SIGTERM and finish their clean-up before pidone exits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-left-'));
  const marker = join(dir, 'cleaned');
  const script = `sh -c 'trap "sleep 0.3; echo ok > ${marker}; exit 0" TERM; while :; do sleep 0.05; done' & sleep 0.2; exit 7`;
  const run = runPidone(['--', 'sh', '-c', script]);
  const exit = await run.exited;
  assert.equal(exit.code, 7, 'the child\'s code');
  assert.equal(readFileSync(marker, 'utf8'), 'ok\n', 'the clean-up ran to the end');
});

test('a process left behind that ignores SIGTERM is killed after the grace period', async () => {
  const script = `sh -c 'trap "" TERM; while :; do sleep 0.05; done' & sleep 0.2; exit 4`;
  const started = Date.now();
  const run = runPidone(['--grace', '300ms', '--', 'sh', '-c', script]);
  const exit = await run.exited;
  assert.equal(exit.code, 4);
  assert.ok(Date.now() - started >= 500, 'waited the grace period');
  assert.match(run.stderr(), /killing \d+ process\(es\) that outlived the grace period/);
});

test('without the addon, pidone still runs the program and says once, as an error when PID 1, what is lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-noaddon-'));
  copyFileSync(DIST, join(dir, 'pidone.js'));
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
  const run = runPidone(['--', 'sh', '-c', 'exit 5'], { dist: join(dir, 'pidone.js'), env: { ...BASE_ENV, PIDONE_ADDON: '/nonexistent/pidone.node' } });
  // The candidates beside the bundle do not exist; the source tree's might, so point away from it.
  const exit = await run.exited;
  assert.equal(exit.code, 5);
  const errors = run.stderr().split('\n').filter((l) => l.includes('addon'));
  assert.equal(errors.length, 1, run.stderr());
  assert.match(errors[0]!, /^pidone: error: native addon unavailable .*orphaned zombies will not be reaped/);
});

test('dist/ copied alone to an empty folder runs with no node_modules', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-dist-'));
  for (const f of ['pidone.js', 'pidone.node', 'package.json']) copyFileSync(join(DIST, '..', f), join(dir, f));
  const run = runPidone(['-vv', '--', 'sh', '-c', 'exit 9'], { dist: join(dir, 'pidone.js') });
  assert.equal((await run.exited).code, 9);
  assert.doesNotMatch(run.stderr(), /addon unavailable/);
});
