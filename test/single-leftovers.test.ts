// Single mode's last act: the processes the program left behind. Every one it asked to stop must
// also be reaped before pidone exits (else its exit status is lost, and when pidone is not PID 1
// the zombie lands on pidone's own parent); `--grace 0` must be tini's behaviour, exit at once
// without signalling them.
import { strict as assert } from 'node:assert';
import { afterEach, test } from 'node:test';
import { exec } from './support/daemon.ts';
import { BASE_ENV, DIST, killAll, runPidone, stateOf } from './support/pid1.ts';

afterEach(killAll);

// 20 background sleeps, then the program exits: they are left behind, reparented to pidone.
const LEAVE_20 = 'i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done; exit 0';

test('as PID 1, every leftover that SIGTERM ends is reaped before pidone exits', async () => {
  // Dying at the same moment, some became zombies between pidone's last reap and its look at
  // /proc; counting only live processes, pidone exited with them unreaped (most runs; 8 tries).
  for (let round = 0; round < 8; round++) {
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

// A leftover that reports, in order, the signals it is sent: blocked and taken with sigwait, so a
// TERM pending from before comes out ahead of a later WINCH (lower numbers first).
const WITNESS = `
import os, signal
sigs = {signal.SIGTERM, signal.SIGWINCH}
signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
print('ready', os.getpid(), flush=True)
while True:
    print('signal', signal.sigwait(sigs), flush=True)
`;

test('--grace 0 exits at once like tini: the leftovers get no signal from pidone', async (t) => {
  const run = runPidone(['--grace', '0', '--', 'sh', '-c', 'python3 -c "$WITNESS" & exit 0'], { namespace: false, env: { ...BASE_ENV, WITNESS } });
  assert.equal((await run.exited).code, 0);
  // The leftover outlives pidone and keeps writing to the same pipe.
  const pid = Number((await run.line((l) => l.startsWith('ready '))).split(' ')[1]);
  t.after(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  });
  assert.notEqual(stateOf(pid), 'Z', 'the leftover still runs after pidone exited');
  process.kill(pid, 'SIGWINCH');
  const first = await run.line((l) => l.startsWith('signal '));
  assert.equal(first, 'signal 28', 'the first signal the leftover got (15: SIGTERM from pidone)');
});
