// Single mode's last act: the processes the program left behind. Every one it asked to stop must
// also be reaped before pidone exits (else its exit status is lost, and when pidone is not PID 1
// the zombie lands on pidone's own parent); `--grace 0` must be tini's behaviour, exit at once
// without signalling them.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { exec, until } from './support/daemon.ts';
import { BASE_ENV, DIST, killAll, runPidone, stateOf } from './support/pid1.ts';

afterEach(killAll);

// 20 background sleeps, then the program exits: they are left behind, reparented to pidone.
const LEAVE_20 = 'i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done; exit 0';

test('as PID 1, every leftover that SIGTERM ends is reaped before pidone exits', async () => {
  // Dying at the same moment, some became zombies between pidone's last reap and its look at
  // /proc; counting only live processes, pidone exited with them unreaped (most runs, 5 tries).
  for (let round = 0; round < 5; round++) {
    const run = runPidone(['-vv', '--', 'sh', '-c', LEAVE_20]);
    const exit = await run.exited;
    assert.equal(exit.code, 0, run.stderr());
    const reaped = run.stderr().split('\n').filter((l) => /reaped orphan \d+ \(was killed by SIGTERM\)/.test(l));
    assert.equal(reaped.length, 20, `round ${round}: 20 leftovers, ${reaped.length} reaped:\n${run.stderr()}`);
  }
});

// A parent that is itself a subreaper (as tini -s or a CI runner can be) sees whatever pidone
// exits without reaping: the zombies are re-parented to it.
const SUBREAPER = `
import ctypes, json, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
leaks = []
for _ in range(int(sys.argv[1])):
    subprocess.Popen(sys.argv[2:]).wait()
    for d in [d for d in os.listdir('/proc') if d.isdigit()]:
        try:
            s = open('/proc/%s/stat' % d).read()
        except OSError:
            continue
        state, ppid = s[s.rindex(')') + 2:].split()[:2]
        if int(ppid) == os.getpid():
            leaks.append(state)
            try:
                os.kill(int(d), 9)
            except OSError:
                pass
            os.waitpid(int(d), 0)
print(json.dumps(leaks))
`;

test('not PID 1: no leftover reaches pidone\'s parent, dead or alive', async () => {
  const r = await exec(['python3', '-c', SUBREAPER, '10', process.execPath, DIST, '--', 'sh', '-c', LEAVE_20], BASE_ENV, 60_000);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [], 'processes re-parented to pidone\'s parent after it exited (Z: unreaped zombies)');
});

test('--grace 0 exits at once like tini: the leftovers get no signal from pidone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-grace0-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, 'got-term');
  const leftover = `trap 'echo > ${marker}; exit 0' TERM; while :; do sleep 0.05; done`;
  const run = runPidone(['--grace', '0', '--', 'sh', '-c', `sh -c "${leftover}" & echo $!; exit 0`], { namespace: false });
  const pid = Number(await run.line((l) => /^\d+$/.test(l)));
  t.after(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  });
  assert.equal((await run.exited).code, 0);
  assert.notEqual(stateOf(pid), 'Z', 'the leftover still runs after pidone exited');
  // Absence cannot be awaited: had pidone sent SIGTERM, the trap would have run by now.
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!existsSync(marker), 'the leftover got SIGTERM');
  process.kill(pid, 'SIGTERM');
  await until(() => existsSync(marker), 5000, 'the leftover to handle our own SIGTERM');
});
