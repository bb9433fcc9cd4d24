// A process-compose `watch:` block → pidone's Watch (model/schedule.ts). process-compose watches
// each `paths[].path` (resolved against the process's working_dir) with its own `include` and
// `exclude` patterns (a pattern with a `/` matches the path below the root, one without matches
// the file's name), prunes a built-in list of directories and files unless
// `disable_default_excludes`, and restarts the process once a burst of changes has settled for
// `debounce` (300ms). pidone's watch takes absolute globs, so each pattern is rooted at its path.
import type { Watch } from '../model/schedule.ts';
import { checkPcKeys } from './pc-keys.ts';
import { parseBoolean, parseDuration } from './values.ts';
import { entries, isList, items, parsed, report, text, type Ctx, type Field } from './yaml-nodes.ts';
import { resolveIn } from './pc-parts.ts';

export const WATCH_KEYS = ['paths', 'cascade', 'debounce', 'max_entries', 'buffer_size', 'disable_default_excludes'];
const PATH_KEYS = ['path', 'include', 'exclude'];
const DEFAULT_DEBOUNCE = 0.3;

// process-compose's built-in excludes: directories pruned from every watch, and file names dropped.
const DEFAULT_IGNORE_DIRS = [
  '.git', '.hg', '.svn', '.idea', '.vscode', 'node_modules', 'vendor', 'target', 'dist', 'build', 'bin',
  '.venv', 'venv', '__pycache__', '.mypy_cache', '.pytest_cache', '.next', '.nuxt', '.terraform', '.gradle', '.direnv', 'result',
];
const DEFAULT_IGNORE_FILES = ['*.log', '*.log.gz', '*.swp', '*.swx', '*~', '.#*', '#*#', '4913', '.DS_Store', '*.tmp'];

interface PcWatchPath {
  readonly path: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** What a watch block says, before its paths are rooted in a process's directory. */
export interface PcWatch {
  readonly paths: readonly PcWatchPath[];
  readonly debounce: number;
  readonly defaults: boolean;
}

/** Reads the block; null when it watches nothing; undefined when it is invalid (reported). */
export function readPcWatch(ctx: Ctx, f: Field): PcWatch | null | undefined {
  const fields = entries(ctx, f);
  if (!fields) return undefined;
  checkPcKeys(ctx, fields, WATCH_KEYS, 'watch');
  const at = (k: string) => fields.find((x) => x.key === k);
  let bad = false;
  const paths: PcWatchPath[] = [];
  const pathsField = at('paths');
  for (const item of pathsField && isList(ctx, pathsField) ? (items(ctx, pathsField) ?? []) : []) {
    const parts = entries(ctx, item);
    if (!parts) {
      bad = true;
      continue;
    }
    checkPcKeys(ctx, parts, PATH_KEYS, 'watch path');
    const get = (k: string) => parts.find((x) => x.key === k);
    const pathField = get('path');
    const path = pathField ? text(ctx, pathField) : undefined;
    if (!path) {
      report(ctx, item.at, item.path, 'missing path (the directory or file to watch)');
      bad = true;
      continue;
    }
    const patterns = (k: string): string[] => {
      const x = get(k);
      if (!x) return [];
      if (!isList(ctx, x)) {
        bad = true;
        return [];
      }
      return (items(ctx, x) ?? []).map((i) => text(ctx, i) ?? '').filter((p) => p !== '');
    };
    paths.push({ path, include: patterns('include'), exclude: patterns('exclude') });
  }
  if (paths.length === 0 && !bad) {
    report(ctx, f.at, f.path, 'no paths: the watch watches nothing (as in process-compose)', 'warning');
    return null;
  }
  const debounceField = at('debounce');
  const debounce = debounceField ? parsed(ctx, debounceField, parseDuration) : DEFAULT_DEBOUNCE;
  const cascade = at('cascade');
  if (cascade && parsed(ctx, cascade, parseBoolean) === true) {
    report(ctx, cascade.at, cascade.path, 'pidone restarts only this process on a change, not its dependents', 'warning');
  }
  const off = at('disable_default_excludes');
  const noDefaults = off ? parsed(ctx, off, parseBoolean) : false;
  if (bad || debounce === undefined || noDefaults === undefined) return undefined;
  return { paths, debounce, defaults: !noDefaults };
}

/** The watch of a process whose working directory is dir. */
export function rootedWatch(w: PcWatch, dir: string): Watch {
  const paths: string[] = [];
  const ignore: string[] = [];
  // A pattern with a `/` is matched below the root; without one, against the name at any depth.
  const under = (root: string, pattern: string) => `${root}/${pattern.includes('/') ? pattern.replace(/^\.?\//, '') : `**/${pattern}`}`;
  for (const p of w.paths) {
    const root = resolveIn(dir, p.path).replace(/\/+$/, '') || '/';
    if (p.include.length === 0) paths.push(root);
    else for (const pattern of p.include) paths.push(under(root, pattern));
    for (const pattern of p.exclude) ignore.push(under(root, pattern));
    if (w.defaults) for (const name of [...DEFAULT_IGNORE_DIRS, ...DEFAULT_IGNORE_FILES]) ignore.push(`${root}/**/${name}`);
  }
  return { paths, ignore, debounce: w.debounce, action: 'restart' };
}
