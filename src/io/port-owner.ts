// Who holds a listening TCP port: the program pidone started (its process tree), or someone
// else, such as a server orphaned by an earlier pidone that still answers on the port. Told
// from /proc/net/tcp{,6} (the listening socket's inode) and /proc/PID/fd (who has it open).
//
// "The program's" is its process tree, plus daemons it spawned that pidone adopted: processes
// whose parent is now pidone, in a session of their own (they called setsid, as daemonizing
// does; the programs pidone starts share its session), started no earlier than the program.
// An older orphan is never the program's. What cannot be known is said so ('unknown'): a port
// with no listener in pidone's network namespace (a remote host, a port in another namespace)
// or a program whose descriptors pidone may not read (another user's, a non-dumpable process).
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { accepts, tcpListeners } from './proc-net.ts';

export interface Holder {
  readonly pid: number;
  readonly comm: string;
}

export type Ownership =
  | { readonly kind: 'ours' }
  /** Held by others; no holders when the holder is not visible (another PID namespace). */
  | { readonly kind: 'foreign'; readonly holders: readonly Holder[] }
  | { readonly kind: 'unknown'; readonly why: string };

interface Stat {
  readonly ppid: number;
  readonly session: number;
  readonly start: number;
  readonly comm: string;
}

function stat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    if (f[0] === 'Z') return null;
    return { ppid: Number(f[1]), session: Number(f[3]), start: Number(f[19]), comm: text.slice(text.indexOf('(') + 1, close) };
  } catch {
    return null;
  }
}

function numbers(dir: string): number[] {
  try {
    return readdirSync(dir).filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
}

/** pid's children, from /proc/PID/task/TID/children; null when the kernel has no such file. */
function childrenOf(pid: number): number[] | null {
  const out: number[] = [];
  for (const tid of numbers(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').trim();
      if (text !== '') out.push(...text.split(' ').map(Number));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && tid === pid) return null;
    }
  }
  return out;
}

/** A way to list a process's children: the kernel's lists, else one scan of /proc. */
function childLister(): (pid: number) => number[] {
  let byParent: Map<number, number[]> | null = null;
  return (pid) => {
    if (byParent === null) {
      const direct = childrenOf(pid);
      if (direct !== null) return direct;
      byParent = new Map();
      for (const p of numbers('/proc')) {
        const s = stat(p);
        if (s === null) continue;
        const list = byParent.get(s.ppid);
        if (list) list.push(p);
        else byParent.set(s.ppid, [p]);
      }
    }
    return byParent.get(pid) ?? [];
  };
}

/** root and every live process below it. */
export function treeOf(root: number, children = childLister()): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...children(pid));
  }
  return out;
}

/** The processes that belong to the program rooted at root (see the top of this file). */
export function programProcesses(root: number, self: number): number[] {
  const children = childLister();
  const mine = treeOf(root, children);
  const rootStat = stat(root);
  const selfStat = stat(self);
  if (rootStat === null || selfStat === null) return mine;
  for (const pid of children(self)) {
    if (pid === root) continue;
    const s = stat(pid);
    if (s !== null && s.session !== selfStat.session && s.start >= rootStat.start) mine.push(...treeOf(pid, children));
  }
  return mine;
}

/** The socket inodes pid has open; null when its descriptors cannot be read. */
function socketInodes(pid: number): Set<number> | null {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Set() : null;
  }
  const out = new Set<number>();
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(Number(m[1]));
    } catch (err) {
      // ENOENT: closed meanwhile. Anything else (EACCES: a process that switched users is not
      // dumpable, and without CAP_SYS_PTRACE, as in a default Docker container, even root may
      // list its descriptors but not read them): pidone cannot tell.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
  }
  return out;
}

/** Up to `max` visible processes outside `skip` that hold one of the inodes. */
function holdersOf(inodes: ReadonlySet<number>, skip: ReadonlySet<number>, max = 3): Holder[] {
  const out: Holder[] = [];
  for (const pid of numbers('/proc')) {
    if (skip.has(pid)) continue;
    const held = socketInodes(pid);
    if (held === null || ![...held].some((i) => inodes.has(i))) continue;
    out.push({ pid, comm: stat(pid)?.comm ?? '?' });
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Who holds the TCP port a probe reached: `address` is where it connected (null: any local
 * address), `root` the program's main process, `self` pidone's pid.
 */
export function portOwnership(root: number, port: number, address: string | null, self = process.pid): Ownership {
  try {
    return ownership(root, port, address, self);
  } catch (err) {
    // /proc read as it changes, or out of descriptors: say so rather than fail the probe.
    return { kind: 'unknown', why: `cannot read /proc (${(err as Error).message})` };
  }
}

function ownership(root: number, port: number, address: string | null, self: number): Ownership {
  const all = tcpListeners(port);
  if (all === null) return { kind: 'unknown', why: '/proc/net/tcp cannot be read' };
  const listening = address === null ? all : all.filter((l) => accepts(l.address, address));
  if (listening.length === 0) return { kind: 'unknown', why: `nothing listens on port ${port} in pidone's network namespace (a remote host, or another namespace)` };
  const inodes = new Set(listening.map((l) => l.inode));
  const mine = programProcesses(root, self);
  let unreadable = false;
  for (const pid of mine) {
    const held = socketInodes(pid);
    if (held === null) unreadable = true;
    else if ([...held].some((i) => inodes.has(i))) return { kind: 'ours' };
  }
  if (unreadable) return { kind: 'unknown', why: 'pidone may not read the descriptors of the program\'s processes (a program that switched users, in a container without CAP_SYS_PTRACE: --cap-add SYS_PTRACE lets pidone check)' };
  return { kind: 'foreign', holders: holdersOf(inodes, new Set(mine)) };
}

/** "pid 123 (postgres)", or what to say when the holder is not visible. */
export function describeHolders(o: { holders: readonly Holder[] }): string {
  if (o.holders.length === 0) return 'a process pidone cannot see (another PID namespace?)';
  return o.holders.map((h) => `pid ${h.pid} (${h.comm})`).join(', ');
}
