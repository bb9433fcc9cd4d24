// File-watch restarts with real files and pidone as PID 1: a burst of 100 writes is one
// restart; changes to ignored paths are none; a watched path that does not exist yet is picked
// up when it appears; `action: SIGHUP` signals instead of restarting. Each "exactly one" is
// closed by a later sentinel change, whose own restart must come next (no fixed sleeps).
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { startDaemon, until, type Daemon } from './support/daemon.ts';
import { killAll } from './support/pid1.ts';

afterEach(killAll);

const spawns = (d: Daemon, name: string) => d.run.stdout.filter((l) => l.includes(`spawned: '${name}'`)).length;
const watchLines = (d: Daemon) => d.run.stdout.filter((l) => /watch: /.test(l));

async function burst(files: string[], writes: number): Promise<void> {
  for (let i = 0; i < writes; i++) {
    appendFileSync(files[i % files.length]!, `line ${i}\n`);
    if (i % 10 === 9) await new Promise((r) => setImmediate(r));
  }
}

test('100 writes in a burst restart the program once; changes to ignored paths restart nothing', { timeout: 30_000 }, async () => {
  const d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  web:
    command: [sleep, "1000"]
    watch: { paths: [src], ignore: ["*.tmp", "src/cache/**"], debounce: 300ms }
`);
  try {
    const src = join(d.dir, 'src');
    mkdirSync(join(src, 'cache'), { recursive: true });
    await d.run.line((l) => l.includes("spawned: 'web'"));
    // mkdir counts as a change under src/: let that burst end first.
    await until(() => spawns(d, 'web') === 2, 10_000, 'the restart for the new directories');
    const files = Array.from({ length: 20 }, (_, i) => join(src, `f${i}.txt`));
    await burst(files, 100);
    await until(() => spawns(d, 'web') === 3, 10_000, 'one restart for the burst');
    // Ignored: by name anywhere, and a whole directory.
    await burst([join(src, 'a.tmp'), join(src, 'cache', 'x.bin')], 50);
    writeFileSync(join(src, 'sentinel.txt'), 'x');
    await until(() => spawns(d, 'web') === 4, 10_000, 'the sentinel restart');
    assert.equal(spawns(d, 'web'), 4, 'the burst and the ignored writes added nothing more');
    const lines = watchLines(d);
    assert.match(lines.at(-2) ?? '', /watch: web: 20 changes \(.*f0\.txt.*\): restarting/);
    assert.match(lines.at(-1) ?? '', /watch: web: 1 change \(.*sentinel\.txt\): restarting/);
  } finally {
    d.cleanup();
  }
});

test('a watched path that does not exist yet is picked up when it appears', { timeout: 30_000 }, async () => {
  const d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  app:
    command: [sleep, "1000"]
    watch: { paths: [later/conf/app.yaml], debounce: 200ms }
`);
  try {
    await d.run.line((l) => l.includes("spawned: 'app'"));
    mkdirSync(join(d.dir, 'later', 'conf'), { recursive: true });
    writeFileSync(join(d.dir, 'later', 'conf', 'other.yaml'), 'not watched\n');
    writeFileSync(join(d.dir, 'later', 'conf', 'app.yaml'), 'a: 1\n');
    await until(() => spawns(d, 'app') === 2, 10_000, 'a restart once the file appeared');
    appendFileSync(join(d.dir, 'later', 'conf', 'app.yaml'), 'b: 2\n');
    await until(() => spawns(d, 'app') === 3, 10_000, 'a restart for the next change of it');
    assert.ok(watchLines(d).every((l) => !l.includes('other.yaml')));
  } finally {
    d.cleanup();
  }
});

test('action: SIGHUP sends the signal instead of restarting', { timeout: 30_000 }, async () => {
  const d = await startDaemon(`settings: { control: { socket: SOCKET } }
programs:
  nginx:
    command: [sh, -c, "trap 'echo reloaded' HUP; while :; do sleep 0.2; done"]
    watch: { paths: ["conf/*.conf"], debounce: 200ms, action: SIGHUP }
`);
  try {
    mkdirSync(join(d.dir, 'conf'));
    await d.run.line((l) => l.includes("spawned: 'nginx'"));
    writeFileSync(join(d.dir, 'conf', 'site.conf'), 'server {}\n');
    await d.run.line((l) => /nginx\s+\| reloaded/.test(l), 10_000);
    assert.equal(spawns(d, 'nginx'), 1, 'not restarted');
  } finally {
    d.cleanup();
  }
});
