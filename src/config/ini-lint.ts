// Warnings for what supervisord accepts silently but almost never means: unknown keys (typos),
// sections it ignores (wrong case, unknown type), values cut by an inline comment inside
// quotes, a key set twice in one file, and text after a section header's ']'.
import { warn, type Ctx } from './ini-context.ts';
import { PROGRAM_EXTENSION_KEYS, SUPERVISORD_EXTENSION_KEYS } from './ini-extensions.ts';
import { pyRepr } from './ini-py.ts';
import { didYouMean, nearest } from './suggest.ts';

const PROGRAM_KEYS = [
  'command', 'process_name', 'numprocs', 'numprocs_start', 'priority', 'autostart', 'startsecs', 'startretries', 'autorestart',
  'exitcodes', 'stopsignal', 'stopwaitsecs', 'stopasgroup', 'killasgroup', 'user', 'redirect_stderr', 'stdout_logfile',
  'stdout_logfile_maxbytes', 'stdout_logfile_backups', 'stdout_capture_maxbytes', 'stdout_events_enabled', 'stdout_syslog',
  'stderr_logfile', 'stderr_logfile_maxbytes', 'stderr_logfile_backups', 'stderr_capture_maxbytes', 'stderr_events_enabled',
  'stderr_syslog', 'environment', 'directory', 'umask', 'serverurl', ...PROGRAM_EXTENSION_KEYS,
];

/** Keys supervisord reads (plus pidone's extensions) per section type; null = any key is fine. */
const KNOWN_KEYS: Readonly<Record<string, readonly string[] | null>> = {
  supervisord: [
    'logfile', 'logfile_maxbytes', 'logfile_backups', 'loglevel', 'pidfile', 'umask', 'nodaemon', 'silent', 'minfds',
    'minprocs', 'nocleanup', 'childlogdir', 'user', 'directory', 'strip_ansi', 'environment', 'identifier',
    ...SUPERVISORD_EXTENSION_KEYS,
  ],
  supervisorctl: ['serverurl', 'username', 'password', 'prompt', 'history_file'],
  include: ['files'],
  unix_http_server: ['file', 'chmod', 'chown', 'username', 'password'],
  inet_http_server: ['port', 'username', 'password'],
  'program:': PROGRAM_KEYS,
  'group:': ['programs', 'priority'],
  'eventlistener:': [...PROGRAM_KEYS, 'events', 'buffer_size', 'result_handler'],
  'fcgi-program:': [...PROGRAM_KEYS, 'socket', 'socket_backlog', 'socket_owner', 'socket_mode'],
  'rpcinterface:': null,
  'ctlplugin:': null,
};
const ALL_KEYS = new Set(Object.values(KNOWN_KEYS).flatMap((k) => k ?? []));

/** The section type supervisord (or supervisorctl) recognises, by its own prefix test. */
export function sectionType(name: string): string | null {
  for (const t of ['program:', 'group:', 'eventlistener:', 'fcgi-program:', 'rpcinterface:', 'ctlplugin:']) {
    if (name.startsWith(t)) return t;
  }
  if (name.startsWith('inet_http_server')) return 'inet_http_server';
  if (name.startsWith('unix_http_server')) return 'unix_http_server';
  if (name === 'supervisord' || name === 'supervisorctl' || name === 'include') return name;
  return null;
}

/** Every warning about sections and keys; runs after parsing, over all files. */
export function lint(ctx: Ctx, includedFiles: readonly string[]): void {
  const seen = new Set<string>();
  for (const h of ctx.store.headers) {
    if (seen.has(h.name) || h.name === 'DEFAULT') continue;
    seen.add(h.name);
    if (sectionType(h.name) === null) warn(ctx, h, unknownSection(h.name));
  }
  for (const h of ctx.store.headers) {
    if (h.name === 'include' && includedFiles.includes(h.file)) {
      warn(ctx, h, `[include] in an included file is ignored: supervisord reads includes only from the main file`);
    }
  }
  for (const section of ctx.store.sections.values()) {
    const type = sectionType(section.name);
    const known = type === null ? null : KNOWN_KEYS[type];
    if (!known) continue;
    for (const [key, v] of section.options) {
      if (known.includes(key) || key === '') continue;
      if (key.startsWith('[')) {
        warn(ctx, v, `${pyRepr(`${key}:${v.value}`)} is read as a key of [${section.name}]: a section header needs its closing ']'`);
        continue;
      }
      // expand_here copies [DEFAULT] values into sections; those are checked below, once.
      const d = ctx.store.defaults.get(key);
      if (d && d.file === v.file && d.line === v.line) continue;
      const elsewhere = [...Object.entries(KNOWN_KEYS)].find(([, keys]) => keys?.includes(key))?.[0];
      const hint = elsewhere ? ` (it belongs in a [${elsewhere}${elsewhere.endsWith(':') ? 'name' : ''}] section)` : didYouMean(key, known);
      warn(ctx, v, `[${section.name}] unknown key ${pyRepr(key)} is ignored by supervisord${hint}`);
    }
  }
  for (const [key, v] of ctx.store.defaults) {
    if (!ALL_KEYS.has(key)) warn(ctx, v, `[DEFAULT] unknown key ${pyRepr(key)} is ignored by supervisord${didYouMean(key, ALL_KEYS)}`);
  }
  for (const n of ctx.store.notes) {
    if (n.kind === 'inline-cut') {
      warn(ctx, n, `${pyRepr(n.cut)} is cut off as a comment (supervisord starts a comment at ';' or '#' after whitespace, even inside quotes), leaving ${pyRepr(n.kept)}; there is no escape for ' ;' or ' #', but a command can move into a script`);
    } else if (n.kind === 'header-junk') {
      warn(ctx, n, `text after [${n.header}] is ignored: ${pyRepr(n.junk)}`);
    } else {
      warn(ctx, n, `[${n.section}] ${n.key} is set again (first on line ${n.first}); supervisord uses this later value`);
    }
  }
}

const SECTION_WORDS = ['supervisord', 'supervisorctl', 'include', 'unix_http_server', 'inet_http_server', 'program', 'group', 'eventlistener', 'fcgi-program', 'rpcinterface', 'ctlplugin'];

function unknownSection(name: string): string {
  const lower = name.toLowerCase();
  const colon = name.indexOf(':');
  if (sectionType(lower) !== null) {
    return `section [${name}] is ignored by supervisord (section names are case-sensitive); did you mean [${fixCase(name)}]?`;
  }
  const word = colon < 0 ? name : name.slice(0, colon);
  const best = nearest(word, SECTION_WORDS);
  const suggestion = best === null ? '' : `; did you mean [${best}${colon < 0 ? '' : name.slice(colon)}]?`;
  return `section [${name}] is ignored by supervisord (unknown section type)${suggestion}`;
}

// Lower-cases the type word only: [Program:Web] -> [program:Web] (program names keep their case).
function fixCase(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name.toLowerCase() : name.slice(0, colon).toLowerCase() + name.slice(colon);
}
