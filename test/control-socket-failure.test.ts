// A control socket that cannot be made (a read-only root filesystem, a user who may not write
// where the socket goes) must not stop a supervisor: pidone says so once, with the fix, and
// supervises on. A socket that another live pidone answers on is still refused.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { startDaemon } from './support/daemon.ts';
import { killAll, runPidone } from './support/pid1.ts';

afterEach(killAll);

test('a socket that cannot be created: one warning with the fix, and the programs still run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-nosock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'pidone.yaml');
  writeFileSync(config, `settings: { control: { socket: ${join(dir, 'missing', 'dir', 'p.sock')} } }
programs:
  first: { command: "echo first ran", oneshot: true }
  second: { command: "echo second ran", oneshot: true, depends_on: { first: completed_successfully } }
`);
  const run = runPidone(['-c', config]);
  const exit = await run.exited;
  const out = run.stdout.join('\n');
  assert.equal(exit.code, 0, out + run.stderr());
  assert.match(out, /first\s+\| first ran/);
  assert.match(out, /second\s+\| second ran/);
  const warnings = run.stdout.filter((l) => l.includes('cannot create the control socket'));
  assert.equal(warnings.length, 1, out);
  assert.match(warnings[0]!, /no such directory\); pidone goes on supervising.*--tmpfs \/run.*settings\.control\.socket/);
});

test('a socket another live pidone answers on is still a startup error (exit 2, nothing started)', async (t) => {
  const d = await startDaemon('settings: { control: { socket: SOCKET } }\nprograms:\n  idle: { command: "sleep 1000" }\n');
  t.after(() => d.cleanup());
  const second = join(d.dir, 'second.yaml');
  writeFileSync(second, `settings: { control: { socket: ${d.socket} } }\nprograms:\n  other: { command: "echo must not run", oneshot: true }\n`);
  const run = runPidone(['-c', second]);
  assert.equal((await run.exited).code, 2);
  assert.doesNotMatch(run.stdout.join('\n'), /must not run/);
  assert.match(run.stdout.join('\n'), /another program is already listening/);
});
