// One program's `watch:` (model/schedule.ts Watch): inotify through Node's fs.watch, one watch
// per directory, never polling. A burst of changes (no change for `debounce`) is reported
// once. A path that does not exist yet is waited for on its nearest existing parent and
// picked up when it appears; a watched directory that goes away is waited for the same way.
// New directories under a recursive pattern are watched as they appear (and what they already
// hold counts as changed). Ignored directories are not even watched.
import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compileGlob, hasMagic, staticBase } from '../config/glob.ts';
import type { Watch } from '../model/schedule.ts';

/** At most this many directories per program: a watch over node_modules is a mistake to report, not to follow. */
export const MAX_DIRS = 4000;

interface Root {
  /** The directory the pattern lives under. */
  readonly base: string;
  /** Watch the directories below base too. */
  readonly recursive: boolean;
  readonly match: (path: string) => boolean;
}

/** What the watch reports: the paths that changed in one burst. */
export type OnBurst = (paths: readonly string[]) => void;

export class FileWatch {
  readonly #roots: Root[];
  readonly #ignore: ((path: string) => boolean)[];
  readonly #debounceMs: number;
  readonly #onBurst: OnBurst;
  readonly #warn: (message: string) => void;
  /** Watched directory -> its watcher; a directory a root waits on (not there yet) is watched non-recursively. */
  readonly #watchers = new Map<string, FSWatcher>();
  #changed = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #full = false;

  constructor(w: Watch, onBurst: OnBurst, warn: (message: string) => void) {
    this.#roots = w.paths.map(rootOf);
    this.#ignore = w.ignore.map(ignoreOf);
    this.#debounceMs = Math.max(0, w.debounce * 1000);
    this.#onBurst = onBurst;
    this.#warn = warn;
    this.#arm();
  }

  /** The directories watched now (for tests and status). */
  get directories(): string[] {
    return [...this.#watchers.keys()].sort();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
  }

  /** Watches every root's base (and what is below it), or the nearest existing parent of a base not there yet. */
  #arm(): void {
    for (const root of this.#roots) {
      if (isDir(root.base)) this.#add(root.base, root.recursive);
      else this.#add(nearestDir(root.base), false);
    }
  }

  #add(dir: string, recursive: boolean): void {
    if (this.#closed || this.#watchers.has(dir) || this.#ignored(dir)) return;
    if (this.#watchers.size >= MAX_DIRS) {
      if (!this.#full) this.#warn(`watch: more than ${MAX_DIRS} directories; ${dir} and what follows are not watched (add them to ignore)`);
      this.#full = true;
      return;
    }
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: false }, (_event, name) => this.#event(dir, name === null ? null : String(name)));
    } catch {
      return; // gone again, or not readable: its parent's events bring it back
    }
    w.on('error', () => this.#lost(dir));
    this.#watchers.set(dir, w);
    if (!recursive) return;
    for (const sub of subdirs(dir)) this.#add(sub, true);
  }

  #event(dir: string, name: string | null): void {
    if (this.#closed) return;
    const path = name === null ? dir : join(dir, name);
    // The directory itself went away: wait for it on its parent again.
    if (!isDir(dir)) return this.#lost(dir);
    if (isDir(path) && path !== dir) this.#grown(path);
    this.#arm(); // a base that was missing may be there now
    this.#note(path);
    // A directory on the way to a base appeared: what came with it (mkdir -p, then a file
    // written before pidone could watch there) counts as changed.
    for (const r of this.#roots) {
      if (path === r.base || !r.base.startsWith(`${path}/`)) continue;
      if (isDir(r.base)) for (const f of files(r.base)) this.#note(f);
      else if (exists(r.base)) this.#note(r.base);
    }
  }

  /** A new directory: watched if a root is waiting for it or covers it; what it already holds counts as changed. */
  #grown(dir: string): void {
    for (const r of this.#roots) {
      const covers = dir === r.base || (r.recursive && dir.startsWith(`${r.base}/`));
      if (!covers || this.#watchers.has(dir)) continue;
      this.#add(dir, r.recursive);
      for (const f of files(dir)) this.#note(f);
    }
  }

  #lost(dir: string): void {
    const w = this.#watchers.get(dir);
    w?.close();
    this.#watchers.delete(dir);
    for (const [d, x] of this.#watchers) {
      if (d.startsWith(`${dir}/`)) {
        x.close();
        this.#watchers.delete(d);
      }
    }
    this.#arm();
  }

  #note(path: string): void {
    if (!this.#roots.some((r) => r.match(path)) || this.#ignored(path)) return;
    this.#changed.add(path);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#flush(), this.#debounceMs);
  }

  #flush(): void {
    this.#timer = null;
    const paths = [...this.#changed].sort();
    this.#changed = new Set();
    if (!this.#closed && paths.length > 0) this.#onBurst(paths);
  }

  #ignored(path: string): boolean {
    return this.#ignore.some((f) => f(path));
  }
}

/** What one `paths` entry watches and matches. */
function rootOf(pattern: string): Root {
  if (!hasMagic(pattern)) {
    // A plain path: a directory means everything below it; a file (or a path not there yet)
    // is watched through its directory, so an editor's save-by-rename is seen too.
    const p = pattern.replace(/\/+$/, '') || '/';
    return { base: p, recursive: true, match: (f) => f === p || f.startsWith(`${p}/`) };
  }
  const base = staticBase(pattern);
  const rest = pattern.slice(base.length).replace(/^\//, '');
  const compiled = compileGlob(pattern);
  const re = compiled.ok ? compiled.re : /$^/;
  return { base, recursive: rest.includes('/') || rest.includes('**'), match: (f) => re.test(f) };
}

/** An ignore pattern: without a `/` it is matched against each part of the path. */
function ignoreOf(pattern: string): (path: string) => boolean {
  const compiled = compileGlob(pattern);
  if (!compiled.ok) return () => false;
  const re = compiled.re;
  if (pattern.includes('/')) return (f) => re.test(f) || f.split('/').some((_, i, parts) => re.test(parts.slice(0, i + 1).join('/')));
  return (f) => f.split('/').some((part) => part !== '' && re.test(part)) || re.test(basename(f));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function nearestDir(p: string): string {
  let d = dirname(p);
  while (d !== '/' && !isDir(d)) d = dirname(d);
  return d;
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function files(dir: string): string[] {
  try {
    // Dirent.parentPath is Node 20.12's name for what 20.1 called `path`.
    return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => !e.isDirectory())
      .map((e) => join((e as { parentPath?: string; path?: string }).parentPath ?? (e as { path?: string }).path ?? dir, e.name));
  } catch {
    return [];
  }
}
