// One test per config error message, asserting the exact `file:line:col: message` text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, loadText } from './support/config.ts';
import { formatDiagnostic } from '../src/config/diagnostic.ts';

const cases: [string, string, string[]][] = [
  ["a bad stdin value", "programs:\n  web:\n    command: x\n    stdin: tty\n", ["pidone.yaml:4:5: programs.web.stdin: expected pipe | null, got \"tty\""]],
  ["a bad restart value", "programs:\n  web:\n    command: x\n    restart: sometimes\n", ["pidone.yaml:4:5: programs.web.restart: expected always | on-failure | never, got \"sometimes\""]],
  ["a bad duration", "programs:\n  web:\n    command: x\n    stop_timeout: 10 sec\n", ["pidone.yaml:4:5: programs.web.stop_timeout: expected a duration like 500ms, 10s, 1m30s or a number of seconds, got \"10 sec\""]],
  ["a bad signal lists the valid names", "programs:\n  web:\n    command: x\n    stop_signal: SIGFOO\n", ["pidone.yaml:4:5: programs.web.stop_signal: expected a signal name (HUP, INT, QUIT, ILL, TRAP, ABRT, BUS, FPE, KILL, USR1, SEGV, USR2, PIPE, ALRM, TERM, STKFLT, CHLD, CONT, STOP, TSTP, TTIN, TTOU, URG, XCPU, XFSZ, VTALRM, PROF, WINCH, IO, PWR, SYS) or number 1-31, got \"SIGFOO\""]],
  ["an unknown key suggests the nearest one", "programs:\n  web:\n    command: x\n    restrat: always\n", ["pidone.yaml:4:5: programs.web: unknown key \"restrat\" (did you mean \"restart\"?)"]],
  ["a process-compose key says what to write instead", "programs:\n  web:\n    command: x\n    availability:\n      restart: always\n", ["pidone.yaml:4:5: programs.web: unknown key \"availability\" (process-compose's availability: write restart:, backoff: and max_restarts: directly under the program)"]],
  ["an unknown top-level key", "processes:\n  web:\n    command: x\n", ["pidone.yaml:1:1: unknown key \"processes\" (pidone calls them programs:)", "pidone.yaml:1:1: missing programs: (the map of programs to run)"]],
  ["an unknown program in depends_on", "programs:\n  redis: { command: x }\n  web:\n    command: x\n    depends_on: [rdis]\n", ["pidone.yaml:5:18: programs.web.depends_on: unknown program \"rdis\" (did you mean \"redis\"?)"]],
  ["a cycle is printed as its path", "programs:\n  a:\n    command: x\n    depends_on: [b]\n  b:\n    command: x\n    depends_on: [c]\n  c:\n    command: x\n    depends_on: [a]\n", ["pidone.yaml:10:18: programs.c.depends_on: dependency cycle: a -> b -> c -> a"]],
  ["a self-dependency", "programs:\n  a:\n    command: x\n    depends_on: { a: ready }\n", ["pidone.yaml:4:19: programs.a.depends_on: a cannot depend on itself"]],
  ["duplicate process names after numprocs", "programs:\n  web:\n    command: x\n    numprocs: 2\n    process_name: \"w%(process_num)d\"\n  w1:\n    command: y\n", ["pidone.yaml:6:3: programs.w1: process name \"w1\" is already taken by programs.web (line 2)"]],
  ["bad YAML syntax with its position", "programs:\n  web:\n    command: [x, y\n    user: a\n", ["pidone.yaml:4:5: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"]],
  ["a duplicate YAML key", "programs:\n  web:\n    command: x\n    command: y\n", ["pidone.yaml:4:5: invalid YAML: Map keys must be unique"]],
  ["a wrong scalar type", "programs:\n  web:\n    command: x\n    numprocs: two\n", ["pidone.yaml:4:5: programs.web.numprocs: expected a positive whole number, got \"two\""]],
  ["a scalar where a mapping belongs", "programs:\n  web:\n    command: x\n    environment: FOO=1\n", ["pidone.yaml:4:5: programs.web.environment: expected a mapping, got \"FOO=1\""]],
  ["a file that is not a mapping", "- a\n- b\n", ["pidone.yaml:1:1: expected a mapping with programs: at the top of the file"]],
  ["a missing command", "programs:\n  web:\n    user: x\n", ["pidone.yaml:2:3: programs.web: missing command"]],
  ["an empty command", "programs:\n  web:\n    command: \"\"\n", ["pidone.yaml:3:5: programs.web.command: command is empty"]],
  ["no programs", "programs: {}\n", ["pidone.yaml:1:1: programs: no programs defined"]],
  ["an invalid program name", "programs:\n  \"my web\":\n    command: x\n", ["pidone.yaml:2:3: programs: invalid program name \"my web\": no spaces, \":\" or \"/\" allowed"]],
  ["both spellings of one setting", "programs:\n  web:\n    command: x\n    stop_signal: TERM\n    stopsignal: INT\n", ["pidone.yaml:5:5: programs.web.stopsignal: same setting as stop_signal; give only one of them"]],
  ["two readiness checks", "programs:\n  web:\n    command: x\n    ready: { tcp: 80, http: \"http://x/\" }\n", ["pidone.yaml:4:5: programs.web.ready: expected exactly one of tcp, http, exec, log, notify, got tcp and http"]],
  ["a bad dependency condition", "programs:\n  db: { command: x }\n  web:\n    command: x\n    depends_on: { db: healthy-ish }\n", ["pidone.yaml:5:19: programs.web.depends_on.db: expected started | ready | completed | completed_successfully, got \"healthy-ish\""]],
  ["a oneshot that restarts always", "programs:\n  m:\n    command: x\n    oneshot: true\n    restart: always\n", ["pidone.yaml:5:5: programs.m.restart: a oneshot program cannot restart always (use on-failure to retry it until it succeeds)"]],
  ["a missing env_file", "programs:\n  web:\n    command: x\n    env_file: missing.env\n", ["pidone.yaml:4:5: programs.web.env_file: cannot read env file missing.env: no such file"]],
  ["a TCP listener without authentication", "settings:\n  control: { tcp: 9001 }\nprograms:\n  web: { command: x }\n", ["pidone.yaml:2:14: settings.control.tcp: a TCP listener needs authentication: set username and password, or token"]],
  ["a bad log pattern", "programs:\n  web:\n    command: x\n    ready: { log: \"ready(\" }\n", ["pidone.yaml:4:14: programs.web.ready.log: invalid regular expression /ready(/: unterminated group"]],
  ["a bad URL", "programs:\n  web:\n    command: x\n    ready: { http: \"localhost:80\" }\n", ["pidone.yaml:4:14: programs.web.ready.http: expected a URL like http://127.0.0.1:3000/health, got \"localhost:80\""]],
  ["a bad port", "programs:\n  web:\n    command: x\n    ready: { tcp: 70000 }\n", ["pidone.yaml:4:14: programs.web.ready.tcp: expected a port (6379) or host:port (db:5432), got 70000"]],
  ["a required variable that is not set", "programs:\n  web:\n    command: [x, \"${SECRET:?set SECRET}\"]\n", ["pidone.yaml:3:18: programs.web.command[1]: required variable SECRET is not set: set SECRET"]],
  ["numprocs without %(process_num) in process_name", "programs:\n  web:\n    command: x\n    numprocs: 2\n    process_name: web\n", ["pidone.yaml:5:5: programs.web.process_name: %(process_num) must be present within process_name when numprocs > 1"]],
  ["an exit code out of range", "programs:\n  web:\n    command: x\n    exitcodes: [0, 256]\n", ["pidone.yaml:4:20: programs.web.exitcodes[1]: expected a whole number from 0 to 255, got 256"]],
  ["a bad umask", "programs:\n  web:\n    command: x\n    umask: 089\n", ["pidone.yaml:4:5: programs.web.umask: expected an octal mode like 022 or \"0o022\", got 089"]],
  ["a signal that cannot be forwarded", "programs:\n  web:\n    command: x\n    forward_signals: [KILL]\n", ["pidone.yaml:4:23: programs.web.forward_signals[0]: SIGKILL cannot be forwarded (it cannot be caught)"]],
  ["backoff initial over max", "programs:\n  web:\n    command: x\n    backoff: { initial: 1m, max: 10s }\n", ["pidone.yaml:4:5: programs.web.backoff: initial (60s) is longer than max (10s)"]],
  ["max_restarts 0", "programs:\n  web:\n    command: x\n    max_restarts: 0\n", ["pidone.yaml:4:5: programs.web.max_restarts: expected a positive whole number, got 0 (leave max_restarts out for no limit)"]],
  ["a mapping merged into itself", "programs:\n  web: &w\n    command: x\n    <<: *w\n", ["pidone.yaml:2:3: programs.web: a merge key (<<) refers to a mapping that contains it"]],
  ["every error is reported, in file order", "programs:\n  web:\n    stop_signal: FOO\n    restart: sometimes\n    command: x\n  db:\n    numprocs: 0\n", ["pidone.yaml:3:5: programs.web.stop_signal: expected a signal name (HUP, INT, QUIT, ILL, TRAP, ABRT, BUS, FPE, KILL, USR1, SEGV, USR2, PIPE, ALRM, TERM, STKFLT, CHLD, CONT, STOP, TSTP, TTIN, TTOU, URG, XCPU, XFSZ, VTALRM, PROF, WINCH, IO, PWR, SYS) or number 1-31, got \"FOO\"", "pidone.yaml:4:5: programs.web.restart: expected always | on-failure | never, got \"sometimes\"", "pidone.yaml:6:3: programs.db: missing command", "pidone.yaml:7:5: programs.db.numprocs: expected a positive whole number, got 0"]],
];

for (const [name, yaml, expected] of cases) {
  test(name, () => assert.deepEqual(errorsOf(yaml).filter((l) => !l.includes(': warning: ')), expected));
}

test('a shutdown signal in forward_signals is a warning: pidone keeps it for itself', () => {
  const { warnings } = loadText('programs:\n  web:\n    command: x\n    forward_signals: [SIGTERM, HUP]\n');
  assert.deepEqual(warnings.map((d) => formatDiagnostic({ ...d, file: d.file.replace(/^.*\//, '') })), [
    "pidone.yaml:4:5: warning: programs.web.forward_signals: SIGTERM is never forwarded: it is pidone's shutdown signal; during shutdown each program gets its own stop signal (stop_signal / stopsignal)",
  ]);
});
