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
      if (p.liveness) lines.push(`${pad}alive while ${probeText(p.liveness.check)} passes (every ${p.liveness.interval}s; ${p.liveness.retries} failures stop it)`);
      if (p.stop_command !== null) lines.push(`${pad}stopped by ${commandText({ command: p.stop_command, shell: typeof p.stop_command === 'string' })}`);
      const notes = notesOf(p);
      if (notes.length > 0) lines.push(`${pad}${notes.join(', ')}`);
    }
  });
  return lines;
}

/** A one-line form of the command: exec form as argv, shell form as `sh -c '...'`; a script shows its first line. */
export function commandText(p: Pick<ProgramSpec, 'command' | 'shell'>): string {
  let text: string;
  let lines = 1;
  // A multi-line script (a YAML block scalar) shows its first line and how many there are.
  const firstLine = (s: string): string => {
    const all = s.split('\n').filter((l) => l.trim() !== '');
    lines = Math.max(lines, all.length);
    const first = (all[0] ?? '').trim();
    return all.length > 1 ? `${first} …` : first;
  };
  if (typeof p.command === 'string') {
    const body = firstLine(p.command);
    text = p.shell ? `sh -c ${quote(body)}` : body;
  } else {
    text = p.command.map((a) => {
      const one = a.includes('\n') ? firstLine(a) : a;
      return /^[\w@%+=:,./-]+$/.test(one) ? one : quote(one);
    }).join(' ');
  }
  const suffix = lines > 1 ? ` (${lines} lines)` : '';
  return text.length + suffix.length > MAX_COMMAND ? `${text.slice(0, MAX_COMMAND - suffix.length - 1)}…${suffix}` : text + suffix;
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

function probeText(c: ReadyCheck): string {
  switch (c.kind) {
    case 'tcp':
      return `tcp ${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`;
    case 'http':
      return `GET ${c.url}`;
    case 'exec':
      return commandText({ command: c.command, shell: typeof c.command === 'string' });
    case 'log':
      return `output /${c.pattern}/`;
    case 'notify':
      return 'sd_notify';
  }
}

function notesOf(p: ProgramSpec): string[] {
  const notes: string[] = [];
  if (p.oneshot) notes.push('oneshot');
  if (p.daemon) notes.push('daemon (counts as running once the command exits 0)');
  if (p.critical === true) notes.push('critical');
  if (p.critical === 'on-failure') notes.push('critical on failure');
  if (p.exit_on_skipped) notes.push('ends pidone if it cannot start');
  if (!p.autostart) notes.push('not started automatically (autostart: false)');
  if (p.user !== null) notes.push(`user ${p.user}`);
  if (p.priority !== 999) notes.push(`priority ${p.priority}`);
  if (!p.oneshot) notes.push(`restart ${p.autorestart === true ? 'always' : p.autorestart === false ? 'never' : 'on failure'}`);
  return notes;
}
