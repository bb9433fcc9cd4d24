// The lifecycle as a user meets it: the bundle as PID 1, real programs, the real CLI. Each test
// here failed on an earlier pidone (see the test names): a program respawned after a crash that
// no signal reached any more, a shell wrapper that took a signal meant for the program, a
// process group left running beside the next copy, a removed program's log file kept open.
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { exec, until } from './support/daemon.ts';
import { BASE_ENV, DIST, killAll, runPidone, type Run } from './support/pid1.ts';

afterEach(killAll);

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'pidone-life-'));
}

const cli = (args: string[]) => exec([process.execPath, DIST, ...args]);

/** Pids (in the host's view) of live processes whose environment names this program. */
function processesOf(name: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`SUPERVISOR_PROCESS_NAME=${name}`) && env.includes(`PIDONE_TEST_TAG=${TAG}`)) out.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

/** Distinct process groups among a program's live processes. */
function groupsOf(name: string): Set<number> {
  const groups = new Set<number>();
  for (const pid of processesOf(name)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      groups.add(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]));
    } catch {
      // gone
    }
  }
  return groups;
}

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};

// Every test's programs carry this tag, so a leftover of another test cannot be mistaken for ours.
const TAG = `${process.pid}-${Date.now()}`;
const ENV = { ...BASE_ENV, PIDONE_TEST_TAG: TAG };

/** The host's pid of a program's process, from its pid inside pidone's namespace. */
function hostPidOf(name: string, nsPid: number): number {
  for (const pid of processesOf(name)) {
    try {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:'));
      if (line !== undefined && Number(line.trim().split(/\s+/).pop()) === nsPid) return pid;
    } catch {
      // gone
    }
  }
  throw new Error(`no live process of ${name} with pid ${nsPid} in pidone's namespace`);
}

async function statusOf(socketArg: string[], name: string): Promise<{ state: string; pid: number; uptime: number }> {
  const r = await cli(['status', ...socketArg, name, '--json']);
  const list = (JSON.parse(r.stdout) as { programs: { name: string; state: string; pid: number; uptime: number }[] }).programs;
  const p = list.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no ${name} in ${r.stdout} ${r.stderr}`);
  return { state: p.state, pid: p.pid, uptime: p.uptime };
}

async function respawnedOnce(run: Run, sock: string[], name: string): Promise<number> {
  await run.line((l) => new RegExp(`success: ${name} entered RUNNING`).test(l), 10_000);
  // A crash after the first second is respawned at once, within the exit's own handling: the
  // path on which an earlier pidone lost the new child's handle.
  let first = 0;
  await until(async () => {
    const s = await statusOf(sock, name);
    first = s.pid;
    return s.uptime >= 2;
  }, 10_000, `${name} up for over a second`);
  // The crash: a signal the program does not handle, from outside pidone.
  process.kill(hostPidOf(name, first), 'SIGUSR2');
  await run.line((l) => new RegExp(`exited: ${name} \\(terminated by SIGUSR2`).test(l), 10_000);
  let second = 0;
  await until(async () => {
    const s = await statusOf(sock, name);
    second = s.pid;
    return s.state === 'RUNNING' && s.pid !== first && s.pid !== 0;
  }, 10_000, `${name} respawned and RUNNING:\n${run.stdout.join('\n')}`);
  return hostPidOf(name, second);
}

function iniConfig(socket: string): string {
  const d = dir();
  const file = join(d, 'supervisord.conf');
  writeFileSync(file, `[supervisord]
nodaemon=true

[unix_http_server]
file=${socket}

[program:p]
command=sleep 1000
startsecs=0
stopwaitsecs=30
`);
  return file;
}

test('a program respawned after a crash is stopped by its stop signal: pidone stop', async () => {
  const socket = join(dir(), 's.sock');
  const run = runPidone(['-c', iniConfig(socket)], { env: ENV });
  const sock = ['-s', `unix://${socket}`];
  const pid = await respawnedOnce(run, sock, 'p');
  const r = await cli(['stop', ...sock, 'p']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal((await statusOf(sock, 'p')).state, 'STOPPED');
  assert.ok(!alive(pid), 'the respawned child is gone');
  assert.ok(run.stdout.some((l) => /stopped: p \(terminated by SIGTERM\)/.test(l)), run.stdout.join('\n'));
  assert.ok(!run.stdout.some((l) => /SIGKILL/.test(l)), 'no SIGKILL was needed');
});

test('a program respawned after a crash is stopped by its stop signal: pidone signal and SIGTERM to pidone', async () => {
  const socket = join(dir(), 's.sock');
  const run = runPidone(['-c', iniConfig(socket)], { env: ENV });
  const sock = ['-s', `unix://${socket}`];
  const pid = await respawnedOnce(run, sock, 'p');
  // `signal` reaches the new child (it answered "not running" while status said RUNNING).
  const r = await cli(['signal', ...sock, 'USR1', 'p']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  await run.line((l) => /exited: p \(terminated by SIGUSR1/.test(l), 10_000);
  const third = (await (async () => {
    let s = { state: '', pid: 0 };
    await until(async () => {
      s = await statusOf(sock, 'p');
      return s.state === 'RUNNING' && s.pid !== 0 && hostPidOf('p', s.pid) !== pid;
    }, 10_000, 'p respawned again');
    return { pid: hostPidOf('p', s.pid) };
  })()).pid;
  process.kill(await run.hostPid(), 'SIGTERM');
  const exit = await run.exited;
  assert.equal(exit.code, 0, run.stdout.join('\n'));
  assert.ok(!alive(third));
  assert.ok(run.stdout.some((l) => /stopped: p \(terminated by SIGTERM\)/.test(l)), run.stdout.join('\n'));
  assert.ok(!run.stdout.some((l) => /SIGKILL/.test(l)), run.stdout.join('\n'));
});

test('supervisorctl restart of a program respawned after a crash stops the old child with its stop signal', async () => {
  const socket = join(dir(), 's.sock');
  const run = runPidone(['-c', iniConfig(socket)], { env: ENV });
  const sock = ['-s', `unix://${socket}`];
  const pid = await respawnedOnce(run, sock, 'p');
  const r = await exec(['supervisorctl', '-s', `unix://${socket}`, 'restart', 'p'], ENV, 25_000);
  assert.match(r.stdout, /p: stopped\np: started/, r.stdout + r.stderr);
  assert.ok(!alive(pid));
  assert.ok(!run.stdout.some((l) => /SIGKILL/.test(l)), run.stdout.join('\n'));
  assert.equal(processesOf('p').length, 1);
});

test('signal to a YAML string command reaches the program, not a shell around it, and no second copy runs', async () => {
  const d = dir();
  const socket = join(d, 's.sock');
  const script = join(d, 'hup.py');
  writeFileSync(script, `import signal, sys, time
signal.signal(signal.SIGHUP, lambda *_: print('got HUP', flush=True))
print('up', flush=True)
while True: time.sleep(3600)
`);
  const file = join(d, 'pidone.yaml');
  writeFileSync(file, `settings: { control: { socket: ${socket} } }
programs:
  web:
    command: python3 ${script}
`);
  const run = runPidone(['-c', file], { env: ENV });
  await run.line((l) => /^web +\| up$/.test(l), 10_000);
  const r = await cli(['signal', '-s', `unix://${socket}`, 'HUP', 'web']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  await run.line((l) => /^web +\| got HUP$/.test(l), 10_000);
  assert.ok(!run.stdout.some((l) => /exited: web/.test(l)), run.stdout.join('\n'));
  assert.equal(processesOf('web').length, 1, 'one process: the program itself');
  process.kill(await run.hostPid(), 'SIGTERM');
  assert.equal((await run.exited).code, 0, run.stdout.join('\n'));
});

test('what a program left in its process group is stopped before it starts again', async () => {
  const d = dir();
  const file = join(d, 'pidone.yaml');
  // The main process exits and leaves a helper in its process group each time.
  writeFileSync(file, `settings: { control: { socket: ${join(d, 's.sock')} } }
programs:
  job:
    command: [sh, -c, "sleep 1000 & echo helper $!; sleep 0.2; exit 3"]
    restart: always
    backoff: { initial: 100ms, max: 100ms }
  steady:
    command: [sleep, "1000"]
`);
  const run = runPidone(['-c', file], { env: ENV });
  const first = Number((await run.line((l) => /^job +\| helper \d+$/.test(l), 10_000)).split(' ').pop());
  const firstHost = hostPidOf('job', first);
  await run.line((l) => /^job +\| helper \d+$/.test(l) && !l.endsWith(` ${first}`), 10_000);
  // By the time the second run printed its helper, the first helper is gone.
  const lines = run.stdout.filter((l) => /^job +\| helper \d+$/.test(l));
  assert.ok(lines.length >= 2);
  assert.ok(!alive(firstHost), `the first run's helper ${first} is still alive beside the second run:\n${run.stdout.join('\n')}`);
  assert.ok(groupsOf('job').size <= 1, 'one process group of job at a time');
  process.kill(await run.hostPid(), 'SIGTERM');
  await run.exited;
});

test('a program removed by a reload has its log file closed and leaves the name column', async () => {
  const d = dir();
  const file = join(d, 'pidone.yaml');
  const socket = join(d, 's.sock');
  const log = join(d, 'a-very-long-program-name.log');
  const w = `  w:
    command: [sh, -c, "trap 'echo tick' HUP; echo w up; while :; do sleep 0.05; done"]
`;
  const head = `settings: { control: { socket: ${socket} } }
programs:
`;
  writeFileSync(file, `${head}  a-very-long-program-name:
    command: [sh, -c, "echo long; exec sleep 1000"]
    stdout_logfile: ${log}
${w}`);
  const run = runPidone(['-c', file], { env: ENV });
  await run.line((l) => /^w +\| w up$/.test(l), 10_000);
  // The two programs start side by side: w's first line says nothing about the other's file.
  await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('long'), 10_000, 'the long-named program\'s line in its log file');
  const pid = await run.hostPid();
  const fdsOn = (path: string) => readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });
  assert.equal(fdsOn(log).length, 1, 'the log file is open while the program exists');
  writeFileSync(file, head + w);
  const r = await cli(['reload', '-s', `unix://${socket}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  await until(() => fdsOn(log).length === 0, 5000, 'the removed program\'s log file to be closed');
  process.kill(hostPidOf('w', (await statusOf(['-s', `unix://${socket}`], 'w')).pid), 'SIGHUP');
  const tick = await run.line((l) => /^w +\| tick$/.test(l), 5000);
  assert.equal(tick, `${'w'.padEnd('pidone'.length)} | tick`, 'the name column is as wide as the names left (never narrower than "pidone")');
  process.kill(pid, 'SIGTERM');
  await run.exited;
});

test('a program that cannot be started ends pidone with the same code in single and supervisor mode (127 not found, 126 not runnable)', { timeout: 60_000 }, async () => {
  const d = dir();
  const noExec = join(d, 'no-exec.sh');
  writeFileSync(noExec, '#!/bin/sh\necho hi\n', { mode: 0o644 });
  const badInterpreter = join(d, 'bad-interpreter.sh');
  writeFileSync(badInterpreter, '#!/nonexistent/sh\necho hi\n', { mode: 0o755 });
  // Found and executable, but execve itself says EACCES: its interpreter may not be run.
  const interpreter = join(d, 'interp');
  writeFileSync(interpreter, '#!/bin/sh\n', { mode: 0o644 });
  const deniedInterpreter = join(d, 'denied-interpreter.sh');
  writeFileSync(deniedInterpreter, `#!${interpreter}\necho hi\n`, { mode: 0o755 });
  const cases: [string, string, number][] = [
    ['a missing command', join(d, 'missing'), 127],
    ['a file without the x bit', noExec, 126],
    ['a directory', d, 126],
    ['a script whose interpreter is missing', badInterpreter, 127],
    ['a script whose interpreter may not be run (EACCES at exec)', deniedInterpreter, 126],
  ];
  for (const [what, command, code] of cases) {
    const single = runPidone(['--', command], { env: ENV });
    assert.equal((await single.exited).code, code, `single mode, ${what}`);
    const file = join(d, `${code}-${cases.findIndex((c) => c[1] === command)}.yaml`);
    writeFileSync(file, `settings: { control: { socket: ${join(d, 's.sock')} } }
programs:
  app: { command: [${JSON.stringify(command)}], critical: true, restart: never }
`);
    const supervised = runPidone(['-c', file], { env: ENV });
    assert.equal((await supervised.exited).code, code, `supervisor mode, ${what}:\n${supervised.stdout.join('\n')}`);
  }
});

test('a user switch a non-root pidone cannot make ends a critical program with 126, not 127 (not found)', { timeout: 30_000 }, async () => {
  const d = dir();
  const file = join(d, 'pidone.yaml');
  writeFileSync(file, `settings: { control: { socket: ${join(d, 's.sock')} } }
programs:
  app: { command: [sleep, "1000"], user: root, critical: true }
`);
  chmodSync(d, 0o755);
  chmodSync(file, 0o644);
  // pidone itself as nobody (PID 1 of its namespace, its privileges dropped before it starts).
  const run = runPidone(['-c', file], { env: ENV, wrap: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
  const exit = await run.exited;
  assert.equal(exit.code, 126, run.stdout.join('\n') + run.stderr());
  assert.ok(run.stdout.some((l) => /can't drop privilege as nonroot user/.test(l)), run.stdout.join('\n'));
  assert.equal(run.stdout.filter((l) => /spawnerr: /.test(l)).length, 1, 'tried once: no retry can fix it');
});
