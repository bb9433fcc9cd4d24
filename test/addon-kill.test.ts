// The addon's kill(): an errno instead of an exception (the spawner asks "is the group empty?"
// on every exit), and never a signal to pidone's own group or to everything.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAddon } from '../src/io/addon.ts';
import { ROOT } from './support/pid1.ts';

const loaded = loadAddon([join(ROOT, 'dist', 'pidone.node'), join(ROOT, 'native', 'build', 'Release', 'pidone.node')]);

test('kill() answers 0, ESRCH once the process and its group are gone, EINVAL for 0 and -1 as targets', { skip: loaded.addon === null ? 'no addon built' : false }, async () => {
  const addon = loaded.addon!;
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  const pid = child.pid!;
  const exited = new Promise((r) => child.on('exit', r));
  assert.equal(addon.kill(pid, 0), 0);
  assert.equal(addon.kill(-pid, 0), 0, 'its group exists');
  assert.equal(addon.kill(0, 0), constants.errno.EINVAL, 'pidone\'s own group is never a target');
  assert.equal(addon.kill(-1, 0), constants.errno.EINVAL, 'neither is every process');
  assert.equal(addon.kill(-pid, constants.signals.SIGTERM), 0);
  await exited;
  assert.equal(addon.kill(pid, 0), constants.errno.ESRCH);
  assert.equal(addon.kill(-pid, 0), constants.errno.ESRCH);
});
