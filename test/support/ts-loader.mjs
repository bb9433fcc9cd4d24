// Module loader hook: TypeScript (.ts) through esbuild's transform, everything else untouched.
import { readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts') || !url.startsWith('file:')) return nextLoad(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: new URL(url).pathname,
    define: { PIDONE_VERSION: '"test"' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
