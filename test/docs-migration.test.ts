// docs/migration.md is written from what was run: every block marked `<!-- run: ID before -->`
// or `<!-- run: ID after -->` is written, as it is, into a directory with the programs of
// test/fixtures/migration/ID, and run with the built pidone as PID 1 (test/support/isolated.ts:
// own PID, mount and network namespaces), and a client talks to what it serves. A "before" that
// is another tool's file pidone reads (supervisord.conf, process-compose.yaml, Procfile) runs
// under pidone too; tini's runs under tini; pm2's and concurrently's are read and compared with
// their "after".
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, ROOT } from './support/pid1.ts';
import { exec, until } from './support/daemon.ts';
import { killIsolated, runIsolated, type IsolatedRun } from './support/isolated.ts';

afterEach(killIsolated);

interface Block { id: string; side: 'before' | 'after'; lang: string; text: string; line: number }

function blocks(): Block[] {
  const lines = readFileSync(join(ROOT, 'docs', 'migration.md'), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const mark = /^<!--\s*run:\s*(\S+)\s+(before|after)\s*-->$/.exec(lines[i]!);
    if (!mark) continue;
    let j = i + 1;
    while (lines[j]?.trim() === '') j++;
    const open = /^```(\w*)$/.exec(lines[j] ?? '');
    assert.ok(open, `docs/migration.md:${i + 1}: a run mark must stand right before a code block`);
    const body: string[] = [];
    for (j++; j < lines.length && lines[j] !== '```'; j++) body.push(lines[j]!);
    out.push({ id: mark[1]!, side: mark[2] as Block['side'], lang: open[1] ?? '', text: `${body.join('\n')}\n`, line: i + 1 });
  }
  return out;
}

const all = blocks();
const block = (id: string, side: Block['side']): Block => {
  const b = all.find((x) => x.id === id && x.side === side);
  assert.ok(b, `docs/migration.md has no ${side} block for ${id}`);
  return b;
};
const onPath = (cmd: string) => ['/usr/bin', '/usr/sbin', '/bin', '/usr/local/bin'].some((d) => existsSync(join(d, cmd)));
const missing = (...cmds: string[]) => {
  const gone = cmds.filter((c) => !onPath(c));
  return gone.length > 0 ? `not installed: ${gone.join(', ')} (.ci/run installs them)` : false;
};
const ENV = (dir: string): Record<string, string> => ({
  PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: dir, LANG: 'C.UTF-8', NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false',
});

/** A directory with the fixture programs of id and the given files. */
function project(id: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), `pidone-mig-${id}-`));
  const fixtures = join(ROOT, 'test', 'fixtures', 'migration', id);
  if (existsSync(fixtures)) cpSync(fixtures, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Runs the config as root PID 1 in its own namespaces. */
function pidone(dir: string, config: string, env: Record<string, string> = {}): IsolatedRun {
  return runIsolated(['-c', join(dir, config)], { cwd: dir, env: { ...ENV(dir), ...env }, uid: 0, gid: 0 });
}

const get = (run: IsolatedRun, url: string) => run.inNet(['curl', '-fsS', '--max-time', '2', url], ENV('/tmp'));

/** Polls url until its body (trimmed) matches; fails with the last answer and pidone's output. */
async function served(run: IsolatedRun, url: string, body: RegExp, what: string): Promise<void> {
  let last = '';
  await until(async () => {
    const r = await get(run, url);
    last = (r.stdout + r.stderr).trim();
    return r.code === 0 && body.test(r.stdout.trim());
  }, 20_000, what).catch((err: Error) => {
    throw new Error(`${err.message} at ${url}; last answer: ${last}\n${out(run)}`);
  });
}

async function stop(run: IsolatedRun): Promise<number | null> {
  process.kill(await run.pid(), 'SIGTERM');
  return (await run.exited).code;
}

const out = (run: IsolatedRun) => `${run.stdout.join('\n')}\n${run.stderr()}`;

test('every run mark of docs/migration.md has its pair', () => {
  const ids = [...new Set(all.map((b) => b.id))].sort();
  assert.deepEqual(ids, ['concurrently', 'pm2', 'process-compose', 'procfile', 'supervisord', 'tini']);
  for (const id of ids) for (const side of ['before', 'after'] as const) block(id, side);
});

// tini: ENTRYPOINT + CMD of each Dockerfile block, "pidone" being the built one.
function dockerArgv(b: Block): string[] {
  const field = (name: string) => JSON.parse(new RegExp(`^${name}\\s+(\\[[^\\]]*\\])`, 'm').exec(b.text)?.[1] ?? '[]') as string[];
  return [...field('ENTRYPOINT'), ...field('CMD')].flatMap((a) => (a === 'pidone' ? [process.execPath, DIST] : [a]));
}

for (const side of ['before', 'after'] as const) {
  test(`tini ${side}: the server runs as PID 1's program, is served, and SIGTERM ends it with its code`, {
    skip: missing('curl', side === 'before' ? 'tini' : 'node'), timeout: 60_000,
  }, async (t) => {
    const dir = project('tini', {});
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const argv = dockerArgv(block('tini', side));
    assert.equal(argv.at(-2), 'node');
    const run = runIsolated([], { cwd: dir, env: ENV(dir), uid: 0, gid: 0, argv });
    await served(run, 'http://127.0.0.1:3000/', /hello from server\.js/, 'server.js');
    assert.equal(await stop(run), 0, out(run));
  });
}

for (const side of ['before', 'after'] as const) {
  test(`supervisord ${side}: the supervisord.conf runs unchanged, nginx serves the app`, {
    skip: missing('nginx', 'curl', 'python3'), timeout: 60_000,
  }, async (t) => {
    const dir = project('supervisord', { 'supervisord.conf': block('supervisord', side).text });
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const run = pidone(dir, 'supervisord.conf');
    await served(run, 'http://127.0.0.1:8080/', /served by the app/, 'nginx in front of the app');
    if (side === 'after') {
      // depends_on=app:ready: nginx is spawned only once the app accepts connections.
      const ready = run.stdout.findIndex((l) => /app entered RUNNING state/.test(l));
      const spawned = run.stdout.findIndex((l) => /spawned: 'nginx'/.test(l));
      assert.ok(ready >= 0 && spawned > ready, out(run));
    }
    assert.equal(await stop(run), 0, out(run));
  });
}

for (const side of ['before', 'after'] as const) {
  test(`process-compose ${side}: redis is healthy first, then the api is served`, {
    skip: missing('redis-server', 'redis-cli', 'curl', 'python3'), timeout: 60_000,
  }, async (t) => {
    const file = side === 'before' ? 'process-compose.yaml' : 'pidone.yaml';
    const dir = project('process-compose', { [file]: block('process-compose', side).text });
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const run = pidone(dir, file);
    await served(run, 'http://127.0.0.1:8000/', /<h1>api<\/h1>/, 'the api');
    assert.equal((await run.inNet(['redis-cli', 'ping'], ENV(dir))).stdout.trim(), 'PONG');
    const ready = run.stdout.findIndex((l) => /redis entered RUNNING state/.test(l));
    const spawned = run.stdout.findIndex((l) => /spawned: 'api'/.test(l));
    assert.ok(ready >= 0 && spawned > ready, out(run));
    assert.equal(await stop(run), 0, out(run));
  });
}

for (const side of ['before', 'after'] as const) {
  test(`procfile ${side}: web serves on its PORT, the worker runs, output prefixed by name`, {
    skip: missing('curl', 'python3'), timeout: 60_000,
  }, async (t) => {
    const file = side === 'before' ? 'Procfile' : 'pidone.yaml';
    const dir = project('procfile', { [file]: block('procfile', side).text });
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const run = pidone(dir, file);
    await served(run, 'http://127.0.0.1:5000/', /<h1>web<\/h1>/, 'web');
    const name = side === 'before' ? 'worker.1' : 'worker';
    await run.line((l) => new RegExp(`^${name.replace('.', '\\.')}\\s+\\| ${side === 'before' ? 'worker\\.1' : 'worker'} working$`).test(l));
    assert.equal(await stop(run), 0, out(run));
  });
}

test('pm2 before: the ecosystem file says what the pidone.yaml after it says', async (t) => {
  const dir = project('pm2', { 'ecosystem.config.cjs': block('pm2', 'before').text, 'pidone.yaml': block('pm2', 'after').text });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const eco = (await import(join(dir, 'ecosystem.config.cjs'))).default as { apps: Array<Record<string, any>> };
  const r = await exec([process.execPath, DIST, 'check', '--json', '-c', join(dir, 'pidone.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  const model = JSON.parse(r.stdout) as { programs: Array<Record<string, any>> };
  for (const app of eco.apps) {
    const procs = model.programs.filter((p) => p.group === app.name);
    assert.equal(procs.length, app.instances ?? 1, app.name);
    for (const p of procs) {
      assert.equal(p.directory, join(dir, app.cwd));
      assert.deepEqual(p.command, ['node', ...(app.node_args ? [app.node_args] : []), app.script]);
      assert.equal(p.stopwaitsecs, app.kill_timeout / 1000);
      for (const [k, v] of Object.entries(app.env ?? {})) assert.equal(p.environment[k], String(v), `${app.name} ${k}`);
      if (app.max_restarts) assert.equal(p.max_restarts, app.max_restarts);
    }
  }
});

test('pm2 after: the api is ready on /health, two workers run, SIGTERM stops them with SIGINT', { skip: missing('curl'), timeout: 60_000 }, async (t) => {
  const dir = project('pm2', { 'pidone.yaml': block('pm2', 'after').text });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = pidone(dir, 'pidone.yaml');
  await served(run, 'http://127.0.0.1:3000/health', /^production api on 3000$/, 'the api');
  await run.line((l) => /^worker:0\s+\| worker worker:0 ready \(production\)$/.test(l));
  await run.line((l) => /^worker:1\s+\| worker worker:1 ready \(production\)$/.test(l));
  assert.equal(await stop(run), 0, out(run));
});

test('concurrently before: the command line names what the after runs', () => {
  const line = block('concurrently', 'before').text.split('\n').find((l) => l.startsWith('concurrently')) ?? '';
  const names = /-n (\S+)/.exec(line)?.[1]?.split(',') ?? [];
  const commands = [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(/ -k /.test(line));
  const after = block('concurrently', 'after').text;
  assert.deepEqual(names, ['web', 'worker']);
  assert.deepEqual(commands, ['npm:start', 'node worker.js']);
  assert.match(after, /web:\n\s+command: npm run start\n/);
  assert.match(after, /worker:\n\s+command: \[node, worker\.js\]\n/);
});

test('concurrently after: when the worker fails, pidone stops web and exits with the worker\'s code (-k)', {
  skip: missing('curl', 'npm'), timeout: 60_000,
}, async (t) => {
  const dir = project('concurrently', { 'pidone.yaml': block('concurrently', 'after').text });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = pidone(dir, 'pidone.yaml', { WORKER_SECONDS: '3' });
  await served(run, 'http://127.0.0.1:3000/', /^web$/, 'web');
  const exit = await run.exited;
  assert.equal(exit.code, 3, out(run));
  assert.ok(run.stdout.some((l) => /stopped: web/.test(l)), out(run));
});
