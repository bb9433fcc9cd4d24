// Process names of a program with numprocs: `web:0`, `web:1`... by default, or supervisord's
// `process_name` template (`%(program_name)s_%(process_num)02d`) for users who keep theirs.

/** The process names, or an error message when the template cannot produce distinct names. */
export function processNames(program: string, numprocs: number, start: number, template: string | null): string[] | string {
  if (template === null) {
    if (numprocs === 1) return [program];
    return Array.from({ length: numprocs }, (_, i) => `${program}:${start + i}`);
  }
  if (numprocs > 1 && !template.includes('%(process_num)')) {
    return '%(process_num) must be present within process_name when numprocs > 1';
  }
  const names: string[] = [];
  for (let i = 0; i < numprocs; i++) {
    const vars: Record<string, string | number> = { program_name: program, group_name: program, process_num: start + i, numprocs };
    const name = format(template, vars);
    if (name.startsWith('error:')) return name.slice(6);
    if (!/^[^\s:/]+$/.test(name)) return `process_name ${JSON.stringify(template)} gives ${JSON.stringify(name)}: no spaces, ":" or "/" allowed`;
    names.push(name);
  }
  return names;
}

// Python's `template % dict` for the conversions supervisord users write: %(x)s, %(x)d, %(x)02d, %%.
function format(template: string, vars: Readonly<Record<string, string | number>>): string {
  let bad = '';
  const out = template.replace(/%(?:\((\w+)\)(0?)(\d*)([sd])|(%))/g, (all, name: string | undefined, zero: string, width: string, conv: string, pct: string | undefined) => {
    if (pct) return '%';
    const v = name === undefined ? undefined : vars[name];
    if (v === undefined) {
      bad ||= `process_name ${JSON.stringify(template)} names ${JSON.stringify(name)}; available: ${Object.keys(vars).sort().join(', ')}`;
      return all;
    }
    if (conv === 'd' && typeof v !== 'number') {
      bad ||= `process_name ${JSON.stringify(template)}: %(${name})d needs a number`;
      return all;
    }
    return String(v).padStart(Number(width || 0), zero ? '0' : ' ');
  });
  return bad ? `error:${bad}` : out;
}
