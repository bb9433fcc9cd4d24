// The built pidone in supervisor mode as PID 1 of a fresh PID namespace (so killing it takes
// every program down with it), with a temp YAML config and a control socket in a temp dir;
// plus runners for client commands (`pidone status`, `supervisorctl`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_ENV, DIST, type Run, runPidone } from './pid1.ts';
import { http } from './control.ts';

export interface Daemon {
  readonly run: Run;
  readonly dir: string;
  readonly socket: string;
  readonly config: string;
  /** Rewrites the config file (for reload/update tests). */
  write(yaml: string): void;
  /** Runs `node dist/pidone.js ...args` as a client. */
  pidone(args: string[], env?: Record<string, string>): Promise<Result>;
  /** Removes the temp dir (after the run is killed). */
  cleanup(): void;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after ms). */
export function exec(argv: string[], env: Record<string, string> = BASE_ENV, ms = 20_000): Promise<Result> {
  return new Promise((resolve) => {
    const p = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts pidone with `yaml` (use SOCKET in it for the socket path); resolves once the socket answers. */
export async function startDaemon(yaml: string): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'pidone-e2e-'));
  const socket = join(dir, 'ctl.sock');
  const config = join(dir, 'pidone.yaml');
  const write = (text: string) => writeFileSync(config, text.replaceAll('SOCKET', socket));
  write(yaml);
  const run = runPidone(['-c', config]);
  for (let i = 0; ; i++) {
    if (existsSync(socket)) {
      try {
        if ((await http(socket, 'GET', '/healthz')).status > 0) break; // any answer, 401 too
      } catch {
        // bound but not yet answering
      }
    }
    if (i > 200) throw new Error(`pidone did not serve ${socket}:\n${run.stdout.join('\n')}\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    run, dir, socket, config, write,
    pidone: (args, env = BASE_ENV) => exec([process.execPath, DIST, ...args], env),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Polls until fn() is true (or throws after ms). */
export async function until(fn: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
