// `npm run build` while a pidone runs from dist/: every file is replaced by a new one (written
// beside it, then renamed), never written into. The running pidone has the addon mapped and
// may load supervisor.js later; a file rewritten in place under it crashed it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { RECORDER, ROOT, killAll, runPidone } from './support/pid1.ts';

afterEach(killAll);

test('a rebuild replaces each file of dist/ with a new one; the pidone running from it carries on', async () => {
  const files = ['pidone.js', 'supervisor.js', 'pidone.node', 'package.json'].map((f) => join(ROOT, 'dist', f));
  const run = runPidone(['--', 'python3', RECORDER]);
  await run.json((o) => o.event === 'ready');
  const before = files.map((f) => statSync(f).ino);
  const build = spawnSync(process.execPath, ['build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(build.status, 0, build.stderr);
  files.forEach((f, i) => assert.notEqual(statSync(f).ino, before[i], `${f} was written in place`));
  assert.equal(statSync(files[0]!).mode & 0o777, 0o755, 'dist/pidone.js stays executable');
  // Still alive and still forwarding, with the addon's signal handlers.
  process.kill(await run.hostPid(), 34);
  await run.json((o) => o.event === 'signal' && o.signo === 34);
  assert.equal(run.proc.exitCode, null);
  process.kill(await run.hostPid(), 'SIGKILL');
  await run.exited;
});
