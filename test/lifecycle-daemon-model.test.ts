// The lifecycle invariants against the real thing: the bundle as PID 1, real programs (that
// die of their stop signal, ignore it, leave helpers in their process group, crash, fail to
// start), random operations from outside (crashes by signal, helpers killed, start, stop,
// restart and signal through the control API, reloads, time passing), and /proc as the truth.
// After every operation these must hold (a real system has latency: they must hold within a
// bound, then they are checked again after the next operation):
//   1. a program whose status shows a pid has that process alive, carrying its name;
//   3. RUNNING/STARTING/STOPPING means a live process of the program, STOPPED/EXITED/FATAL/
//      BACKOFF means none;
//   6. at most one process group of a program at a time;
//   2. a stop ends within stopwaitsecs (plus slack for this machine), a shutdown within
//      shutdown_timeout plus the kill grace, with every program at rest.
// 4 daemons x 25 sequences of 4 operations; seeded (PIDONE_DAEMON_MODEL_SEED replays one).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { http } from './support/control.ts';
import { until } from './support/daemon.ts';
import { BASE_ENV, killAll, runPidone, type Run } from './support/pid1.ts';
import { prng } from './support/prng.ts';

afterEach(killAll);

const SEED = Number(process.env.PIDONE_DAEMON_MODEL_SEED ?? Date.now() % 2 ** 31);
const DAEMONS = 4;
const SEQUENCES = 25;
const OPS = 4;
/** How long the real system may take to agree with itself after an operation (a loaded CI machine). */
const SETTLE_MS = 5000;

const KINDS = {
  steady: '[sleep, "1000"]',
  stubborn: `[sh, -c, "trap '' TERM INT; exec sleep 1000"]`,
  helper: '[sh, -c, "sleep 1000 & exec sleep 1000"]',
  flaky: '[sh, -c, "sleep 0.3; exit 3"]',
  broken: '[/nonexistent/program]',
  job: '[sh, -c, "exit 0"]',
  scheduled: '[sh, -c, "sleep 0.3"]',
} as const;
type Kind = keyof typeof KINDS;

interface Prog { readonly name: string; readonly kind: Kind; readonly stopwaitsecs: number; readonly group: boolean }

interface Proc { readonly pid: number; readonly nspid: number; readonly pgid: number; readonly name: string }

/** Live processes of this daemon's programs, from /proc: descendants of pidone carrying the tag. */
function scan(tag: string, root: number): Proc[] {
  const out: Proc[] = [];
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      stats.set(Number(entry), stat.slice(stat.lastIndexOf(')') + 2).split(' '));
    } catch {
      // gone while we looked
    }
  }
  const under = (pid: number): boolean => {
    for (let p = pid, n = 0; p > 1 && n < 64; n++) {
      const ppid = Number(stats.get(p)?.[1] ?? 0);
      if (ppid === root) return true;
      p = ppid;
    }
    return false;
  };
  for (const [pid, fields] of stats) {
    if (fields[0] === 'Z' || !under(pid)) continue;
    const entry = String(pid);
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (!env.includes(`PIDONE_TEST_TAG=${tag}`)) continue;
      const name = env.find((e) => e.startsWith('SUPERVISOR_PROCESS_NAME='))?.slice(24);
      if (name === undefined) continue;
      const nspidLine = readFileSync(`/proc/${entry}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:')) ?? '';
      const nspid = Number(nspidLine.trim().split(/\s+/).pop());
      // The process group id as pidone's namespace sees it: the leader's namespace pid.
      out.push({ pid: Number(entry), nspid, pgid: Number(fields[2]), name });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

interface Status { readonly name: string; readonly state: string; readonly pid: number }

async function programs(socket: string): Promise<Status[]> {
  const r = await http(socket, 'GET', '/api/programs');
  return (JSON.parse(r.body) as { programs: Status[] }).programs;
}

/** The invariants, or the first one that does not hold. */
function violation(status: readonly Status[], procs: readonly Proc[]): string | null {
  const byName = new Map<string, Proc[]>();
  for (const p of procs) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  for (const [name, list] of byName) {
    const groups = new Set(list.map((p) => p.pgid));
    if (groups.size > 1) return `6: ${name} has ${groups.size} process groups alive: ${list.map((p) => `${p.nspid}(pgid ${p.pgid})`).join(' ')}`;
    if (!status.some((s) => s.name === name)) return `1: ${name} has live processes (${list.map((p) => p.nspid).join(' ')}) but pidone does not know it`;
  }
  for (const s of status) {
    const live = byName.get(s.name) ?? [];
    if (s.pid > 0 && !live.some((p) => p.nspid === s.pid)) return `1: ${s.name} shows pid ${s.pid} (${s.state}) but no such process of it is alive`;
    if (['RUNNING', 'STARTING', 'STOPPING'].includes(s.state) && live.length === 0) return `3: ${s.name} is ${s.state} with nothing alive`;
    if (['STOPPED', 'EXITED', 'FATAL', 'BACKOFF'].includes(s.state) && live.length > 0) return `3: ${s.name} is ${s.state} but ${live.map((p) => p.nspid).join(' ')} alive`;
  }
  return null;
}

function yamlOf(socket: string, progs: readonly Prog[]): string {
  // `anchor` is never started: it keeps pidone from ending by itself when every program of a
  // sequence has ended (all jobs, or given up), as pidone does for a program left to a person.
  const lines = [`settings: { shutdown_timeout: 4s, control: { socket: ${socket} } }`, 'programs:', '  anchor: { command: [sleep, "1000"], autostart: false }'];
  for (const p of progs) {
    lines.push(`  ${p.name}:`, `    command: ${KINDS[p.kind]}`, `    stop_timeout: ${p.stopwaitsecs}s`);
    if (p.kind === 'flaky' || p.kind === 'broken') lines.push('    restart: always', '    backoff: { initial: 200ms, max: 400ms }', '    max_restarts: 4');
    if (p.kind === 'job') lines.push('    oneshot: true');
    if (p.kind === 'scheduled') lines.push('    schedule: { every: 1s, overlap: replace }');
    if (!p.group) lines.push('    stopasgroup: false', '    killasgroup: false');
  }
  return `${lines.join('\n')}\n`;
}

test(`real processes as PID 1 keep the lifecycle invariants over ${DAEMONS * SEQUENCES} random sequences (seed ${SEED})`, { timeout: 600_000 }, async () => {
  const rand = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let d = 0; d < DAEMONS; d++) {
    const dir = mkdtempSync(join(tmpdir(), 'pidone-dmodel-'));
    const socket = join(dir, 's.sock');
    const file = join(dir, 'pidone.yaml');
    const tag = `dm-${SEED}-${d}-${process.pid}`;
    const log: string[] = [];
    const fail = (msg: string, run: Run): never => assert.fail(`seed ${SEED}, daemon ${d}: ${msg}\noperations:\n${log.join('\n')}\npidone said:\n${run.stdout.slice(-40).join('\n')}`);
    const sequence = (s: number): Prog[] => ['a', 'b', 'c'].map((n) => ({
      name: `s${s}${n}`, kind: pick(Object.keys(KINDS) as Kind[]), stopwaitsecs: 1, group: rand() < 0.5,
    }));
    let progs = sequence(0);
    writeFileSync(file, yamlOf(socket, progs));
    const run = runPidone(['-c', file], { env: { ...BASE_ENV, PIDONE_TEST_TAG: tag } });
    const root = await run.hostPid();
    await until(async () => {
      try {
        return (await http(socket, 'GET', '/api/programs')).status === 200;
      } catch {
        return false;
      }
    }, 10_000, 'pidone to answer');
    // A control request that fails means pidone is gone: say what it said last.
    const ask = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
      try {
        return await f();
      } catch (err) {
        return fail(`${what}: ${(err as Error).message}\nstderr:\n${run.stderr()}`, run);
      }
    };
    // 2: nothing stays STOPPING longer than its stopwaitsecs (1 s) plus slack for this machine.
    const stoppingSince = new Map<string, number>();
    const stuck = (status: readonly Status[]): string | null => {
      const now = Date.now();
      for (const s of status) {
        if (s.state !== 'STOPPING') {
          stoppingSince.delete(s.name);
          continue;
        }
        const since = stoppingSince.get(s.name) ?? now;
        stoppingSince.set(s.name, since);
        if (now - since > 1000 + 3000) return `2: ${s.name} has been STOPPING for ${now - since} ms (stopwaitsecs 1)`;
      }
      return null;
    };
    const settle = async (what: string) => {
      let last: string | null = 'not checked';
      const t0 = Date.now();
      while (Date.now() - t0 < SETTLE_MS) {
        const status = await ask('status', () => programs(socket));
        const late = stuck(status);
        if (late !== null) fail(`after ${what}: ${late}`, run);
        last = violation(status, scan(tag, root));
        if (last === null) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      fail(`after ${what}, for ${SETTLE_MS} ms: ${last}`, run);
    };
    for (let s = 0; s < SEQUENCES; s++) {
      if (s > 0) {
        progs = sequence(s);
        writeFileSync(file, yamlOf(socket, progs));
        const r = await ask('reload', () => http(socket, 'POST', '/api/reload'));
        if (r.status !== 200) fail(`reload answered ${r.status} ${r.body}`, run);
      }
      log.push(`sequence ${s}: ${progs.map((p) => `${p.name}=${p.kind}${p.group ? '' : ' (pid only)'}`).join(', ')}`);
      await settle(s > 0 ? 'the reload' : 'the start');
      for (let o = 0; o < OPS; o++) {
        const p = pick(progs);
        const op = pick(['crash', 'crash', 'helpers', 'start', 'stop', 'restart', 'signal', 'wait', 'wait'] as const);
        log.push(`  ${op} ${p.name}`);
        const procs = scan(tag, root).filter((x) => x.name === p.name);
        if (op === 'crash' || op === 'helpers') {
          for (const x of procs) {
            const leader = x.pgid === x.pid;
            if ((op === 'crash') === leader) {
              try {
                process.kill(x.pid, pick(['SIGUSR2', 'SIGKILL']));
              } catch {
                // already gone
              }
            }
          }
        } else if (op === 'wait') {
          await new Promise((r) => setTimeout(r, pick([0, 50, 300])));
        } else {
          const target = rand() < 0.2 ? 'all' : p.name;
          const body = op === 'signal' ? JSON.stringify({ signal: 'HUP' }) : undefined;
          const t0 = Date.now();
          const answer = await ask(`${op} ${target}`, () => http(socket, 'POST', `/api/programs/${target}/${op}${op === 'signal' ? '' : '?wait=0'}`, body));
          if (answer.status >= 500) fail(`${op} ${target} answered ${answer.status} ${answer.body}`, run);
          if (op === 'stop' && answer.status === 200) {
            // 2: the stop ends within stopwaitsecs, plus slack for a loaded machine.
            const names = target === 'all' ? progs.map((x) => x.name) : [p.name];
            const bound = 1000 * Math.max(...progs.map((x) => x.stopwaitsecs)) + 3000;
            await until(async () => (await programs(socket)).filter((x) => names.includes(x.name)).every((x) => !['STOPPING', 'RUNNING', 'STARTING'].includes(x.state)), bound, 'the stop').catch(() => fail(`stop ${target} did not end within ${bound} ms (${Date.now() - t0} ms)`, run));
          }
        }
        await settle(`${op} ${p.name}`);
      }
    }
    // 2: a shutdown ends within shutdown_timeout (4 s) + the kill grace (5 s) + slack, every program at rest.
    const t0 = Date.now();
    process.kill(await run.hostPid(), 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([run.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), 14_000)))]);
    clearTimeout(timer);
    if (exit === null) fail(`shutdown still running after ${Date.now() - t0} ms`, run);
    const final = run.stdout.find((l) => /exiting with code/.test(l)) ?? '';
    if (/still alive/.test(final) || !/final states/.test(final)) fail(`the final line: ${final}`, run);
    for (const st of final.replace(/.*final states: /, '').split(', ').filter((x) => !x.startsWith('anchor '))) {
      if (!/ (STOPPED|EXITED|FATAL)( |$)/.test(st)) fail(`not at rest at the end: ${st}`, run);
    }
  }
});
