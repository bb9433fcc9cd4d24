// Reading the config file and its [include]s (the file part of ServerOptions.read_config):
// patterns relative to the main file's directory, Python glob semantics, each pattern's
// matches read in sorted order, and %(here)s of each file replaced right after reading it.
import { readFileSync } from 'node:fs';
import { attempt, fail, locate, warn, wholeDict, type Ctx } from './ini-context.ts';
import { expand, mergeDicts } from './ini-expand.ts';
import { pyGlob } from './ini-glob.ts';
import { expandHere, getOption, readIniText } from './ini-parser.ts';
import { pyCompare, pyRepr, pySplitWs, PyValueError } from './ini-py.ts';
import { pyAbspath, pyDirname, pyJoin } from './ini-pypath.ts';

// Python's utf-8 codec keeps a byte-order mark as text (and supervisord then rejects line 1).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fileError(ctx: Ctx, at: { file: string; line: number }, upstream: string, human: string): void {
  if (ctx.upstream.error === null) ctx.upstream.error = upstream;
  ctx.diagnostics.push({ file: at.file, line: at.line, severity: 'error', message: human });
}

/** Reads one file into the store; `name` is how supervisord names it in messages. */
export function readInto(ctx: Ctx, name: string, path: string, main: boolean): boolean {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // parser.read() skips included files it cannot open; only the main file must exist.
    if (!main) {
      warn(ctx, { file: path, line: 0 }, `included file cannot be read (${code ?? 'error'}); supervisord skips it silently`);
      return false;
    }
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    const verb = missing ? 'find' : 'read';
    fileError(ctx, { file: name, line: 0 }, `could not ${verb} config file ${name}`, `could not ${verb} the config file (${code ?? 'error'})`);
    return false;
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    fileError(ctx, { file: name, line: 0 }, `'utf-8' codec can't decode ${name}`, 'the file is not valid UTF-8; supervisord reads config files as UTF-8 text');
    return false;
  }
  const r = readIniText(ctx.store, text, name);
  for (const p of r.problems) ctx.diagnostics.push({ file: p.file, line: p.line, severity: 'error', message: p.message });
  if (r.error !== null && ctx.upstream.error === null) ctx.upstream.error = r.error;
  return true;
}

/** The [include] block of read_config; returns the files read, in order. */
export function readIncludes(ctx: Ctx, absFile: string, reroot?: (pattern: string) => string): string[] {
  const { store } = ctx;
  const read: string[] = [];
  if (!store.sections.has('include')) return read;
  expandHere(store, ctx.here);
  const opt = getOption(store, 'include', 'files');
  if (!opt) {
    fail(ctx, { section: 'include' }, new PyValueError('.ini file has [include] section, but no files setting'), 'add files = conf.d/*.conf');
    return read;
  }
  const dict = mergeDicts(new Map([['here', ctx.here], ['host_node_name', ctx.hostname]]), ctx.env);
  const patterns = attempt(ctx, { section: 'include', key: 'files' }, () => {
    try {
      return pySplitWs(expand(opt.value, dict, 'include.files', () => wholeDict(ctx, 'include', 'files')));
    } catch (err) {
      if (err instanceof PyValueError) err.key = 'files';
      throw err;
    }
  }, []);
  const base = pyDirname(absFile);
  for (const p of patterns) {
    const pattern = pyJoin(base, p);
    const matches = pyGlob(reroot ? reroot(pattern) : pattern);
    if (matches.length === 0) {
      warn(ctx, locate(ctx, 'include', 'files'), `[include] files: nothing matches ${pyRepr(pattern)}`, `No file matches via include "${pattern}"`);
      continue;
    }
    for (const f of matches.sort(pyCompare)) {
      ctx.upstream.infos.push(`Included extra file "${f}" during parsing`);
      if (readInto(ctx, f, f, false)) read.push(f);
      expandHere(store, pyAbspath(pyDirname(f), ctx.cwd));
    }
  }
  return read;
}
