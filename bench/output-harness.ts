// Runs writer processes with their stdout/stderr attached to a LogSink on fd 1: the output
// layer alone, without the daemon (bench/output.mjs and the output tests use it).
// usage: output-harness '{"format":"prefix","programs":[{"name":"w1","argv":["node","w.mjs"]}]}'
// Optional keys: timestamps, color, highWaterMark, partialFlushMs, tailBytes.
// At the end it prints "vmhwm_kb=N" (peak RSS, from /proc/self/status) on stderr.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createLogSink } from '../src/io/log-sink.ts';
import type { LogFormat, ColorMode } from '../src/model/spec.ts';

interface HarnessSpec {
  format?: LogFormat;
  timestamps?: boolean;
  color?: ColorMode;
  highWaterMark?: number;
  partialFlushMs?: number;
  programs: { name: string; argv: string[] }[];
}

const spec = JSON.parse(process.argv[2] ?? '{"programs":[]}') as HarnessSpec;
const sink = createLogSink({
  settings: { log_format: spec.format ?? 'prefix', timestamps: spec.timestamps ?? false, color: spec.color ?? 'never' },
  names: spec.programs.map((p) => p.name),
  out: 1,
  isTTY: false,
  env: process.env,
  ...(spec.highWaterMark !== undefined ? { highWaterMark: spec.highWaterMark } : {}),
  ...(spec.partialFlushMs !== undefined ? { partialFlushMs: spec.partialFlushMs } : {}),
});

let running = spec.programs.length;
for (const p of spec.programs) {
  const [cmd = 'true', ...args] = p.argv;
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  sink.attach(p.name, 'stdout', child.stdout);
  sink.attach(p.name, 'stderr', child.stderr);
  child.on('close', (code, signal) => {
    sink.event('info', `exited: ${p.name} (exit status ${code ?? signal})`, { code, signal });
    if (--running === 0) void done();
  });
}
if (running === 0) void done();

async function done(): Promise<void> {
  await sink.close();
  const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  process.stderr.write(`vmhwm_kb=${hwm}\n`);
}
