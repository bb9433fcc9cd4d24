// What each program uses, read from /proc when someone asks (status, the web page, the JSON
// API, a /metrics scrape), never on a timer: CPU time, resident memory and open descriptors of
// the program's whole tree (its process group, and every descendant of its main process, which
// covers children that left the group but not pidone's care).
import { readFileSync, readdirSync } from 'node:fs';

export interface Usage {
  /** User + system CPU seconds of the tree's live processes, and of the children they have reaped. */
  readonly cpu_seconds: number;
  readonly rss_bytes: number;
  readonly open_fds: number;
  readonly processes: number;
}

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly ticks: number;
  readonly rssPages: number;
}

/** Usage per program, for the main pids given (name -> pid; 0 = nothing runs: no entry). */
export function readUsage(mains: ReadonlyMap<string, number>, units: { readonly pageSize: number; readonly clkTck: number }, proc = '/proc'): Map<string, Usage> {
  const out = new Map<string, Usage>();
  if ([...mains.values()].every((pid) => pid <= 0)) return out;
  const byPid = new Map<number, Proc>();
  const children = new Map<number, Proc[]>();
  const groups = new Map<number, Proc[]>();
  const push = (m: Map<number, Proc[]>, key: number, p: Proc) => {
    const list = m.get(key);
    if (list === undefined) m.set(key, [p]);
    else list.push(p);
  };
  for (const name of list(proc)) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const p = readStat(proc, name);
    if (p === null) continue;
    byPid.set(p.pid, p);
    push(children, p.ppid, p);
    push(groups, p.pgrp, p);
  }
  // Indexed by parent and by group: 1,000 programs cost one pass over /proc, not 1,000.
  for (const [name, main] of mains) {
    if (main <= 0) continue;
    const tree = new Map<number, Proc>();
    const head = byPid.get(main);
    if (head !== undefined) tree.set(main, head);
    for (const p of groups.get(main) ?? []) tree.set(p.pid, p);
    const queue = [...tree.values()];
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      for (const c of children.get(p.pid) ?? []) {
        if (tree.has(c.pid)) continue;
        tree.set(c.pid, c);
        queue.push(c);
      }
    }
    if (tree.size === 0) continue;
    let ticks = 0;
    let pages = 0;
    let fds = 0;
    for (const p of tree.values()) {
      ticks += p.ticks;
      pages += p.rssPages;
      fds += list(`${proc}/${p.pid}/fd`).length;
    }
    out.set(name, { cpu_seconds: ticks / units.clkTck, rss_bytes: pages * units.pageSize, open_fds: fds, processes: tree.size });
  }
  return out;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readStat(proc: string, pid: string): Proc | null {
  let s: string;
  try {
    s = readFileSync(`${proc}/${pid}/stat`, 'utf8');
  } catch {
    return null; // gone while we looked
  }
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  if (f[0] === 'Z') return null;
  const n = (i: number) => Number(f[i] ?? 0);
  return { pid: Number(pid), ppid: n(1), pgrp: n(2), ticks: n(11) + n(12) + n(13) + n(14), rssPages: n(21) };
}
