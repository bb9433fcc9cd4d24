// A process's descriptors from outside: how many it holds, what they are, and its limit
// (prlimit on the running process, so a test can fill pidone up after it started).
import { execFileSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { globalAgent } from 'node:http';
import { dirname } from 'node:path';

/** The targets of pid's open descriptors (socket:[n], pipe:[n], a path...), fd number first. */
export function fdTargets(pid: number): string[] {
  const out: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      out.push(`${fd} ${readlinkSync(`/proc/${pid}/fd/${fd}`)}`);
    } catch {
      // closed while we looked
    }
  }
  return out;
}

/** How many descriptors pid holds. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Sets pid's RLIMIT_NOFILE soft limit (the one the kernel enforces; the hard one stays, so it can go back up). */
export function setFdLimit(pid: number, n: number): void {
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${n}:`]);
}

/** Descriptor kinds and how many of each, for a failure message. */
export function fdSummary(pid: number): string {
  const kinds = new Map<string, number>();
  for (const t of fdTargets(pid)) {
    const target = t.slice(t.indexOf(' ') + 1);
    const what = target.startsWith('/') && !target.startsWith('/dev/') ? `file in ${dirname(target)}` : target.replace(/:\[\d+\]$/, '');
    kinds.set(what, (kinds.get(what) ?? 0) + 1);
  }
  return [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
}

/**
 * pid's descriptor count once it has settled: this process's idle keep-alive connections are
 * closed first (Node's global agent keeps them), then the count must read the same twice.
 */
export async function settledFdCount(pid: number, ms = 5000): Promise<number> {
  globalAgent.destroy();
  const t0 = Date.now();
  let last = fdCount(pid);
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = fdCount(pid);
    if (now === last || Date.now() - t0 > ms) return now;
    last = now;
  }
}

/** The lowest descriptor number pid does not use: as its limit, no descriptor is left to open. */
export function lowestFreeFd(pid: number): number {
  const used = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  let n = 0;
  while (used.has(n)) n++;
  return n;
}
