// Supervisor mode end to end: the built bundle as PID 1 of a PID namespace, real programs,
// signals from outside; assertions on pidone's output lines and exit codes.
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { killAll, runPidone, type Run } from './support/pid1.ts';

afterEach(killAll);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(text: string, name = 'pidone.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-sup-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Index of the first output line matching, or -1. */
const indexOf = (run: Run, re: RegExp) => run.stdout.findIndex((l) => re.test(l));
const count = (run: Run, re: RegExp) => run.stdout.filter((l) => re.test(l)).length;

test('starts dependents only when their dependency is ready, and in parallel within a wave', async () => {
  const file = config(`
programs:
  db:
    command: sleep 0.5; echo accepting connections; exec sleep 1000
    ready: { log: accepting connections }
  cache:
    command: exec sleep 1000
  web:
    command: echo web up; exec sleep 1000
    depends_on: { db: ready, cache: started }
`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /web +\| web up/.test(l));
  const dbSpawn = indexOf(run, /spawned: 'db'/);
  const cacheSpawn = indexOf(run, /spawned: 'cache'/);
  const dbReady = indexOf(run, /^db +\| accepting connections/);
  const webSpawn = indexOf(run, /spawned: 'web'/);
  assert.ok(dbSpawn >= 0 && cacheSpawn >= 0 && dbReady >= 0 && webSpawn >= 0, run.stdout.join('\n'));
  assert.ok(Math.max(dbSpawn, cacheSpawn) < dbReady, 'db and cache start together, before db is ready');
  assert.ok(dbReady < webSpawn, 'web starts after db is ready');
  process.kill(await run.hostPid(), 'SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stdout.join('\n'));
  // Reverse order: web stops before db.
  assert.ok(indexOf(run, /stopped: web/) < indexOf(run, /stopped: db/), run.stdout.join('\n'));
});

test('a crash loop ends in FATAL after exactly startretries retries (INI, supervisord rules)', async () => {
  const file = config(`[supervisord]
[program:crashy]
command=sh -c "echo try; exit 1"
startsecs=1
startretries=2
[program:steady]
command=sleep 1000
`, 'supervisord.conf');
  const run = runPidone(['-c', file]);
  await run.line((l) => /gave up: crashy entered FATAL state, too many start retries too quickly/.test(l), 15_000);
  assert.equal(count(run, /spawned: 'crashy'/), 3, run.stdout.join('\n'));
  assert.equal(count(run, /^crashy +\| try$/), 3);
  process.kill(await run.hostPid(), 'SIGTERM');
  await run.exited;
});

test('YAML max_restarts with backoff: exact number of restarts, then FATAL', async () => {
  const file = config(`
programs:
  flaky:
    command: echo run; exit 2
    restart: always
    backoff: { initial: 100ms, max: 200ms }
    max_restarts: 3
  steady:
    command: exec sleep 1000
`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /flaky entered FATAL state/.test(l), 15_000);
  assert.equal(count(run, /spawned: 'flaky'/), 4, run.stdout.join('\n'));
  process.kill(await run.hostPid(), 'SIGTERM');
  await run.exited;
});

test('a program that ignores SIGTERM is SIGKILLed at its stop timeout, and pidone exits', async () => {
  const file = config(`
programs:
  stubborn:
    command: trap '' TERM; echo armed; while :; do sleep 0.1; done
    stop_timeout: 500ms
`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /stubborn +\| armed/.test(l));
  const host = await run.hostPid();
  const sent = Date.now();
  process.kill(host, 'SIGTERM');
  const exit = await run.exited;
  const took = Date.now() - sent;
  assert.ok(indexOf(run, /killing 'stubborn' \(\d+\) with SIGKILL/) >= 0, run.stdout.join('\n'));
  assert.ok(took >= 450, `waited the stop timeout (${took} ms)`);
  assert.equal(exit.code, 1, 'a shutdown that needed SIGKILL is not a clean one');
});

test('stopping a program kills its grandchildren too (process group), so none outlive pidone', async () => {
  const file = config(`
programs:
  forker:
    command: sleep 1000 & echo "bg $!"; sleep 1000 & echo "bg $!"; wait
`);
  const run = runPidone(['-c', file], { namespace: false });
  await run.line((l) => /forker +\| bg \d+/.test(l));
  await sleep(100);
  const pids = run.stdout.flatMap((l) => /forker +\| bg (\d+)/.exec(l)?.[1] ?? []).map(Number);
  assert.equal(pids.length, 2);
  for (const pid of pids) assert.ok(existsSync(`/proc/${pid}`));
  process.kill(run.proc.pid!, 'SIGTERM');
  assert.equal((await run.exited).code, 0, run.stdout.join('\n'));
  for (const pid of pids) assert.ok(!existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'), `grandchild ${pid} is gone`);
});

test('SIGHUP reloads: added programs start, removed ones stop, unchanged ones keep running', async () => {
  const file = config(`
programs:
  keep: { command: echo keep started; exec sleep 1000 }
  old: { command: exec sleep 1000 }
`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /keep +\| keep started/.test(l));
  await run.line((l) => /spawned: 'old'/.test(l));
  writeFileSync(file, `
programs:
  keep: { command: echo keep started; exec sleep 1000 }
  new: { command: echo new started; exec sleep 1000 }
`);
  process.kill(await run.hostPid(), 'SIGHUP');
  await run.line((l) => /new +\| new started/.test(l));
  await run.line((l) => /stopped: old/.test(l));
  assert.equal(count(run, /spawned: 'keep'/), 1, 'keep was not restarted');
  process.kill(await run.hostPid(), 'SIGTERM');
  assert.equal((await run.exited).code, 0);
});

test('a bad config on SIGHUP is rejected with its errors and the running set is untouched', async () => {
  const file = config(`programs:\n  a: { command: echo a up; exec sleep 1000 }\n`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /a +\| a up/.test(l));
  writeFileSync(file, `programs:\n  a: { command: echo a up; exec sleep 1000, restart: sometimes }\n`);
  process.kill(await run.hostPid(), 'SIGHUP');
  await run.line((l) => /reload rejected/.test(l));
  assert.ok(run.stdout.some((l) => /pidone\.yaml:2:\d+: .*restart/.test(l)), run.stdout.join('\n'));
  assert.equal(count(run, /spawned: 'a'/), 1);
  process.kill(await run.hostPid(), 'SIGTERM');
  assert.equal((await run.exited).code, 0);
});

test('when a critical program ends, pidone stops the rest and exits with its code', async () => {
  const file = config(`
programs:
  job:
    command: sleep 0.3; exit 3
    critical: true
    restart: never
  sidecar:
    command: exec sleep 1000
`);
  const run = runPidone(['-c', file]);
  const exit = await run.exited;
  assert.equal(exit.code, 3, run.stdout.join('\n'));
  assert.ok(indexOf(run, /stopped: sidecar/) >= 0);
  assert.match(run.stdout.at(-1) ?? '', /exiting with code 3: .*job/);
});

test('programs get supervisord\'s environment variables, their directory, umask and user', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-dir-'));
  chmodSync(dir, 0o755);
  const file = config(`
environment: { GLOBAL: g, SHARED: from-global }
programs:
  envy:
    # $$ because an exec-form command is interpolated like compose; chdir happens after setuid.
    command: [sh, -c, 'echo "E $$SUPERVISOR_ENABLED $$SUPERVISOR_PROCESS_NAME $$SUPERVISOR_GROUP_NAME $$GLOBAL $$SHARED"; echo "D $$(pwd) $$(umask)"; echo "U $$(id -u) $$(id -g) $$(id -G) $$HOME $$USER $$LOGNAME"']
    environment: { SHARED: from-program }
    directory: ${dir}
    umask: "027"
    user: nobody
    restart: never
`);
  const run = runPidone(['-c', file]);
  await run.exited;
  const line = (tag: string) => run.stdout.find((l) => l.includes(`| ${tag} `))?.split(`| ${tag} `)[1];
  assert.equal(line('E'), '1 envy envy g from-program');
  assert.equal(line('D'), `${dir} 0027`);
  assert.equal(line('U'), '65534 65534 65534 /nonexistent nobody nobody');
});

test('sd_notify: a program is ready when it sends READY=1 on NOTIFY_SOCKET', async () => {
  const notify = `import os, socket, time
time.sleep(0.3)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"STATUS=warming up\\nREADY=1", os.environ["NOTIFY_SOCKET"])
print("notified", flush=True)
time.sleep(1000)`;
  const file = config(`
programs:
  svc:
    command: [python3, -c, ${JSON.stringify(notify)}]
    ready: { notify: true }
  after:
    command: echo after started; exec sleep 1000
    depends_on: { svc: ready }
`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /after +\| after started/.test(l));
  assert.ok(indexOf(run, /svc +\| notified/) < indexOf(run, /spawned: 'after'/) || indexOf(run, /ready: svc/) < indexOf(run, /spawned: 'after'/), run.stdout.join('\n'));
  process.kill(await run.hostPid(), 'SIGTERM');
  await run.exited;
});

test('forward_signals: a listed signal pidone receives goes to that program', async () => {
  const file = config(`
programs:
  nginx:
    command: trap 'echo got HUP' HUP; echo waiting; while :; do sleep 0.05; done
    forward_signals: [SIGHUP]
`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /nginx +\| waiting/.test(l));
  process.kill(await run.hostPid(), 'SIGHUP');
  await run.line((l) => /nginx +\| got HUP/.test(l));
  assert.equal(indexOf(run, /reload/), -1, 'HUP was forwarded, not taken as reload');
  process.kill(await run.hostPid(), 'SIGTERM');
  await run.exited;
});

test('a config error exits 2 with file:line:col and starts nothing', async () => {
  const file = config(`programs:\n  web:\n    command: echo started\n    restart: sometimes\n`);
  const run = runPidone(['-c', file]);
  const exit = await run.exited;
  assert.equal(exit.code, 2);
  assert.match(run.stderr(), /pidone\.yaml:4:\d+: programs\.web\.restart: .*always.*on-failure.*never.*sometimes/);
  assert.equal(run.stdout.filter((l) => l.includes('started')).length, 0);
});

test('orphans of supervised programs are reaped (pidone is PID 1)', async () => {
  const file = config(`
programs:
  orphaner:
    command: i=0; while [ $i -lt 200 ]; do (true &); i=$((i+1)); done; sleep 1; z=0; for f in /proc/[0-9]*/stat; do read -r _ _ s _ < $f && [ "$s" = Z ] && z=$((z+1)); done; echo "zombies=$z"; exec sleep 1000
`);
  const run = runPidone(['-c', file]);
  const line = await run.line((l) => /zombies=/.test(l), 20_000);
  assert.match(line, /zombies=0$/);
  process.kill(await run.hostPid(), 'SIGTERM');
  await run.exited;
});

test('supervisord\'s default stdout_logfile=AUTO prints to stdout and writes no file', async () => {
  const file = config(`[supervisord]\n[program:talker]\ncommand=sh -c "echo hello from talker"\nautorestart=false\nstartsecs=0\n`, 'supervisord.conf');
  const cwd = mkdtempSync(join(tmpdir(), 'pidone-cwd-'));
  const before = new Set(readdirSync(tmpdir()));
  const run = runPidone(['-c', file], { cwd });
  await run.exited;
  assert.ok(run.stdout.some((l) => /^talker +\| hello from talker$/.test(l)), run.stdout.join('\n'));
  assert.deepEqual(readdirSync(cwd), [], 'nothing written in the working directory');
  const created = readdirSync(tmpdir()).filter((f) => !before.has(f) && /talker/.test(f));
  assert.deepEqual(created, [], 'no AUTO log file in the temp dir');
});

test('tcp, http and exec readiness probes gate their dependents', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-probes-'));
  const port = 20000 + (process.pid % 20000);
  const file = config(`
programs:
  web:
    command: sleep 0.4; exec python3 -m http.server ${port} --bind 127.0.0.1 --directory ${dir}
    ready: { http: "http://127.0.0.1:${port}/", interval: 100ms }
  port_open:
    command: [python3, -c, "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', ${port + 1})); s.listen(); time.sleep(1000)"]
    ready: { tcp: "127.0.0.1:${port + 1}", interval: 100ms }
  flag:
    command: sleep 0.3; touch ${dir}/flag; exec sleep 1000
    ready: { exec: "test -f ${dir}/flag", interval: 100ms }
  app:
    command: echo app started; exec sleep 1000
    depends_on: { web: ready, port_open: ready, flag: ready }
`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /app +\| app started/.test(l), 15_000);
  const spawnedApp = indexOf(run, /spawned: 'app'/);
  for (const name of ['web', 'port_open', 'flag']) {
    const ready = indexOf(run, new RegExp(`ready: ${name} passed`));
    assert.ok(ready >= 0 && ready < spawnedApp, `${name} was ready before app started:\n${run.stdout.join('\n')}`);
  }
  process.kill(await run.hostPid(), 'SIGTERM');
  assert.equal((await run.exited).code, 0);
});

test('a readiness probe that fails for good makes the program FATAL and its dependents blocked, with the reason', async () => {
  const file = config(`
programs:
  db:
    command: exec sleep 1000
    ready: { exec: "exit 1", interval: 100ms, retries: 2 }
  web:
    command: echo web started; exec sleep 1000
    depends_on: { db: ready }
  other:
    command: exec sleep 1000
`);
  const run = runPidone(['-c', file]);
  await run.line((l) => /db entered FATAL state/.test(l), 15_000);
  const blocked = await run.line((l) => /web/.test(l) && /db/.test(l) && /not started|blocked/.test(l));
  assert.match(blocked, /FATAL|readiness/, blocked);
  assert.equal(indexOf(run, /spawned: 'web'/), -1, 'web never started');
  process.kill(await run.hostPid(), 'SIGTERM');
  await run.exited;
});
