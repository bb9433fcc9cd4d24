// Per-program usage and schedules as a user meets them, with pidone as PID 1: the JSON API,
// `pidone status` and /metrics (parsed by a Prometheus text-format parser) show the CPU time,
// resident memory and open descriptors of a program's whole tree, read from /proc when asked;
// a scheduled program's next run, its last run's exit code and duration.
import { strict as assert } from 'node:assert';
import { afterEach, test } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import { http } from './support/control.ts';
import { startDaemon, until, type Daemon } from './support/daemon.ts';
import { killAll } from './support/pid1.ts';

afterEach(killAll);

// The tree: a shell, and a python child that holds 40 MB, 20 more descriptors and burns 0.3 s of CPU.
const HOG = `import os, time
data = bytearray(40 * 1024 * 1024)
for i in range(0, len(data), 4096): data[i] = 1
fds = [os.open('/dev/null', os.O_RDONLY) for _ in range(20)]
t = time.process_time()
while time.process_time() - t < 0.3: pass
print('ready', flush=True)
time.sleep(1000)`;

const CONFIG = `settings: { control: { socket: SOCKET } }
programs:
  hog:
    command: [sh, -c, "python3 -c \\"$$HOG\\" & wait"]
    environment: { HOG: ${JSON.stringify(HOG)} }
  job:
    command: [sh, -c, "exit 3"]
    schedule: { every: 1s }
`;

interface View { name: string; state: string; restarts: number; schedule: { next: number | null; overlap: string } | null; runtime: number | null; usage: { cpu_seconds: number; rss_bytes: number; open_fds: number; processes: number } | null }

async function views(d: Daemon): Promise<Map<string, View>> {
  const body = JSON.parse((await http(d.socket, 'GET', '/api/programs?usage=1')).body) as { programs: View[] };
  return new Map(body.programs.map((p) => [p.name, p]));
}

type Family = ReturnType<typeof parsePrometheus>[number];

async function scrape(d: Daemon): Promise<Map<string, Family>> {
  const r = await http(d.socket, 'GET', '/metrics');
  assert.equal(r.status, 200);
  const families = parsePrometheus(r.body);
  return new Map(families.map((f) => [f.name, f]));
}

const valueOf = (f: Family | undefined, program: string) => Number(f?.metrics.find((m) => m.labels?.program === program)?.value);

test('the JSON API, status and /metrics show what a program\'s whole tree uses', { timeout: 30_000 }, async () => {
  const d = await startDaemon(CONFIG);
  try {
    await d.run.line((l) => /hog\s+\| ready/.test(l), 15_000);
    const hog = (await views(d)).get('hog')!;
    assert.ok(hog.usage !== null, 'usage while it runs');
    assert.equal(hog.usage.processes, 2, 'the shell and its python child');
    assert.ok(hog.usage.rss_bytes >= 40 * 1024 * 1024, `rss ${hog.usage.rss_bytes}`);
    assert.ok(hog.usage.open_fds >= 20 + 2 * 3, `fds ${hog.usage.open_fds}`);
    assert.ok(hog.usage.cpu_seconds >= 0.25, `cpu ${hog.usage.cpu_seconds}`);
    // Reading all of /proc is asked for: a plain status or a readiness probe does not pay it.
    const plain = JSON.parse((await http(d.socket, 'GET', '/api/programs')).body) as { programs: View[] };
    assert.equal(plain.programs.find((p) => p.name === 'hog')!.usage, null);

    const m = await scrape(d);
    for (const [name, type] of [['pidone_program_cpu_seconds_total', 'COUNTER'], ['pidone_program_resident_memory_bytes', 'GAUGE'], ['pidone_program_open_fds', 'GAUGE']] as const) {
      assert.equal(m.get(name)?.type, type, name);
      assert.ok(m.get(name)!.help.length > 0, `${name} has HELP`);
    }
    assert.ok(valueOf(m.get('pidone_program_resident_memory_bytes'), 'hog') >= 40 * 1024 * 1024);
    assert.ok(valueOf(m.get('pidone_program_open_fds'), 'hog') >= 26);
    assert.ok(valueOf(m.get('pidone_program_cpu_seconds_total'), 'hog') >= 0.25);
    assert.equal(valueOf(m.get('pidone_program_restarts_total'), 'hog'), 0);

    assert.match((await d.pidone(['status', 'hog', '-s', d.socket])).stdout, /^hog\s+RUNNING\s+pid \d+, uptime \d+:\d\d:\d\d$/m, 'supervisorctl\'s line as it is');
    const status = await d.pidone(['status', '--usage', 'hog', '-s', d.socket]);
    assert.match(status.stdout, /^hog\s+RUNNING\s+pid \d+, uptime \d+:\d\d:\d\d\s+\[cpu \d+\.\d\d s, rss \d+\.\d MB, \d+ fds, 0 restarts\]$/m);
  } finally {
    d.cleanup();
  }
});

test('a scheduled program: next run, last exit code and duration in the API, status and /metrics; healthy between runs', { timeout: 30_000 }, async () => {
  const d = await startDaemon(CONFIG);
  try {
    await until(async () => (await views(d)).get('job')?.runtime !== null, 10_000, 'a run of job');
    const job = (await views(d)).get('job')!;
    assert.equal(job.restarts, 0, 'a scheduled run is not a restart');
    assert.equal(job.schedule?.overlap, 'skip');
    assert.ok(job.schedule?.next !== null && Math.abs(job.schedule!.next! - Date.now() / 1000) < 3, 'the next run is a second away');
    assert.ok(job.runtime !== null && job.runtime < 2);
    const m = await scrape(d);
    assert.equal(valueOf(m.get('pidone_program_last_run_exit_code'), 'job'), 3);
    assert.ok(valueOf(m.get('pidone_program_last_run_duration_seconds'), 'job') >= 0);
    assert.ok(Math.abs(valueOf(m.get('pidone_program_next_run_timestamp_seconds'), 'job') - Date.now() / 1000) < 3);
    await until(async () => (await d.pidone(['status', 'job', '-s', d.socket])).stdout.includes('STOPPED'), 10_000, 'job between runs');
    const s = await d.pidone(['status', 'job', '-s', d.socket]);
    assert.match(s.stdout, /^job\s+STOPPED\s+next run \w{3} \d\d \d\d:\d\d:\d\d [AP]M; last run: exit status 3 after \d+\.\d s$/m);
    assert.equal(s.code, 0, 'a schedule waiting for its next run is healthy');
  } finally {
    d.cleanup();
  }
});
