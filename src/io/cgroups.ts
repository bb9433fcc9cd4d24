// Per-program cgroups (cgroup v2), for programs that set memory_max, cpu_max or pids_max: the
// limits the kernel enforces on the program's whole tree, and cgroup.kill, which stops every
// process of it, setsid escapees included. pidone makes its own directory under the cgroup it
// runs in (pidone-<id>/<program>). Where the hierarchy is not writable or the controllers are
// not delegated, it says so once and the rest (rlimits) still applies.
//
// The kernel's rule for controllers: a cgroup that hands them to its children holds no process
// itself. So when a controller is to be enabled, pidone first moves itself into a leaf of its
// own directory (pidone-<id>/supervisor), as systemd does in a container.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CGROUP_LIMIT_NAMES, type CgroupLimitName } from '../model/limits.ts';
import type { ProgramSpec } from '../model/spec.ts';

const CONTROLLER: Readonly<Record<CgroupLimitName, string>> = { memory_max: 'memory', cpu_max: 'cpu', pids_max: 'pids' };
const FILE: Readonly<Record<CgroupLimitName, string>> = { memory_max: 'memory.max', cpu_max: 'cpu.max', pids_max: 'pids.max' };

/** The program sets a cgroup limit, so it gets a cgroup of its own. */
export function wantsCgroup(spec: ProgramSpec): boolean {
  return CGROUP_LIMIT_NAMES.some((k) => spec.limits[k] !== undefined);
}

/** Where pidone's own cgroup is, in the cgroup v2 hierarchy mounted here; null without one. */
export function ownCgroup(proc = '/proc'): string | null {
  let cgroup: string | undefined;
  let mountinfo: string;
  try {
    cgroup = readFileSync(`${proc}/self/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);
    mountinfo = readFileSync(`${proc}/self/mountinfo`, 'utf8');
  } catch {
    return null;
  }
  if (cgroup === undefined) return null;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (right?.split(' ')[0] !== 'cgroup2' || left === undefined) continue;
    const f = left.split(' ');
    const root = unescape(f[3] ?? '/');
    const mount = unescape(f[4] ?? '');
    if (cgroup === root || cgroup.startsWith(root === '/' ? '/' : `${root}/`)) return join(mount, cgroup.slice(root === '/' ? 0 : root.length));
  }
  return null;
}

function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** One program's cgroup directory, as the spawner uses it. */
export interface ProgramCgroup {
  readonly dir: string;
}

/** pidone's cgroup directory and the programs' cgroups in it. */
export class CgroupTree {
  readonly #base: string;
  readonly #dir: string;
  readonly #warn: (m: string) => void;
  #made = false;
  #enabled = new Set<string>();
  #warned = new Set<string>();

  /** `base`: the cgroup pidone runs in (ownCgroup()). */
  constructor(base: string, warn: (m: string) => void, id = Math.random().toString(16).slice(2, 10)) {
    this.#base = base;
    this.#dir = join(base, `pidone-${id}`);
    this.#warn = warn;
  }

  /**
   * Makes the controllers the programs' limits need available, before any program starts
   * (so that pidone's cgroup holds only pidone when it moves into its leaf). Warns once for
   * each that cannot be.
   */
  prepare(specs: readonly ProgramSpec[]): void {
    const want = specs.filter(wantsCgroup);
    if (want.length === 0) return;
    try {
      this.#ensureBase();
    } catch (err) {
      this.#once('tree', `cgroups: cannot create ${this.#dir} (${code(err)}): ${want.map((s) => s.name).join(', ')} run without a cgroup of their own; their rlimits still apply`);
      return;
    }
    for (const k of CGROUP_LIMIT_NAMES) if (want.some((s) => s.limits[k] !== undefined)) this.#enable(CONTROLLER[k]);
  }

  /** A cgroup for the program, its limits written where the controllers allow; null (warned) when none can be made. */
  place(spec: ProgramSpec): ProgramCgroup | null {
    const dir = join(this.#dir, spec.name.replace(/[^A-Za-z0-9._-]/g, '_'));
    try {
      this.#ensureBase();
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    } catch (err) {
      this.#once('tree', `cgroups: cannot create ${dir} (${code(err)}): ${spec.name} runs without a cgroup of its own; its rlimits still apply`);
      return null;
    }
    for (const k of CGROUP_LIMIT_NAMES) {
      const v = spec.limits[k];
      if (v === undefined) continue;
      if (!this.#enabled.has(CONTROLLER[k])) continue; // prepare() said why
      try {
        writeFileSync(join(dir, FILE[k]), `${v}\n`);
      } catch (err) {
        this.#warn(`cgroups: cannot set ${FILE[k]} of ${spec.name} to ${v} (${code(err)})`);
      }
    }
    return { dir };
  }

  /** Opens the cgroup's cgroup.procs for the child to write itself into (the caller closes it). */
  procsFd(cg: ProgramCgroup): number | undefined {
    try {
      return openSync(join(cg.dir, 'cgroup.procs'), 'w');
    } catch {
      return undefined;
    }
  }

  /** Some process is still in the cgroup. */
  populated(cg: ProgramCgroup): boolean {
    try {
      return /^populated 1$/m.test(readFileSync(join(cg.dir, 'cgroup.events'), 'utf8'));
    } catch {
      return false;
    }
  }

  /** The processes in the cgroup. */
  pids(cg: ProgramCgroup): number[] {
    try {
      return readFileSync(join(cg.dir, 'cgroup.procs'), 'utf8').split('\n').filter((l) => l !== '').map(Number);
    } catch {
      return [];
    }
  }

  /** The cgroup's processes that left the program's process group (setsid escapees). */
  outside(cg: ProgramCgroup, pgid: number): number[] {
    return this.pids(cg).filter((pid) => {
      const stat = read(`/proc/${pid}/stat`);
      return stat !== '' && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid;
    });
  }

  /** SIGKILL to every process of the cgroup at once (cgroup.kill); false where the kernel has no cgroup.kill. */
  kill(cg: ProgramCgroup): boolean {
    try {
      writeFileSync(join(cg.dir, 'cgroup.kill'), '1');
      return true;
    } catch {
      return false;
    }
  }

  /** Removes the empty cgroups pidone made (at exit; a cgroup still in use stays). */
  close(): void {
    if (!this.#made) return;
    try {
      for (const name of readdirSync(this.#dir, { withFileTypes: true })) {
        if (!name.isDirectory()) continue;
        try {
          rmdirSync(join(this.#dir, name.name));
        } catch {
          // still populated (pidone's own leaf while it runs): the container's end removes it
        }
      }
      rmdirSync(this.#dir);
    } catch {
      // as above
    }
  }

  #ensureBase(): void {
    if (this.#made) return;
    sweep(this.#base);
    mkdirSync(this.#dir);
    this.#made = true;
  }

  /** Makes a controller available to the programs' cgroups; false (warned once) when it cannot be. */
  #enable(ctl: string): boolean {
    if (this.#enabled.has(ctl)) return true;
    const offered = read(join(this.#base, 'cgroup.controllers')).split(/\s+/).filter((x) => x !== '');
    if (!offered.includes(ctl)) {
      this.#once(ctl, `cgroups: the ${ctl} controller is not delegated to ${this.#base} (it offers: ${offered.join(' ') || 'none'}): ${ctl}.max limits are not applied; rlimits still are`);
      return false;
    }
    try {
      // A cgroup that hands controllers down holds no process: pidone moves itself (and only
      // itself: anything else there makes the kernel refuse, and pidone says so) into a leaf.
      const leaf = join(this.#dir, 'supervisor');
      if (!existsSync(leaf)) mkdirSync(leaf);
      writeFileSync(join(leaf, 'cgroup.procs'), '0');
      writeFileSync(join(this.#base, 'cgroup.subtree_control'), `+${ctl}`);
      writeFileSync(join(this.#dir, 'cgroup.subtree_control'), `+${ctl}`);
      this.#enabled.add(ctl);
      return true;
    } catch (err) {
      this.#once(ctl, `cgroups: cannot enable the ${ctl} controller under ${this.#base} (${code(err)}): ${ctl}.max limits are not applied; rlimits still are`);
      return false;
    }
  }

  #once(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#warn(message);
  }

}

/** Removes the empty directories that an earlier pidone killed before its clean-up left here. */
function sweep(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => /^pidone-[0-9a-f]+$/.test(n));
  } catch {
    return;
  }
  for (const n of names) {
    try {
      for (const c of readdirSync(join(base, n), { withFileTypes: true })) if (c.isDirectory()) rmdirSync(join(base, n, c.name));
      rmdirSync(join(base, n));
    } catch {
      // in use (populated): not a leftover
    }
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
