// Helpers for the output-layer tests: a sink writing into a temp file, fake pipes, and the
// bundled output harness (bench/output-harness.ts) for tests that need real processes.
import { build } from 'esbuild';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogSink, type LogSink, type LogSinkOptions } from '../../src/io/log-sink.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;

const dirs: string[] = [];
process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed when the test process exits. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pidone-output-'));
  dirs.push(d);
  return d;
}

export interface TestSink {
  readonly sink: LogSink;
  /** Flushes the sink and returns everything it wrote to its output fd. */
  output(): Promise<Buffer>;
  /** Same, as a latin1 string (byte for byte). */
  text(): Promise<string>;
}

/** A sink whose output fd is a temp file; options override prefix/no-colour defaults. */
export function testSink(over: Partial<LogSinkOptions> = {}, settings: Partial<LogSinkOptions['settings']> = {}): TestSink {
  const path = join(tempDir(), 'out');
  const fd = openSync(path, 'w');
  const sink = createLogSink({
    out: fd,
    isTTY: false,
    env: {},
    now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 678),
    partialFlushMs: 0,
    ...over,
    settings: { log_format: 'prefix', timestamps: false, color: 'auto', ...settings },
  });
  const output = async (): Promise<Buffer> => {
    await sink.flush();
    return readFileSync(path);
  };
  return { sink, output, text: async () => (await output()).toString('latin1') };
}

/** A fake pipe: write() data, end() to close. */
export function fakePipe(): PassThrough {
  return new PassThrough();
}

/** Waits for pending I/O callbacks (PassThrough data events are asynchronous). */
export function tick(ms = 5): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

let harness: Promise<string> | null = null;

/** Bundles bench/output-harness.ts once into a plain .cjs (no TS loader in the child, honest RSS). */
export function harnessPath(): Promise<string> {
  harness ??= (async () => {
    const out = join(tempDir(), 'output-harness.cjs');
    await build({
      entryPoints: [join(ROOT, 'bench/output-harness.ts')],
      outfile: out,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
    });
    return out;
  })();
  return harness;
}

/** argv of the benchmark writer: ID LINES BYTES MODE STREAM. */
export function writerArgv(id: string, lines: number, bytes = 100, mode: 'block' | 'line' = 'block', stream: 1 | 2 = 1): string[] {
  return [process.execPath, join(ROOT, 'bench/output-writer.mjs'), id, String(lines), String(bytes), mode, String(stream)];
}

