// The start plan as people read it in `pidone check`: wave by wave, each process with its
// command, what it waits for, how its readiness is decided, and what is unusual about it.
import type { ProgramSpec, ReadyCheck } from '../model/spec.ts';

const MAX_COMMAND = 100;

/** Renders waves (from planWaves) as indented text lines. */
export function planText(waves: readonly (readonly ProgramSpec[])[]): string[] {
  const width = Math.max(0, ...waves.flat().map((p) => p.name.length));
  const pad = ' '.repeat(width + 4);
  const lines: string[] = [];
  waves.forEach((wave, i) => {
    const after = i === 0 ? 'nothing to wait for' : `after wave ${i - 1}`;
    lines.push(`wave ${i} (${after})`);
    for (const p of wave) {
      lines.push(`  ${p.name.padEnd(width)}  ${commandText(p)}`);
      const deps = Object.entries(p.depends_on).map(([name, condition]) => `${name} ${condition.replace(/_/g, ' ')}`);
      if (deps.length > 0) lines.push(`${pad}waits for ${deps.join(', ')}`);
      if (p.ready) lines.push(`${pad}ready when ${readyText(p.ready.check)}`);
      const notes = notesOf(p);
      if (notes.length > 0) lines.push(`${pad}${notes.join(', ')}`);
    }
  });
  return lines;
}

/** A one-line form of the command: exec form as argv, shell form as `sh -c '...'`. */
export function commandText(p: Pick<ProgramSpec, 'command' | 'shell'>): string {
  let text: string;
  if (typeof p.command === 'string') {
    const lines = p.command.split('\n').filter((l) => l.trim() !== '');
    const first = (lines[0] ?? '').trim();
    const body = lines.length > 1 ? `${first} …` : first;
    text = (p.shell ? `sh -c ${quote(body)}` : body) + (lines.length > 1 ? ` (${lines.length} lines)` : '');
  } else {
    text = p.command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : quote(a))).join(' ');
  }
  return text.length > MAX_COMMAND ? `${text.slice(0, MAX_COMMAND - 1)}…` : text;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function readyText(c: ReadyCheck): string {
  switch (c.kind) {
    case 'tcp':
      return `tcp ${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port} accepts`;
    case 'http':
      return `GET ${c.url} succeeds`;
    case 'exec':
      return `${commandText({ command: c.command, shell: typeof c.command === 'string' })} exits 0`;
    case 'log':
      return `output matches /${c.pattern}/`;
    case 'notify':
      return 'it sends READY=1 (sd_notify)';
  }
}

function notesOf(p: ProgramSpec): string[] {
  const notes: string[] = [];
  if (p.oneshot) notes.push('oneshot');
  if (p.critical) notes.push('critical');
  if (!p.autostart) notes.push('not started automatically (autostart: false)');
  if (p.user !== null) notes.push(`user ${p.user}`);
  if (p.priority !== 999) notes.push(`priority ${p.priority}`);
  if (!p.oneshot) notes.push(`restart ${p.autorestart === true ? 'always' : p.autorestart === false ? 'never' : 'on failure'}`);
  return notes;
}
