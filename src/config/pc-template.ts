// process-compose renders some process fields as Go text/template with its `vars` (global, then
// the process's own, then PC_REPLICA_NUM). Real files use `{{.NAME}}`; pidone renders that form
// (with Go's `{{-`/`-}}` whitespace trimming and `{{/* comments */}}`) and reports any other
// action rather than guessing what a Go function would have printed.

export interface Rendered {
  readonly value: string;
  readonly errors: readonly string[];
  /** `{{.NAME}}` with no such variable: Go prints "<no value>", and so does pidone. */
  readonly missing: readonly string[];
}

const ACTION = /^\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** Renders `{{.NAME}}` actions in text with vars. */
export function renderTemplate(text: string, vars: Readonly<Record<string, unknown>>): Rendered {
  if (!text.includes('{{')) return { value: text, errors: [], missing: [] };
  const errors: string[] = [];
  const missing: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) {
      out += text.slice(i);
      break;
    }
    const close = text.indexOf('}}', open + 2);
    if (close < 0) {
      errors.push(`unclosed action "${text.slice(open, open + 20)}" (a Go template needs "}}")`);
      return { value: '', errors, missing };
    }
    let inner = text.slice(open + 2, close);
    let before = text.slice(i, open);
    let after = close + 2;
    // `{{- ` trims the whitespace before the action, ` -}}` the whitespace after it.
    if (/^-\s/.test(inner)) {
      before = before.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      const rest = /^\s*/.exec(text.slice(after))?.[0] ?? '';
      after += rest.length;
    }
    out += before;
    const action = inner.trim();
    if (!/^\/\*[\s\S]*\*\/$/.test(action)) {
      const m = ACTION.exec(action);
      if (!m) {
        errors.push(`template action {{${inner}}} is not supported: pidone renders {{.NAME}} from vars (set is_template_disabled: true to keep the text as it is)`);
      } else {
        const name = m[1] as string;
        if (!Object.hasOwn(vars, name)) {
          missing.push(name);
          out += '<no value>';
        } else out += goString(vars[name]);
      }
    }
    i = after;
  }
  return { value: out, errors, missing };
}

/** A value as Go's fmt prints it with %v. */
function goString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goString(x)}`).join(' ')}]`;
  }
  return String(v);
}
