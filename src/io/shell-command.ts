// How a YAML string command runs: under `/bin/sh -c`, but without a shell left between pidone
// and the program when the command is one simple command. Debian's dash does not exec the last
// command of `-c` by itself (bash does), so `command: "nginx -g 'daemon off;'"` would leave sh
// as the process pidone signals: SIGHUP would kill the shell, not reload nginx. Prefixing
// `exec` is exactly what a careful user writes by hand; for anything more (a pipeline, a list,
// a compound command) the shell stays, and its process group is stopped as a whole.

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', '{', '}', '!', '[[', ']]', 'function', 'select', 'time', 'exec', 'coproc']);

/** The argv that runs a YAML string command. */
export function shellArgv(command: string): string[] {
  return ['/bin/sh', '-c', withExec(command)];
}

/** `command` with `exec` before its command name when it is one simple command; else as is. */
export function withExec(command: string): string {
  const words = simpleCommandWords(command);
  if (words === null) return command;
  // Leading assignments stay in front: `A=1 exec prog` passes A to prog (a special built-in's
  // assignments are kept, and exported to what it runs).
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.text)) i++;
  const name = words[i];
  if (name === undefined || RESERVED.has(name.text) || /^[<>0-9&]/.test(name.text)) return command;
  return `${command.slice(0, name.start)}exec ${command.slice(name.start)}`;
}

interface Word {
  readonly text: string;
  readonly start: number;
}

/**
 * The words of a command if it is one simple command (no unquoted ; & | newline ( ) at the top
 * level; substitutions and quotes may contain anything), else null. Conservative: anything it
 * does not understand makes it null, which only means the shell stays.
 */
function simpleCommandWords(command: string): Word[] | null {
  const words: Word[] = [];
  let start = -1;
  let text = '';
  const end = () => {
    if (start >= 0) words.push({ text, start });
    start = -1;
    text = '';
  };
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === ' ' || ch === '\t') {
      end();
      continue;
    }
    if (ch === '#' && start < 0) break; // a comment runs to the end of the line
    // `2>&1` and `<&3` are redirections, not the background operator.
    const redirect = ch === '&' && (command[i - 1] === '>' || command[i - 1] === '<');
    if (!redirect && ';&|\n()'.includes(ch)) return null;
    if (start < 0) start = i;
    if (ch === '\\') {
      text += command.slice(i, i + 2);
      i++;
    } else if (ch === "'") {
      const close = command.indexOf("'", i + 1);
      if (close < 0) return null;
      text += command.slice(i, close + 1);
      i = close;
    } else if (ch === '"' || ch === '`' || (ch === '$' && (command[i + 1] === '(' || command[i + 1] === '{'))) {
      const close = closing(command, i);
      if (close < 0) return null;
      text += command.slice(i, close + 1);
      i = close;
    } else {
      text += ch;
    }
  }
  end();
  return words;
}

/** Index of what closes the quote or substitution opening at i, or -1. */
function closing(s: string, i: number): number {
  const open = s[i]!;
  if (open === '"' || open === '`') {
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === '\\') j++;
      else if (open === '"' && s[j] === '$' && (s[j + 1] === '(' || s[j + 1] === '{')) {
        j = closing(s, j);
        if (j < 0) return -1;
      } else if (s[j] === open) return j;
    }
    return -1;
  }
  // $( ... ) or ${ ... }: balance the brackets, skipping quoted parts.
  const openB = s[i + 1]!;
  const closeB = openB === '(' ? ')' : '}';
  let depth = 0;
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === '\\') j++;
    else if (c === "'") {
      j = s.indexOf("'", j + 1);
      if (j < 0) return -1;
    } else if (c === '"' || c === '`') {
      j = closing(s, j);
      if (j < 0) return -1;
    } else if (c === openB) depth++;
    else if (c === closeB && --depth === 0) return j;
  }
  return -1;
}
