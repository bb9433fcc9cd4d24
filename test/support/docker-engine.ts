// A private Docker engine for the container tests (npm run test:containers): Debian's dockerd
// started as root with no bridge, no iptables and no IP forwarding, its data under a persistent
// cache directory (so images survive between runs), its sockets in a temp dir, stopped by its
// pid when the tests end. Containers run with --network none; nothing leaves loopback.
// Where no engine can start (not root, no dockerd, no kernel support) the tests skip, saying
// why; under CI=true they fail instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where images and build caches persist between runs on this machine. */
export const CACHE = process.env.PIDONE_DOCKER_CACHE ?? '/var/cache/pidone-docker';
/** Debian's docker.io CLI (20.10, with BuildKit built in), else whatever `docker` is on PATH. */
export const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
/** Every container and compose project the tests make carries this label. */
export const TEST_LABEL = 'org.pidone.test=1';

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Engine {
  /** DOCKER_HOST for clients. */
  readonly host: string;
  /** Environment for docker and docker-compose: this engine, BuildKit on. */
  readonly env: Record<string, string>;
  /** Runs the docker CLI; never throws (killed after timeoutMs). */
  docker(args: readonly string[], opts?: { timeoutMs?: number; input?: string }): Promise<Result>;
  /** Runs the docker CLI and returns stdout; throws with stderr when it fails. */
  ok(args: readonly string[], opts?: { timeoutMs?: number }): Promise<string>;
  /** Removes the tests' containers, stops dockerd by its pid, releases the cache. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function run(cmd: string, args: readonly string[], opts: { env?: Record<string, string>; timeoutMs?: number; input?: string; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: opts.env ?? (process.env as Record<string, string>), cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.stdin.on('error', () => {});
    p.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    p.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${err.message}` });
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// One engine per data root: a second run on this machine waits for the first (a lock
// directory holding the owner's pid and its dockerd's pid; a dead owner's lock is taken over
// and its dockerd, if it survived, stopped).
const LOCK = join(CACHE, 'lock');

async function lock(waitMs: number): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'owner'), String(process.pid));
      return;
    } catch {
      const owner = Number(readSafe(join(LOCK, 'owner')));
      // A lock made this instant may not have its owner file yet.
      const young = Date.now() - (statSafe(LOCK)?.mtimeMs ?? 0) < 10_000;
      if (!(owner > 0 && alive(owner)) && !(owner === 0 && young)) {
        const stale = Number(readSafe(join(LOCK, 'dockerd')));
        if (stale > 0 && alive(stale) && readSafe(`/proc/${stale}/cmdline`).includes(CACHE)) await stopPid(stale);
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - t0 > waitMs) throw new Error(`another test run (pid ${owner}) holds ${LOCK}`);
      await sleep(500);
    }
  }
}

function statSafe(path: string): { mtimeMs: number } | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function readSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 200 && alive(pid) && !readSafe(`/proc/${pid}/stat`).includes(') Z '); i++) await sleep(100);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Why an engine cannot start here, or null when it might. */
function cannotStart(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (dockerd needs root)';
  if (spawnSync('dockerd', ['--version']).status !== 0) return 'dockerd is not installed (apt-get install docker.io)';
  if (spawnSync(DOCKER_CLI, ['--version']).status !== 0) return 'the docker CLI is not installed';
  if (!readSafe('/proc/filesystems').includes('overlay')) return 'no overlay filesystem in this kernel';
  return null;
}

/** Starts dockerd; resolves with the engine, or with the reason it cannot run here. */
export async function startEngine(log: (m: string) => void): Promise<Engine | { skip: string }> {
  const why = cannotStart();
  if (why !== null) return { skip: why };
  await lock(15 * 60_000);
  const exec = mkdtempSync(join(tmpdir(), 'pidone-dockerd-'));
  const socket = join(exec, 'docker.sock');
  writeFileSync(join(exec, 'daemon.json'), '{}\n');
  const logFile = join(exec, 'dockerd.log');
  const out = openSync(logFile, 'a');
  // No bridge, no NAT, no iptables: containers get --network none, builds --network host.
  const dockerd: ChildProcess = spawn('dockerd', [
    '--bridge=none', '--iptables=false', '--ip-forward=false', '--ip-masq=false', '--userland-proxy=false',
    '--data-root', join(CACHE, 'root'), '--exec-root', join(exec, 'x'), '--pidfile', join(exec, 'docker.pid'),
    '--config-file', join(exec, 'daemon.json'), '-H', `unix://${socket}`, '--log-level', 'warn',
  ], { stdio: ['ignore', out, out], detached: false });
  const pid = dockerd.pid!;
  writeFileSync(join(LOCK, 'dockerd'), String(pid));
  let exited = false;
  dockerd.on('exit', () => (exited = true));
  // If the test process dies, dockerd must not outlive it.
  const onExit = (): void => {
    if (!exited) dockerd.kill('SIGTERM');
  };
  process.on('exit', onExit);

  const release = async (): Promise<void> => {
    if (!exited) await stopPid(pid);
    process.off('exit', onExit);
    rmSync(exec, { recursive: true, force: true });
    rmSync(LOCK, { recursive: true, force: true });
  };
  const t0 = Date.now();
  while (!(await ping(socket))) {
    if (exited || Date.now() - t0 > 60_000) {
      const tail = readSafe(logFile).split('\n').slice(-15).join('\n');
      await release();
      return { skip: `dockerd did not start (${exited ? 'it exited' : 'no answer in 60 s'}):\n${tail}` };
    }
    await sleep(100);
  }
  log(`dockerd ${pid} ready in ${Date.now() - t0} ms (data root ${join(CACHE, 'root')}, no bridge, no iptables)`);
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: exec,
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_BUILDKIT: '1',
    DOCKER_CONFIG: join(exec, 'cli'),
    LANG: 'C.UTF-8',
  };
  const docker = (args: readonly string[], opts: { timeoutMs?: number; input?: string } = {}) => run(DOCKER_CLI, args, { env, ...opts });
  return {
    host: env.DOCKER_HOST!,
    env,
    docker,
    async ok(args, opts) {
      const r = await docker(args, opts);
      if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}:\n${r.stderr.slice(-4000)}`);
      return r.stdout;
    },
    async stop() {
      const ids = (await docker(['ps', '-aq', '--filter', `label=${TEST_LABEL}`])).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(['rm', '-f', ...ids], { timeoutMs: 60_000 });
      // Each change to the sources leaves the previous images' layers behind: keep the cache bounded.
      await docker(['image', 'prune', '-f'], { timeoutMs: 120_000 });
      await docker(['builder', 'prune', '-f', '--keep-storage', '3gb'], { timeoutMs: 120_000 });
      await release();
      log(`dockerd ${pid} stopped`);
    },
  };
}

/** Starts the engine, or explains the skip; under CI=true an engine that cannot start fails. */
export async function engineOrSkip(log: (m: string) => void): Promise<Engine | string> {
  const e = await startEngine(log);
  if (!('skip' in e)) return e;
  if (process.env.CI === 'true') throw new Error(`CI=true, but no Docker engine could start: ${e.skip}`);
  return `no Docker engine: ${e.skip}`;
}
