// What a container test file needs: the engine, the images built from this checkout, and
// containers started the way a user starts them (always --network none, labelled so the
// engine's stop removes them), with their logs, state and `docker exec`.
import { randomBytes } from 'node:crypto';
import { type Engine, type Result, TEST_LABEL, engineOrSkip } from './docker-engine.ts';
import { EXAMPLE_IMAGE, PIDONE_IMAGE, baseImage, buildImage } from './docker-images.ts';

export { EXAMPLE_IMAGE, PIDONE_IMAGE };

export interface Suite {
  readonly engine: Engine;
  /** Says what the base image really is (not the official node:24-slim). */
  readonly about: string;
}

/**
 * Starts the engine and builds the images these tests need (cached layers make it quick when
 * nothing changed). A string: why the suite is skipped.
 */
export async function containerSuite(images: ReadonlyArray<'pidone' | 'example'>, log: (m: string) => void): Promise<Suite | string> {
  const engine = await engineOrSkip(log);
  if (typeof engine === 'string') return engine;
  try {
    const about = await baseImage(engine, log);
    log(about);
    if (images.includes('pidone')) await buildImage(engine, 'docker/Dockerfile', PIDONE_IMAGE, log);
    if (images.includes('example')) await buildImage(engine, 'docker/example/Dockerfile', EXAMPLE_IMAGE, log);
    return { engine, about };
  } catch (err) {
    await engine.stop();
    throw err;
  }
}

export interface Box {
  readonly id: string;
  readonly name: string;
  exec(cmd: readonly string[], opts?: { user?: string; timeoutMs?: number }): Promise<Result>;
  /** stdout and stderr of the container, each as docker logs gives them. */
  logs(): Promise<{ stdout: string; stderr: string }>;
  inspect(format: string): Promise<string>;
  /** docker stop -t T; resolves with the seconds it took. */
  stop(t?: number): Promise<number>;
  /** Resolves with the exit code once the container has exited (docker wait). */
  exitCode(timeoutMs?: number): Promise<number>;
  remove(): Promise<void>;
}

/** docker run -d --network none IMAGE ARGS (with docker run options before the image). */
export async function start(e: Engine, options: readonly string[], image: string, args: readonly string[] = []): Promise<Box> {
  const name = `pidone-test-${randomBytes(4).toString('hex')}`;
  const id = (await e.ok(['run', '-d', '--network', 'none', '--label', TEST_LABEL, '--name', name, ...options, image, ...args])).trim();
  return box(e, id, name);
}

export function box(e: Engine, id: string, name: string): Box {
  return {
    id,
    name,
    exec: (cmd, opts = {}) => e.docker(['exec', ...(opts.user ? ['--user', opts.user] : []), id, ...cmd], { timeoutMs: opts.timeoutMs ?? 30_000 }),
    async logs() {
      const r = await e.docker(['logs', id]);
      return { stdout: r.stdout, stderr: r.stderr };
    },
    inspect: async (format) => (await e.ok(['inspect', '--format', format, id])).trim(),
    async stop(t = 40) {
      const t0 = process.hrtime.bigint();
      await e.ok(['stop', '-t', String(t), id], { timeoutMs: (t + 20) * 1000 });
      return Number(process.hrtime.bigint() - t0) / 1e9;
    },
    async exitCode(timeoutMs = 60_000) {
      return Number((await e.ok(['wait', id], { timeoutMs })).trim());
    },
    async remove() {
      await e.docker(['rm', '-f', id]);
    },
  };
}

/** Polls until fn() is true (or throws after ms), describing what it waited for. */
export async function until(fn: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Removes ANSI colour sequences and carriage returns (a TTY's output). */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');
}
