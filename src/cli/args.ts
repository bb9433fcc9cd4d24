// Parses pidone's own command line into one of its modes. Short options follow tini (and
// getopt): they may be combined (-sgv), take a value attached or next (-e143, -e 143), and
// parsing stops at `--` or at the first word that is not an option, so
// `pidone sh -c 'x'` runs sh with its own -c.
import { signalNumber } from '../io/signals.ts';

export const CLIENT_COMMANDS = ['status', 'start', 'stop', 'restart', 'signal', 'logs', 'reload', 'shutdown'] as const;

export type Invocation =
  | { mode: 'help' }
  | { mode: 'version' }
  | { mode: 'license' }
  | { mode: 'usage-error'; message: string }
  | { mode: 'check'; args: string[] }
  | { mode: 'client'; command: string; args: string[]; configFile: string | null }
  | { mode: 'single'; program: string; args: string[]; common: CommonOptions }
  | { mode: 'supervisor'; configFile: string | null; formation: string | null; common: CommonOptions };

export interface CommonOptions {
  subreaper: boolean;
  killGroup: boolean;
  zeroCodes: Set<number>;
  verbosity: number;
  graceMs: number;
  /** -p: the signal pidone gets when its parent dies (prctl PR_SET_PDEATHSIG); null: none. */
  parentDeathSignal: number | null;
  /** -w: a warning line for every orphan reaped, as tini -w. */
  warnOnReap: boolean;
}

export const USAGE = `usage:
  pidone [-s] [-g] [-e CODE]... [-p SIGNAL] [-w] [-v] [--grace DURATION] -- PROGRAM [ARGS...]
  pidone [-v] [-c FILE] [-m FORMATION]      supervise the programs of a config file
  pidone check [-c FILE] [-m FORMATION] [--json]
                                            validate a config and print its start plan
  pidone [-c FILE] status|start|stop|restart|signal|logs|reload|shutdown ...
                                            talk to a running pidone (pidone status --help);
                                            exit 0 ok, 1 failed or not ready, 2 usage error,
                                            4 no pidone answered

options:
  -s              register as a child subreaper (automatic when pidone is not PID 1)
  -g              forward signals to the program's process group, not just the program
  -e CODE         report exit code CODE as 0 (repeatable)
  -p SIGNAL       single mode: pidone gets SIGNAL when its parent dies (e.g. -p SIGTERM: it
                  forwards it; -p SIGKILL: it dies), as tini -p
  -w              single mode: a warning line for every orphan reaped
  -v              more output on stderr (-vv: debug)
  -c FILE         config file (.yaml, .yml, .conf, .ini, process-compose.yaml, Procfile);
                  default: discovered
  -m FORMATION    a Procfile's formation, as foreman's: web=2,worker=1 (all=N for every type);
                  default: $PIDONE_FORMATION, else one of each
  --grace DUR     time the processes left behind get between SIGTERM and SIGKILL once
                  the program (or every program) has exited (default 5s); 0: exit at once
                  without signalling them, as tini does
  --version, -h   version, this help; -l the license

environment: TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP and TINI_VERBOSITY are honoured as
tini does; PIDONE_CONFIG names the config file, PIDONE_FORMATION a Procfile's formation.`;

/** "5s", "500ms", "1m", "2" (seconds) -> milliseconds; null when not a duration. */
export function parseDurationMs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return null;
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Math.round(Number(m[1]) * scale);
}

/** Turns argv (without node and the script) and the environment into an Invocation. */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Invocation {
  const first = argv[0];
  if (first === 'check') return { mode: 'check', args: argv.slice(1) };
  if (first !== undefined && (CLIENT_COMMANDS as readonly string[]).includes(first)) {
    return { mode: 'client', command: first, args: argv.slice(1), configFile: null };
  }
  const tiniVerbosity = Number(env.TINI_VERBOSITY);
  const common: CommonOptions = {
    subreaper: env.TINI_SUBREAPER !== undefined,
    killGroup: env.TINI_KILL_PROCESS_GROUP !== undefined,
    zeroCodes: new Set(),
    verbosity: Number.isInteger(tiniVerbosity) && env.TINI_VERBOSITY !== '' ? tiniVerbosity : 1,
    graceMs: 5000,
    parentDeathSignal: null,
    warnOnReap: false,
  };
  let configFile: string | null = null;
  let formation: string | null = null;
  let i = 0;
  const value = (flag: string, attached: string): string | null => {
    if (attached !== '') return attached;
    i++;
    return argv[i] ?? null;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '--version') return { mode: 'version' };
    if (arg === '--help') return { mode: 'help' };
    if (arg === '--grace' || arg.startsWith('--grace=')) {
      const v = arg.includes('=') ? arg.slice(8) : value(arg, '');
      const ms = v === null ? null : parseDurationMs(v);
      if (ms === null) return { mode: 'usage-error', message: `--grace expects a duration such as 5s or 500ms, got ${JSON.stringify(v ?? '')}` };
      common.graceMs = ms;
      continue;
    }
    if (arg.startsWith('--') ) return { mode: 'usage-error', message: `unknown option ${arg}` };
    if (!arg.startsWith('-') || arg === '-') break;
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j]!;
      if (flag === 's') common.subreaper = true;
      else if (flag === 'g') common.killGroup = true;
      else if (flag === 'v') common.verbosity++;
      else if (flag === 'w') common.warnOnReap = true;
      else if (flag === 'h') return { mode: 'help' };
      else if (flag === 'l') return { mode: 'license' };
      else if (flag === 'e' || flag === 'c' || flag === 'p' || flag === 'm') {
        const v = value(`-${flag}`, arg.slice(j + 1));
        if (v === null) return { mode: 'usage-error', message: `-${flag} needs a value` };
        if (flag === 'c') configFile = v;
        else if (flag === 'm') formation = v;
        else if (flag === 'p') {
          const signo = signalNumber(v);
          if (signo === undefined || !(signo >= 1 && signo <= 64)) return { mode: 'usage-error', message: `-p expects a signal such as SIGTERM or SIGKILL, got ${JSON.stringify(v)}` };
          common.parentDeathSignal = signo;
        } else {
          const code = /^\d+$/.test(v) ? Number(v) : NaN;
          if (!(code >= 0 && code <= 255)) return { mode: 'usage-error', message: `-e expects an exit code from 0 to 255, got ${JSON.stringify(v)}` };
          common.zeroCodes.add(code);
        }
        break;
      } else return { mode: 'usage-error', message: `unknown option -${flag}` };
    }
  }
  const rest = argv.slice(i);
  // `pidone -c FILE status` (supervisorctl -c FILE status), `pidone -c FILE check`.
  const sub = rest[0];
  if (configFile !== null && sub !== undefined && argv[i - 1] !== '--') {
    if (sub === 'check') return { mode: 'check', args: ['-c', configFile, ...(formation === null ? [] : ['-m', formation]), ...rest.slice(1)] };
    if ((CLIENT_COMMANDS as readonly string[]).includes(sub)) return { mode: 'client', command: sub, args: rest.slice(1), configFile };
  }
  if (rest.length > 0) {
    if (formation !== null) return { mode: 'usage-error', message: '-m is for supervisor mode (pidone -c Procfile -m web=2), not for a program to run' };
    if (configFile !== null) return { mode: 'usage-error', message: '-c and a program to run cannot be combined: -c is for supervisor mode' };
    return { mode: 'single', program: rest[0]!, args: rest.slice(1), common };
  }
  if (common.parentDeathSignal !== null || common.warnOnReap) {
    return { mode: 'usage-error', message: '-p and -w are single-mode options (pidone -p SIGTERM -- PROGRAM)' };
  }
  return { mode: 'supervisor', configFile, formation, common };
}
