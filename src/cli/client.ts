// `pidone status|start|stop|restart|signal|logs|reload|shutdown`: the control API's command
// line client. Exit codes (docs/control.md): 0 success (status: every program meant to run
// is RUNNING and ready), 1 failure or not ready, 2 usage error, 4 no pidone answered, 5 pidone
// is there but could not answer (overloaded or out of descriptors) for 2 s of retrying.
import type { ActionResponse, ErrorBody, ProgramsResponse, ReloadOutcome } from '../control/protocol.ts';
import { harmless, reason, resultLine, selects, statusLines } from './client-format.ts';
import { ClientConfigError, type TargetHost, resolveTarget } from './client-target.ts';
import { Busy, NoAnswer, type Target, call, parseBody, send } from './http-client.ts';

export interface ClientHost extends TargetHost {
  /** `pidone -c FILE status`: the config named before the command. */
  readonly configFile: string | null;
  stdout(s: string): void;
  stderr(s: string): void;
}

const CLIENT_USAGE = `usage:
  pidone status [NAME...] [--json] [-u]     program states; exit 0 only if every program meant
                                            to run is RUNNING and ready (a Docker HEALTHCHECK);
                                            -u, --usage: what each program uses (CPU, memory, fds)
  pidone start|stop|restart NAME...|all [--no-wait]
  pidone signal SIGNAL NAME...|all
  pidone logs [-f] [--stderr] [-n BYTES] NAME...
                                            one program's output; several, group:* or all:
                                            each line prefixed with its program (-f: all at once)
  pidone reload                             re-read the config: only changed programs restart
  pidone shutdown [--no-wait]               stop everything; waits until pidone has finished

NAME is a program, group:name, group:* or all.
options: -s, --socket PATH   control socket (or unix:///path, http://host:port); default:
                             $PIDONE_SOCKET, else the config's socket, else /run/pidone.sock,
                             $XDG_RUNTIME_DIR/pidone.sock, or pidone-<uid>.sock in the temp dir
         -c, --config FILE   the config pidone runs (also: pidone -c FILE status); default:
                             $PIDONE_CONFIG, else the daemon's discovery (./pidone.yaml, ...,
                             /etc/pidone/pidone.yaml, supervisord.conf as supervisord finds it)
credentials (TCP or a guarded socket): PIDONE_TOKEN, or PIDONE_USERNAME and PIDONE_PASSWORD,
else the config's ([supervisorctl] username/password, as supervisorctl reads them)
exit codes: 0 ok, 1 failed or not ready, 2 usage error, 4 no pidone answered (nothing
            listens), 5 pidone listens but could not answer (overloaded or out of descriptors)`;

class Usage extends Error {}

interface Options {
  readonly flags: Set<string>;
  readonly values: Map<string, string>;
  readonly names: string[];
}

interface Parsed extends Options {
  readonly target: Target;
}

// Flags each command accepts; those in VALUED take a value.
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  status: ['--json', '--usage', '-u'], start: ['--no-wait'], stop: ['--no-wait'], restart: ['--no-wait'], signal: [],
  logs: ['-f', '--follow', '--stderr', '-n', '--bytes'], reload: [], shutdown: ['--no-wait'],
};
const VALUED = new Set(['-n', '--bytes', '-s', '--socket', '-c', '--config']);

function parse(command: string, args: readonly string[]): Options {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      names.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      names.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (flag === '-h' || flag === '--help') throw new Usage('');
    if (!['-s', '--socket', '-c', '--config', ...(FLAGS[command] ?? [])].includes(flag)) throw new Usage(`${command}: unknown option ${a}`);
    if (VALUED.has(flag)) {
      const v = flag !== a ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new Usage(`${command}: ${flag} needs a value`);
      values.set(flag === '-s' ? '--socket' : flag === '-n' ? '--bytes' : flag === '-c' ? '--config' : flag, v);
    } else flags.add(flag === '-f' ? '--follow' : flag === '-u' ? '--usage' : flag);
  }
  return { flags, values, names };
}

/** Runs one client command; resolves with the exit code. */
export async function runClient(command: string, args: readonly string[], host: ClientHost): Promise<number> {
  let p: Parsed;
  try {
    const o = parse(command, args);
    check(command, o);
    const target = await resolveTarget(o.values.get('--socket') ?? null, o.values.get('--config') ?? host.configFile, host);
    p = { ...o, target };
  } catch (err) {
    if (err instanceof ClientConfigError) {
      host.stderr(`pidone: ${err.message}\n`);
      return 2;
    }
    if (!(err instanceof Usage)) throw err;
    if (err.message === '') {
      host.stdout(`${CLIENT_USAGE}\n`);
      return 0;
    }
    host.stderr(`pidone: ${err.message}\n${CLIENT_USAGE}\n`);
    return 2;
  }
  try {
    return await COMMANDS[command]!(p, host);
  } catch (err) {
    if (err instanceof NoAnswer) {
      host.stderr(`pidone: no pidone answered at ${err.message}\n`);
      return 4;
    }
    if (err instanceof Busy) {
      host.stderr(`pidone: pidone did not answer at ${err.message} (something listens there: pidone overloaded or out of file descriptors)\n`);
      return 5;
    }
    throw err;
  }
}

function check(command: string, { names, values }: Options): void {
  const bytes = values.get('--bytes');
  if (bytes !== undefined && !/^\d+$/.test(bytes)) throw new Usage(`-n expects a number of bytes, got ${JSON.stringify(bytes)}`);
  if (['start', 'stop', 'restart'].includes(command) && names.length === 0) throw new Usage(`${command} needs a program name (or all)`);
  if (command === 'signal' && names.length < 2) throw new Usage('signal needs a signal name and a program name');
  if (command === 'logs' && names.length === 0) throw new Usage('logs needs a program name (or several, group:*, all)');
  if ((command === 'reload' || command === 'shutdown') && names.length > 0) throw new Usage(`${command} takes no names`);
}

/** A 401/403 or other unexpected error answer: print it, exit 1. */
function failed(host: ClientHost, status: number, body: ErrorBody): number {
  const hint = status === 401 ? ' (set PIDONE_TOKEN, or PIDONE_USERNAME and PIDONE_PASSWORD)' : '';
  host.stderr(`pidone: ${body.error}${hint}\n`);
  for (const e of body.errors ?? []) host.stderr(`  ${e}\n`);
  return 1;
}

type Command = (p: Parsed, host: ClientHost) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  async status(p, host) {
    const usage = p.flags.has('--usage') || p.flags.has('--json');
    const { status, body } = await call<ProgramsResponse & ErrorBody>(p.target, 'GET', usage ? '/api/programs?usage=1' : '/api/programs');
    if (status !== 200) return failed(host, status, body);
    let code = 0;
    const unknown = p.names.filter((n) => !body.programs.some((x) => selects(n, x)));
    const shown = p.names.length === 0 ? body.programs : body.programs.filter((x) => p.names.some((n) => selects(n, x)));
    // One write: a thousand small ones cost a syscall each.
    if (p.flags.has('--json')) host.stdout(`${JSON.stringify({ ...body, programs: shown }, null, 2)}\n`);
    else host.stdout([...unknown.map((n) => `${n}: ERROR (no such process)`), ...statusLines(shown, p.flags.has('--usage'))].map((l) => `${l}\n`).join(''));
    if (unknown.length > 0) code = 1;
    const bad = shown.filter((x) => !x.healthy);
    if (bad.length > 0 || body.pidone.phase !== 'running') {
      code = 1;
      if (!p.flags.has('--json')) host.stderr(`pidone: not ready: ${[...(body.pidone.phase !== 'running' ? [`pidone is ${body.pidone.phase}`] : []), ...bad.map((x) => `${x.namespec} ${x.problem}`)].join('; ')}\n`);
    }
    return code;
  },
  start: (p, host) => act(p, host, 'start'),
  stop: (p, host) => act(p, host, 'stop'),
  restart: (p, host) => act(p, host, 'restart'),
  async signal(p, host) {
    const [sig, ...names] = p.names;
    return act({ ...p, names }, host, 'signal', { signal: sig });
  },
  async logs(p, host) {
    const stream = p.flags.has('--stderr') ? 'stderr' : 'stdout';
    const bytes = p.values.get('--bytes') ?? '1600';
    const follow = p.flags.has('--follow') ? '&follow=1' : '';
    const one = p.names.length === 1 && p.names[0] !== 'all' && !/:\*?$/.test(p.names[0]!);
    // One process: its bytes as written. Several: each line prefixed with its program.
    const path = one
      ? `/api/programs/${encodeURIComponent(p.names[0]!)}/logs?stream=${stream}&bytes=${bytes}${follow}`
      : `/api/logs?${p.names.map((n) => `name=${encodeURIComponent(n)}`).join('&')}&stream=${stream}&bytes=${bytes}${follow}`;
    // With -f this runs until pidone ends the stream or the user presses Ctrl-C.
    const a = await send(p.target, 'GET', path, undefined, (c) => host.stdout(c.toString('utf8')));
    if (a.status === 200) return 0;
    const body = parseBody<ErrorBody>(a);
    if (body.fault === 'BAD_NAME') {
      const name = one ? p.names[0]! : body.error.replace(/^no such process: /, '');
      host.stdout(`${name}: ERROR (no such process${await groupHint(p, name)})\n`);
      return 1;
    }
    return failed(host, a.status, body);
  },
  async reload(p, host) {
    const { status, body } = await call<ReloadOutcome & ErrorBody>(p.target, 'POST', '/api/reload');
    if (status !== 200 || !body.ok) return failed(host, status, body);
    const list = (xs: readonly string[]): string => (xs.length > 0 ? xs.join(', ') : 'none');
    host.stdout(`reloaded: added ${list(body.added)}; removed ${list(body.removed)}; changed ${list(body.changed)}\n`);
    return 0;
  },
  async shutdown(p, host) {
    const wait = !p.flags.has('--no-wait');
    const { status, body } = await call<{ ok: boolean; exitCode?: number; reason?: string } & ErrorBody>(p.target, 'POST', `/api/shutdown${wait ? '?wait=1' : ''}`);
    if (status !== 200 && status !== 202) return failed(host, status, body);
    host.stdout(body.exitCode === undefined ? 'Shutting down\n' : `Shut down: pidone exits with code ${body.exitCode} (${body.reason ?? ''})\n`);
    return 0;
  },
};

async function act(p: Parsed, host: ClientHost, verb: 'start' | 'stop' | 'restart' | 'signal', body?: unknown): Promise<number> {
  const names = p.names.includes('all') ? ['all'] : p.names;
  const wait = p.flags.has('--no-wait') ? '?wait=0' : '';
  let code = 0;
  for (const n of names) {
    const r = await call<ActionResponse & ErrorBody>(p.target, 'POST', `/api/programs/${encodeURIComponent(n)}/${verb}${wait}`, body);
    if (r.status === 200) {
      for (const x of r.body.results) {
        host.stdout(`${resultLine(verb, x)}\n`);
        if (x.status !== 'SUCCESS' && !harmless(verb, x.status)) code = 1;
      }
    } else if (r.body.fault !== undefined && r.status !== 401 && r.status !== 403) {
      const hint = r.body.fault === 'BAD_NAME' ? await groupHint(p, n) : '';
      host.stdout(`${n}: ERROR (${reason(r.body.fault, r.body.error)}${hint})\n`);
      if (!harmless(verb, r.body.fault)) code = 1;
    } else code = failed(host, r.status, r.body);
  }
  return code;
}

/** For an unknown bare name that is a group: how to name the group (supervisord's rule). */
async function groupHint(p: Parsed, name: string): Promise<string> {
  if (name.includes(':')) return '';
  const { status, body } = await call<ProgramsResponse>(p.target, 'GET', '/api/programs');
  return status === 200 && body.programs.some((x) => x.group === name) ? `; ${name} is a group: name it ${name}:*` : '';
}
