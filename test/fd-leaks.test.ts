// pidone as PID 1 keeps no descriptor it no longer needs: a spawn that fails (for lack of
// descriptors halfway through, a bad directory, an exec error), a program removed by a reload
// with its log files: afterwards /proc/PID/fd of pidone is back to its first count.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { http } from './support/control.ts';
import { type Daemon, startDaemon, until } from './support/daemon.ts';
import { fdSummary, setFdLimit, settledFdCount } from './support/fds.ts';
import { killAll } from './support/pid1.ts';

let d: Daemon | null = null;
afterEach(() => {
  killAll();
  d?.cleanup();
  d = null;
});

const states = async (socket: string): Promise<Map<string, string>> => {
  // A connection of its own each time, as the CLI makes: no keep-alive descriptor left behind.
  const r = await http(socket, 'GET', '/api/programs', undefined, { Connection: 'close' });
  return new Map((JSON.parse(r.body).programs as Array<{ name: string; state: string }>).map((p) => [p.name, p.state]));
};

test('a spawn that runs out of descriptors halfway (after its pipes) leaks none of them', { timeout: 60_000 }, async () => {
  // 30 programs cannot all fit under the limit: the spawns run out of descriptors at every
  // step in turn (first pipe, second pipe, /dev/null) as the running ones fill the table.
  const programs = Array.from({ length: 30 }, (_, i) => `  p${i}: { command: [sleep, "1000"], autostart: false, startretries: 2 }`);
  d = await startDaemon(`settings: { control: { socket: SOCKET } }\nprograms:\n${programs.join('\n')}\n`);
  const pid = await d.run.hostPid();
  const first = await settledFdCount(pid);
  setFdLimit(pid, first + 24);
  assert.equal((await http(d.socket, 'POST', '/api/programs/all/start?wait=0')).status, 200);
  // Spawn errors are retried with backoff: wait for the table to settle, some running, some not.
  await until(async () => [...(await states(d!.socket)).values()].every((s) => s === 'RUNNING' || s === 'BACKOFF' || s === 'FATAL'), 20_000, 'every program RUNNING or waiting to retry');
  const running = [...(await states(d.socket)).values()].filter((x) => x === 'RUNNING').length;
  assert.ok(running > 0 && running < 30, `some programs must have run out of descriptors (RUNNING: ${running} of 30)`);
  await d.run.line((l) => /spawnerr: .*(EMFILE|Too many open files)/i.test(l), 5000); // a spawn ran out of descriptors
  assert.equal((await http(d.socket, 'POST', '/api/programs/all/stop')).status, 200);
  // The control socket's reserve, spent at the limit, is taken back by the next connection
  // that finds room: each poll below is one.
  await until(async () => (await states(d!.socket)).get('p0') === 'STOPPED' && (await settledFdCount(pid)) === first, 5000, 'the first count')
    .catch(() => {});
  const last = await settledFdCount(pid);
  assert.equal(last, first, `pidone holds ${last} descriptors, ${first} at first: ${fdSummary(pid)}`);
});

test('1,000 failing spawns and 100 reloads adding and removing programs with log files: the fd count returns to the first', {
  timeout: 90_000,
}, async (t) => {
  const base = 'settings: { control: { socket: SOCKET } }\nprograms:\n  keep: { command: [sleep, "1000"] }\n';
  d = await startDaemon(base);
  const dir = d.dir;
  const badInterpreter = join(dir, 'bad-interpreter');
  writeFileSync(badInterpreter, '#!/nonexistent/sh\n');
  chmodSync(badInterpreter, 0o755);
  const notExecutable = join(dir, 'not-executable');
  writeFileSync(notExecutable, '#!/bin/sh\n');
  const gone = join(dir, 'gone');
  mkdirSync(gone); // removed once the config is loaded: the check at load passes, chdir fails
  const fast = 'backoff: { initial: 1ms, max: 1ms }';
  // Spawns that fail in each way pidone has: in the child (chdir, exec) after the pipes are
  // made, and before them (command not found, not executable).
  const failing = [
    `  bad-dir: { command: [sleep, "1"], directory: ${gone}, ${fast} }`,
    `  bad-exec: { command: [${badInterpreter}], ${fast} }`,
    `  bad-command: { command: [${join(dir, 'no-such-command')}], ${fast} }`,
    `  bad-mode: { command: [${notExecutable}], ${fast} }`,
  ];
  const logged = (round: number) => Array.from({ length: 3 }, (_, i) =>
    `  log${round}-${i}: { command: [sh, -c, "echo out; echo err >&2; exec sleep 1000"], stdout_logfile: ${join(dir, `r${round}-${i}.out`)}, stderr_logfile: ${join(dir, `r${round}-${i}.err`)} }`);
  const pid = await d.run.hostPid();
  await until(async () => (await states(d!.socket)).get('keep') === 'RUNNING', 5000, 'keep RUNNING');
  const first = await settledFdCount(pid);
  const reload = async (): Promise<void> => {
    const r = await http(d!.socket, 'POST', '/api/reload', undefined, { Connection: 'close' });
    assert.equal(r.status, 200, r.body);
  };
  const failedSpawns = (): number => d!.run.stdout.filter((l) => l.includes('spawnerr:')).length;
  for (let round = 0; round < 50; round++) {
    d.write(`${base}${[...(round === 0 ? failing : []), ...logged(round)].join('\n')}\n`);
    await reload();
    if (round === 0) {
      rmdirSync(gone);
      // Spawn errors are retried once a second: restart them by command instead, as a user would.
      for (let n = 0; n < 250; n++) {
        for (const name of ['bad-dir', 'bad-exec', 'bad-command', 'bad-mode']) {
          await http(d.socket, 'POST', `/api/programs/${name}/restart?wait=0`);
        }
      }
      await until(() => failedSpawns() >= 1000, 10_000, '1,000 failed spawns');
    }
    await until(async () => {
      const s = await states(d!.socket);
      return [0, 1, 2].every((i) => s.get(`log${round}-${i}`) === 'RUNNING');
    }, 10_000, `round ${round}: the logged programs RUNNING`);
    d.write(base);
    await reload();
  }
  await until(async () => (await states(d!.socket)).size === 1, 10_000, 'only keep left');
  const last = await settledFdCount(pid);
  t.diagnostic(`descriptors: ${first} at first, ${last} after ${failedSpawns()} failed spawns and 100 reloads`);
  assert.equal(last, first, `pidone holds ${last} descriptors, ${first} at first: ${fdSummary(pid)}`);
});
