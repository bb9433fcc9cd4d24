// Python's posixpath functions, which differ from node:path in ways that show up in
// supervisord's values: join() restarts at an absolute part, dirname('/a/b/') is '/a/b',
// normpath keeps a leading '//', expanduser leaves '~user' alone when it cannot resolve it.

/** os.path.join. */
export function pyJoin(first: string, ...rest: string[]): string {
  let path = first;
  for (const b of rest) {
    if (b.startsWith('/')) path = b;
    else if (path === '' || path.endsWith('/')) path += b;
    else path += '/' + b;
  }
  return path;
}

/** os.path.split: [head, tail]. */
export function pySplit(p: string): [string, string] {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head !== '' && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return [head, p.slice(i)];
}

/** os.path.dirname. */
export function pyDirname(p: string): string {
  return pySplit(p)[0];
}

/** os.path.normpath. */
export function pyNormpath(p: string): string {
  if (p === '') return '.';
  let initial = p.startsWith('/') ? 1 : 0;
  if (initial && p.startsWith('//') && !p.startsWith('///')) initial = 2;
  const out: string[] = [];
  for (const comp of p.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && out.length === 0) || out[out.length - 1] === '..') out.push(comp);
    else if (out.length > 0) out.pop();
  }
  const joined = '/'.repeat(initial) + out.join('/');
  return joined === '' ? '.' : joined;
}

/** os.path.abspath, with the working directory passed in. */
export function pyAbspath(p: string, cwd: string): string {
  return pyNormpath(p.startsWith('/') ? p : pyJoin(cwd, p));
}

/**
 * os.path.expanduser. `~user` needs the passwd database, which a pure parser does not read:
 * it is left as written (Python does the same when the user does not exist).
 */
export function pyExpanduser(p: string, home: string | undefined): string {
  if (!p.startsWith('~')) return p;
  let i = p.indexOf('/', 1);
  if (i < 0) i = p.length;
  if (i !== 1 || home === undefined) return p;
  const userhome = home.replace(/\/+$/, '');
  return userhome + p.slice(i) || '/';
}

/** supervisord's normalize_path: expanduser, abspath, normpath. */
export function normalizePath(p: string, cwd: string, home: string | undefined): string {
  return pyAbspath(pyExpanduser(p, home), cwd);
}
