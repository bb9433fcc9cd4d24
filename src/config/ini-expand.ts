// supervisord's options.expand(): `value % expansions` with its two error messages. Which
// names a key may use depends on where supervisord reads it (ini-context.ts builds the dicts
// in supervisord's order, which matters for the "Available names" list and `%s` output).
import { pyFormat, PyFormatError, type PyDict, type PyScalar } from './ini-format.ts';
import { pyCompare, pyRepr, PyValueError } from './ini-py.ts';

export type { PyDict, PyScalar };

/** Python's dict(list(a.items()) + list(b.items())): a's order, b's values win, then b's new keys. */
export function mergeDicts(...dicts: PyDict[]): PyDict {
  const out: PyDict = new Map();
  for (const d of dicts) for (const [k, v] of d) out.set(k, v);
  return out;
}

/** Python's a.update(b), in place. */
export function updateDict(a: PyDict, b: PyDict | Record<string, PyScalar>): void {
  const entries = b instanceof Map ? [...b] : Object.entries(b);
  for (const [k, v] of entries) a.set(k, v);
}

/**
 * options.expand(s, expansions, name). Throws PyValueError with supervisord's text; its
 * `human` form lists only the non-ENV names (a real environment has dozens) and says how to fix.
 */
export function expand(s: string, d: PyDict, name: string, onWholeDict?: () => void): string {
  try {
    return pyFormat(s, d, onWholeDict);
  } catch (e) {
    if (!(e instanceof PyFormatError)) throw e;
    const head = `Format string ${pyRepr(s)} for ${pyRepr(name)}`;
    if (e.missingKey === undefined) {
      throw new PyValueError(`${head} is badly formatted: ${e.message}`, undefined, `${head} is badly formatted: ${e.message}; write %% for a literal %`);
    }
    const names = [...d.keys()].sort(pyCompare);
    const upstream = `${head} contains names (${e.message}) which cannot be expanded. Available names: ${names.join(', ')}`;
    const own = names.filter((n) => !n.startsWith('ENV_'));
    const envCount = names.length - own.length;
    const why = e.missingKey.startsWith('ENV_')
      ? ` (${e.missingKey.slice(4)} is not set in the environment nor in [supervisord] environment=)`
      : '';
    const list = own.join(', ') + (envCount > 0 ? `${own.length ? ' and ' : ''}${envCount} ENV_ name${envCount === 1 ? '' : 's'}` : '');
    throw new PyValueError(upstream, undefined, `${head} contains names (${e.message}) which cannot be expanded${why}. Available names: ${list}`);
  }
}
