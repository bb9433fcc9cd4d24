// Environment files (`env_file:`) in the dotenv syntax docker compose reads: KEY=VALUE lines,
// `export ` prefixes, # comments, single quotes (literal), double quotes (escapes, may span
// lines), and ${VAR} expansion against earlier keys of the file, then the outer lookup.
import { interpolate, type Lookup } from './interpolate.ts';

export interface EnvFileProblem {
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface EnvFile {
  readonly vars: Readonly<Record<string, string>>;
  readonly problems: readonly EnvFileProblem[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '\\$' };

/** Parses the text of an env file; `${VAR}` sees earlier keys first, then lookup. */
export function parseEnvFile(text: string, lookup: Lookup): EnvFile {
  const vars: Record<string, string> = {};
  const problems: EnvFileProblem[] = [];
  const scoped: Lookup = (name) => (Object.hasOwn(vars, name) ? vars[name] : lookup(name));
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = (lines[n] ?? '').replace(/^\s*export\s+/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!KEY.test(key)) {
      problems.push({ line: lineNo, col: 1, severity: 'error', message: `expected KEY=VALUE, got ${JSON.stringify(trimmed)}` });
      continue;
    }
    if (eq < 0) {
      // A bare name passes the variable through from pidone's environment, as in compose.
      const inherited = lookup(key);
      if (inherited !== undefined) vars[key] = inherited;
      continue;
    }
    let rest = line.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      // Quoted values may continue over the following lines until the closing quote.
      let body = rest.slice(1);
      let close = findClose(body, quote);
      const startLine = lineNo;
      while (close < 0 && n + 1 < lines.length) {
        n++;
        body += `\n${lines[n] ?? ''}`;
        close = findClose(body, quote);
      }
      if (close < 0) {
        problems.push({ line: startLine, col: eq + 2, severity: 'error', message: `${key}: missing closing ${quote}` });
        break;
      }
      const raw = body.slice(0, close);
      vars[key] = quote === "'" ? raw : expandValue(unescape(raw), scoped, startLine, eq + 2, key, problems);
      continue;
    }
    rest = rest.replace(/\s+#.*$/, '').trimEnd();
    vars[key] = expandValue(rest, scoped, lineNo, eq + 2, key, problems);
  }
  return { vars, problems };
}

function findClose(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}

// `\$` stays escaped through unescape so that expandValue turns it into a literal `$`.
function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, (all, c: string) => ESCAPES[c] ?? all);
}

function expandValue(raw: string, lookup: Lookup, line: number, col: number, key: string, problems: EnvFileProblem[]): string {
  const protectedRaw = raw.replace(/\\\$/g, '$$$$');
  const r = interpolate(protectedRaw, lookup, { bare: true });
  for (const e of r.errors) problems.push({ line, col, severity: 'error', message: `${key}: ${e}` });
  for (const u of r.unset) problems.push({ line, col, severity: 'warning', message: `${key}: variable ${u} is not set; using ""` });
  return r.value;
}
