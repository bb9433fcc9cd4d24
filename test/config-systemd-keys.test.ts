// The keys of issue 16 in both formats: schedule, watch, limits, nice, oom_score_adj in YAML,
// and the same as INI extension keys (nested ones flattened with `_`); what they normalize to
// (what `check --json` prints) and every error they can give, with file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { errorsOf, loadText, tempDir } from './support/config.ts';
import { diagnose } from './support/ini-diags.ts';
import { parseIni } from '../src/config/ini.ts';
import { runCheck } from '../src/cli/check.ts';
import type { ProgramSpec } from '../src/model/spec.ts';
import { writeFileSync } from 'node:fs';

const one = (yaml: string, dir?: string): ProgramSpec => {
  const p = loadText(yaml, {}, dir).model.programs[0];
  assert.ok(p);
  return p;
};
const prog = (body: string) => `programs:\n  job:\n    command: ./job.sh\n${body}`;

test('schedule: a cron string, or a map with cron | every, timezone, overlap, catch_up; a scheduled program is a oneshot never restarted', () => {
  const a = one(prog('    schedule: "*/5 * * * *"\n'));
  assert.deepEqual(a.schedule, { cron: '*/5 * * * *', every: null, timezone: null, overlap: 'skip', catch_up: false });
  assert.equal(a.oneshot, true);
  assert.equal(a.autorestart, false);
  const b = one(prog('    schedule: { every: 10m, overlap: queue, catch_up: true }\n'));
  assert.deepEqual(b.schedule, { cron: null, every: 600, timezone: null, overlap: 'queue', catch_up: true });
  const c = one(prog('    schedule: { cron: "0 30 9 * * MON-FRI", timezone: Europe/Paris, overlap: replace }\n'));
  assert.deepEqual(c.schedule, { cron: '0 30 9 * * MON-FRI', every: null, timezone: 'Europe/Paris', overlap: 'replace', catch_up: false });
  assert.equal(one(prog('    schedule: "@hourly"\n')).schedule?.cron, '@hourly');
  assert.equal(one(prog('    schedule: "@Daily"\n')).schedule?.cron, '@Daily');
  assert.equal(one(prog('    oneshot: true\n    restart: never\n    schedule: "@daily"\n')).autorestart, false);
});

test('schedule errors say what is wrong and what would be right', () => {
  const e = (body: string) => errorsOf(prog(body));
  const help = 'expected a cron expression (5 fields: minute hour day-of-month month day-of-week, or 6 with seconds first) or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly';
  assert.deepEqual(e('    schedule: "* * * * * * *"\n'), [`pidone.yaml:4:5: programs.job.schedule: ${help}, got "* * * * * * *" (7 fields)`]);
  assert.deepEqual(e('    schedule: "@reboot"\n'), [`pidone.yaml:4:5: programs.job.schedule: ${help}, got "@reboot"`]);
  assert.match(e('    schedule: "61 * * * *"\n')[0]!, /^pidone\.yaml:4:5: programs\.job\.schedule: invalid cron expression "61 \* \* \* \*": /);
  assert.deepEqual(e('    schedule: "0 0 30 2 *"\n'), ['pidone.yaml:4:5: programs.job.schedule: the cron expression "0 0 30 2 *" never comes due (no such date)']);
  assert.deepEqual(e('    schedule: { cron: "@daily", every: 1h }\n'), ['pidone.yaml:4:5: programs.job.schedule: expected exactly one of cron and every, got both']);
  assert.deepEqual(e('    schedule: { overlap: skip }\n'), ['pidone.yaml:4:5: programs.job.schedule: expected exactly one of cron and every, got neither']);
  assert.deepEqual(e('    schedule: { every: 500ms }\n'), ['pidone.yaml:4:17: programs.job.schedule.every: expected at least 1s between runs, got 0.5s']);
  assert.deepEqual(e('    schedule: { cron: "@daily", timezone: Mars/Olympus }\n'), ['pidone.yaml:4:33: programs.job.schedule.timezone: expected a time zone name like UTC or Europe/Paris, got "Mars/Olympus" (unknown time zone)']);
  assert.deepEqual(e('    schedule: { every: 1h, timezone: UTC }\n'), ['pidone.yaml:4:28: programs.job.schedule.timezone: a time zone applies to cron only (every counts elapsed time)']);
  assert.deepEqual(e('    schedule: { every: 1h, overlap: wait }\n'), ['pidone.yaml:4:28: programs.job.schedule.overlap: expected skip | queue | replace, got "wait"']);
  assert.deepEqual(e('    schedule: { interval: 1h }\n'), [
    'pidone.yaml:4:5: programs.job.schedule: expected exactly one of cron and every, got neither',
    'pidone.yaml:4:17: programs.job.schedule: unknown key "interval" (use every:)',
  ]);
  assert.deepEqual(e('    restart: always\n    schedule: "@daily"\n'), ['pidone.yaml:4:5: programs.job.restart: a scheduled program is never restarted: the next due time runs it again (leave restart out)']);
  assert.deepEqual(e('    oneshot: false\n    schedule: "@daily"\n'), ['pidone.yaml:4:5: programs.job.oneshot: a scheduled program is a oneshot per run (leave oneshot out)']);
});

test('watch: a path, a list, or { paths, ignore, debounce, action | signal }; relative to the config file', () => {
  const dir = tempDir();
  const a = one(prog('    watch: src\n'), dir);
  assert.deepEqual(a.watch, { paths: [join(dir, 'src')], ignore: [], debounce: 0.5, action: 'restart' });
  const b = one(prog('    watch: { paths: ["src/**/*.js", /etc/app.conf], ignore: ["*.tmp", "src/cache/**"], debounce: 1s, signal: HUP }\n'), dir);
  assert.deepEqual(b.watch, { paths: [join(dir, 'src/**/*.js'), '/etc/app.conf'], ignore: ['*.tmp', join(dir, 'src/cache/**')], debounce: 1, action: 'HUP' });
  assert.equal(one(prog('    watch: { paths: [conf], action: SIGUSR1 }\n'), dir).watch?.action, 'USR1');
  assert.equal(one(prog('    watch: { paths: [conf], action: restart }\n'), dir).watch?.action, 'restart');
  const e = (body: string) => errorsOf(prog(body));
  assert.deepEqual(e('    watch: { paths: [a], action: restart, signal: HUP }\n'), ['pidone.yaml:4:43: programs.job.watch.signal: same setting as action; give only one of them']);
  assert.deepEqual(e('    watch: { ignore: ["*.tmp"] }\n'), ['pidone.yaml:4:5: programs.job.watch: missing paths (the files or directories to watch)']);
  assert.deepEqual(e('    watch: { paths: ["src/[ab"] }\n'), ['pidone.yaml:4:22: programs.job.watch.paths[0]: "src/[ab": [ without its ]']);
  assert.deepEqual(e('    watch: { paths: ["src/a**"] }\n'), ['pidone.yaml:4:22: programs.job.watch.paths[0]: "src/a**": ** must be a whole path part (a/**/b), not part of a name']);
  assert.deepEqual(e('    watch: { paths: [a], action: KILL }\n'), ['pidone.yaml:4:26: programs.job.watch.action: SIGKILL cannot be the reaction to a file change; use restart']);
});

test('limits, nice, oom_score_adj: counts, sizes, seconds, unlimited, SOFT:HARD, cgroup limits', () => {
  const a = one(prog(`    limits: { nofile: 1024, nproc: "100:200", core: 0, stack: 8M, memlock: unlimited, as: 2GiB, cpu: 1m30s, fsize: "1GB:unlimited",
              memory_max: 512MB, cpu_max: 1.5, pids_max: 100 }
    nice: 10
    oom_score_adj: -100
`));
  assert.deepEqual(a.limits, {
    nofile: { soft: 1024, hard: 1024 }, nproc: { soft: 100, hard: 200 }, core: { soft: 0, hard: 0 },
    stack: { soft: 8 * 2 ** 20, hard: 8 * 2 ** 20 }, memlock: { soft: 'unlimited', hard: 'unlimited' },
    as: { soft: 2 * 2 ** 30, hard: 2 * 2 ** 30 }, cpu: { soft: 90, hard: 90 }, fsize: { soft: 2 ** 30, hard: 'unlimited' },
    memory_max: 512 * 2 ** 20, cpu_max: '150000 100000', pids_max: 100,
  });
  assert.equal(a.nice, 10);
  assert.equal(a.oom_score_adj, -100);
  assert.equal(one(prog('    limits: { cpu_max: "50%" }\n')).limits.cpu_max, '50000 100000');
  assert.equal(one(prog('    limits: { cpu_max: "20000 50000", memory_max: max }\n')).limits.cpu_max, '20000 50000');
  const e = (body: string) => errorsOf(prog(body));
  assert.deepEqual(e('    limits: { nofile: "4096:1024" }\n'), ['pidone.yaml:4:15: programs.job.limits.nofile: the soft limit (4096) is above the hard limit (1024)']);
  assert.deepEqual(e('    limits: { core: lots }\n'), ['pidone.yaml:4:15: programs.job.limits.core: expected a size like 64MB, 512KB, a number of bytes or unlimited, got "lots"']);
  assert.deepEqual(e('    limits: { memory: 1GB }\n'), ['pidone.yaml:4:15: programs.job.limits: unknown key "memory" (use memory_max: (a cgroup limit) or as: (address space))']);
  assert.deepEqual(e('    nice: 20\n'), ['pidone.yaml:4:5: programs.job.nice: expected a whole number from -20 to 19, got 20']);
  assert.deepEqual(e('    oom_score_adj: -1001\n'), ['pidone.yaml:4:5: programs.job.oom_score_adj: expected a whole number from -1000 to 1000, got -1001']);
  assert.deepEqual(e('    limits: { cpu_max: 0.001 }\n'), ['pidone.yaml:4:15: programs.job.limits.cpu_max: expected a number of CPUs (0.5, 2), a percentage ("150%") or "QUOTA PERIOD" in microseconds, got 0.001 (at least 0.01 CPU)']);
});

const INI = (body: string) => `[supervisord]\n[program:job]\ncommand=/bin/job\n${body}\n`;

function iniProgram(body: string): ProgramSpec {
  const dir = tempDir({ 'supervisord.conf': INI(body) });
  const r = parseIni(join(dir, 'supervisord.conf'), { env: {}, hostname: 'h' });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.programs[0]!;
}

test('INI: the same keys, nested ones flattened with _', () => {
  const a = iniProgram('schedule=*/5 * * * *\nschedule_overlap=queue\nwatch=src conf/*.ini\nwatch_ignore=*.swp\nwatch_signal=HUP\nwatch_debounce=2s\nlimits_nofile=1024:2048\nlimits_cpu=10m\nlimits_memory_max=256MB\nnice=5\noom_score_adj=200');
  assert.deepEqual(a.schedule, { cron: '*/5 * * * *', every: null, timezone: null, overlap: 'queue', catch_up: false });
  assert.equal(a.oneshot, true);
  assert.equal(a.autorestart, false);
  assert.equal(a.watch?.action, 'HUP');
  assert.equal(a.watch?.debounce, 2);
  assert.deepEqual(a.watch?.ignore, ['*.swp']);
  assert.equal(a.watch?.paths.length, 2);
  assert.ok(a.watch?.paths.every((p) => p.startsWith('/')));
  assert.deepEqual(a.limits, { nofile: { soft: 1024, hard: 2048 }, cpu: { soft: 600, hard: 600 }, memory_max: 256 * 2 ** 20 });
  assert.equal(a.nice, 5);
  assert.equal(a.oom_score_adj, 200);
  const b = iniProgram('schedule_every=90s\nschedule_catch_up=true\nwatch_paths=/etc/app/{a,b}.conf');
  assert.deepEqual(b.schedule, { cron: null, every: 90, timezone: null, overlap: 'skip', catch_up: true });
  assert.deepEqual(b.watch?.paths, ['/etc/app/{a,b}.conf']);
});

test('INI errors and warnings of these keys', () => {
  assert.deepEqual(diagnose(INI('schedule=@daily\nschedule_cron=@hourly')), ['supervisord.conf:5: [program:job] schedule_cron: same setting as schedule; give only one of them']);
  assert.deepEqual(diagnose(INI('schedule_every=1h\nschedule_timezone=UTC')), ['supervisord.conf:5: [program:job] schedule_timezone: a time zone applies to cron only (schedule_every counts elapsed time)']);
  assert.deepEqual(diagnose(INI('limits_nofile=many')), ['supervisord.conf:4: [program:job] limits_nofile: expected a whole number >= 0 or unlimited, got "many"']);
  assert.deepEqual(diagnose(INI('watch_action=restart\nwatch_signal=HUP\nwatch=src')), ['supervisord.conf:5: [program:job] watch_signal: same setting as watch_action; give only one of them']);
  const dir = tempDir({ 'supervisord.conf': INI('schedule=@daily\nautorestart=true') });
  const r = parseIni(join(dir, 'supervisord.conf'), { env: {}, hostname: 'h' });
  assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && /autorestart is ignored: a scheduled program runs once per due time/.test(d.message)));
  assert.equal(r.programs[0]!.autorestart, false);
  assert.equal(r.settings.minfds, 1024, "supervisord's default minfds");
  assert.equal(r.settings.minprocs, 200);
});

test('check --json prints the new keys as the model holds them', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pidone.yaml'), prog('    schedule: { every: 1h }\n    limits: { nofile: 100 }\n    nice: 3\n'));
  let out = '';
  const code = runCheck(['-c', join(dir, 'pidone.yaml'), '--json'], { stdout: (s) => (out += s), stderr: () => {}, cwd: dir, env: {}, argv0: 'pidone', hostname: 'h' });
  assert.equal(code, 0);
  const p = JSON.parse(out).programs[0];
  assert.deepEqual(p.schedule, { cron: null, every: 3600, timezone: null, overlap: 'skip', catch_up: false });
  assert.deepEqual(p.limits, { nofile: { soft: 100, hard: 100 } });
  assert.equal(p.nice, 3);
  assert.equal(p.oom_score_adj, null);
  assert.equal(p.watch, null);
});
