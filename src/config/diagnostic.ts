// Config problems as people read them: `file:line:col: message`, every one reported, not just
// the first. Errors stop pidone from starting; warnings are printed and the file is accepted.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  /** 1-based; 0 when the problem is about the file as a whole. */
  readonly line: number;
  /** 1-based; omitted when only the line is known (INI). */
  readonly col?: number;
  readonly severity: Severity;
  readonly message: string;
}

/** `pidone.yaml:14:5: programs.web.restart: expected ...`; warnings say so after the place. */
export function formatDiagnostic(d: Diagnostic): string {
  const place = d.line > 0 ? `${d.file}:${d.line}${d.col ? `:${d.col}` : ''}` : d.file;
  return `${place}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

/** Thrown when a config cannot be used; carries every error found (and the warnings). */
export class ConfigError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'));
    this.name = 'ConfigError';
    this.diagnostics = diagnostics;
  }
}
