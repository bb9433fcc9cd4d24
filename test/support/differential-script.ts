// The supervisord.conf and the script the differential test runs against real supervisord
// and against pidone: every XML-RPC method of supervisord 4.2.5 (good calls, bad names, bad
// arguments), the supervisorctl commands, and the HTTP routes next to /RPC2.
import { resolve } from 'node:path';
import type { Step } from './differential.ts';
import { ROOT } from './pid1.ts';

/** An event listener on supervisor.childutils that logs every event it gets to its stderr. */
export const LISTENER = resolve(ROOT, 'test', 'support', 'event-log-listener.py');

export const IDENTIFIER = 'difftest';

/** Bytes `long` writes: more than pidone's old 64 KiB tail kept. */
export const LONG_BYTES = 100_000;

export const CONF = `[unix_http_server]
file=%(here)s/supervisor.sock

[supervisord]
nodaemon=true
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
identifier=${IDENTIFIER}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock

[program:hello]
command=sh -c "echo hello; echo oops >&2; exec sleep 1000"
startsecs=0

[program:manual]
command=sleep 1000
autostart=false
startsecs=0

[program:quick]
command=sh -c "echo bye; exit 3"
autostart=false
startsecs=5
startretries=0
autorestart=false

[program:pair]
command=sleep 1000
numprocs=2
process_name=%(program_name)s_%(process_num)02d
startsecs=0

[group:grp]
programs=ga,gb

[program:ga]
command=sleep 1000
startsecs=0

[program:gb]
command=sh -c "printf 'line1\\nline2\\n'; exec sleep 1000"
startsecs=0

[program:missing]
command=/nonexistent/binary
autostart=false

[program:long]
command=sh -c "yes 0123456789abcdef | head -c ${LONG_BYTES}; exec sleep 1000"
startsecs=0

[program:cat]
command=cat
startsecs=0

[program:closer]
command=sh -c "exec 0<&-; exec sleep 1000"
startsecs=0

; Its own priority written: pidone shows a listener's process priority as its pool's.
[eventlistener:listener]
command=/usr/bin/python3 ${LISTENER}
events=REMOTE_COMMUNICATION
priority=-1

[program:rolled]
command=sh -c "printf '%%0600d' 0; sleep 0.3; printf '%%0600d' 1; sleep 0.3; printf '%%0300d' 2; exec sleep 1000"
stdout_logfile_maxbytes=1KB
startsecs=0
`;

/** supervisord 4.2.5's system.listMethods. */
export const METHODS = [
  'supervisor.addProcessGroup', 'supervisor.clearAllProcessLogs', 'supervisor.clearLog', 'supervisor.clearProcessLog',
  'supervisor.clearProcessLogs', 'supervisor.getAPIVersion', 'supervisor.getAllConfigInfo', 'supervisor.getAllProcessInfo',
  'supervisor.getIdentification', 'supervisor.getPID', 'supervisor.getProcessInfo', 'supervisor.getState',
  'supervisor.getSupervisorVersion', 'supervisor.getVersion', 'supervisor.readLog', 'supervisor.readMainLog',
  'supervisor.readProcessLog', 'supervisor.readProcessStderrLog', 'supervisor.readProcessStdoutLog',
  'supervisor.reloadConfig', 'supervisor.removeProcessGroup', 'supervisor.restart', 'supervisor.sendProcessStdin',
  'supervisor.sendRemoteCommEvent', 'supervisor.shutdown', 'supervisor.signalAllProcesses', 'supervisor.signalProcess',
  'supervisor.signalProcessGroup', 'supervisor.startAllProcesses', 'supervisor.startProcess', 'supervisor.startProcessGroup',
  'supervisor.stopAllProcesses', 'supervisor.stopProcess', 'supervisor.stopProcessGroup', 'supervisor.tailProcessLog',
  'supervisor.tailProcessStderrLog', 'supervisor.tailProcessStdoutLog', 'system.listMethods', 'system.methodHelp',
  'system.methodSignature', 'system.multicall',
];

const rpc = (method: string, ...params: unknown[]): Step => ['rpc', method.includes('.') ? method : `supervisor.${method}`, ...(params as string[])];
const ctl = (...argv: string[]): Step => ['ctl', ...argv];

/** Steps only the long variant runs (PIDONE_DIFF_FULL=1): slow on supervisord, or many supervisorctl runs. */
const LONG_ONLY = new Set<Step>();
const long = (...steps: Step[]): Step[] => {
  for (const s of steps) LONG_ONLY.add(s);
  return steps;
};

/** Until every autostart process runs and the outputs the log steps read are complete. */
const SETTLE: Step[] = [
  ...['hello', 'pair:pair_00', 'pair:pair_01', 'grp:ga', 'grp:gb', 'long', 'rolled', 'cat', 'closer', 'listener'].map((n): Step => ['wait', n, 'RUNNING']),
  ['waitlog', 'hello', 6], ['waitlog', 'grp:gb', 12], ['waitlog', 'long', LONG_BYTES], ['waitlog', 'rolled', 300],
];

const META: Step[] = [
  rpc('system.listMethods'), rpc('getAPIVersion'), rpc('getVersion'), rpc('getSupervisorVersion'),
  rpc('getIdentification'), rpc('getState'), rpc('getPID'),
  ...METHODS.map((m) => rpc('system.methodSignature', m)),
  ...METHODS.map((m) => rpc('system.methodHelp', m)),
];

const NAMES: Step[] = [
  ...['hello', 'pair:pair_00', 'pair_00', 'pair', 'pair:*', 'grp:ga', 'ga', 'grp', 'grp:*', 'grp:', 'nosuch', 'all', 'nosuch:x', 'grp:nosuch']
    .map((n) => rpc('getProcessInfo', n)),
  rpc('getAllProcessInfo'), rpc('getAllConfigInfo'),
];

const CONTROL: Step[] = [
  rpc('startProcess', 'manual'), rpc('startProcess', 'manual'), rpc('stopProcess', 'manual'), rpc('stopProcess', 'manual'),
  rpc('startProcess', 'nosuch'), rpc('startProcess', 'grp'),
  rpc('startProcess', 'ga'), rpc('startProcess', 'grp:ga'), rpc('startProcess', 'grp:*'), rpc('stopProcess', 'grp:*'),
  rpc('startProcessGroup', 'grp'), rpc('startProcessGroup', 'grp'), rpc('stopProcessGroup', 'nosuch'), rpc('startProcessGroup', 'grp:ga'),
  rpc('startProcess', 'manual', false), ['wait', 'manual', 'RUNNING'], rpc('stopProcess', 'manual', false), ['wait', 'manual', 'STOPPED'],
  rpc('startProcess', 'quick'), rpc('getProcessInfo', 'quick'), rpc('stopProcess', 'quick'),
  rpc('stopProcess', 'pair:*'), rpc('startProcess', 'pair:*'),
  rpc('signalProcess', 'hello', 'CONT'), rpc('signalProcess', 'hello', 18), rpc('signalProcess', 'hello', 'SIGCONT'),
  rpc('signalProcess', 'hello', 'BOGUS'), rpc('signalProcess', 'manual', 'HUP'), rpc('signalProcess', 'nosuch', 'HUP'),
  rpc('signalProcess', 'grp', 'CONT'), rpc('signalProcessGroup', 'pair', 'CONT'), rpc('signalProcessGroup', 'pair', 'BOGUS'),
  rpc('signalProcessGroup', 'nosuch', 'CONT'), rpc('signalAllProcesses', 'CONT'), rpc('signalAllProcesses', 'BOGUS'),
];

const LOGS: Step[] = [
  rpc('readProcessStdoutLog', 'hello', 0, 0), rpc('readProcessStdoutLog', 'hello', -3, 0), rpc('readProcessStdoutLog', 'hello', 0, 3),
  rpc('readProcessStdoutLog', 'hello', 2, 100), rpc('readProcessStdoutLog', 'hello', 100, 0), rpc('readProcessStdoutLog', 'hello', -1, 5),
  rpc('readProcessStdoutLog', 'hello', 0, -1), rpc('readProcessStderrLog', 'hello', 0, 0), rpc('readProcessLog', 'hello', 0, 0),
  rpc('readProcessStdoutLog', 'nosuch', 0, 0), rpc('readProcessStdoutLog', 'grp', 0, 0), rpc('readProcessStdoutLog', 'grp:gb', 0, 0),
  rpc('readProcessStdoutLog', 'manual', 0, 0), rpc('readProcessStderrLog', 'grp:gb', 0, 0),
  rpc('tailProcessStdoutLog', 'hello', 0, 3), rpc('tailProcessStdoutLog', 'hello', 0, 100), rpc('tailProcessStdoutLog', 'hello', 6, 10),
  rpc('tailProcessStdoutLog', 'hello', 100, 10), rpc('tailProcessStderrLog', 'hello', 0, 100), rpc('tailProcessLog', 'hello', 0, 2),
  rpc('tailProcessStdoutLog', 'nosuch', 0, 10), rpc('tailProcessStdoutLog', 'manual', 0, 10),
  rpc('readProcessStdoutLog', 'long', 0, 40), rpc('readProcessStdoutLog', 'long', -40, 0), rpc('readProcessStdoutLog', 'long', 50_000, 20),
  rpc('readProcessStdoutLog', 'long', 0, 0), rpc('tailProcessStdoutLog', 'long', 0, 30), rpc('tailProcessStdoutLog', 'long', LONG_BYTES - 10, 100),
  rpc('readProcessStdoutLog', 'rolled', 0, 0), rpc('readProcessStdoutLog', 'rolled', 0, 10), rpc('tailProcessStdoutLog', 'rolled', 0, 10),
  rpc('tailProcessStdoutLog', 'rolled', 1000, 10),
  rpc('clearProcessLogs', 'hello'), rpc('readProcessStdoutLog', 'hello', 0, 0), rpc('tailProcessStdoutLog', 'hello', 0, 10),
  rpc('readProcessStderrLog', 'hello', 0, 0), rpc('clearProcessLog', 'grp:gb'), rpc('readProcessStdoutLog', 'grp:gb', 0, 0),
  rpc('clearProcessLogs', 'nosuch'), rpc('clearProcessLogs', 'grp'), ...long(rpc('clearAllProcessLogs'), rpc('readProcessStdoutLog', 'long', 0, 0)),
  rpc('readLog', 0, 0), rpc('readLog', -200, 0), rpc('readMainLog', -200, 0), rpc('readLog', -1, 5), rpc('clearLog'), rpc('readLog', 0, 0),
];

const CONFIG_OPS: Step[] = [
  rpc('reloadConfig'), rpc('addProcessGroup', 'hello'), rpc('addProcessGroup', 'nosuch'), rpc('removeProcessGroup', 'hello'),
  rpc('removeProcessGroup', 'nosuch'), rpc('removeProcessGroup', 'manual'), rpc('getProcessInfo', 'manual'), rpc('getAllConfigInfo'),
  rpc('reloadConfig'), rpc('addProcessGroup', 'manual'), rpc('getProcessInfo', 'manual'),
];

/** Event listener log lines: `EVENTNAME serial poolserial\npayload\n`. */
const logged = (...events: [string, number, string][]): number => events.reduce((n, [name, serial, payload]) => n + Buffer.byteLength(`${name} ${serial} ${serial}\n${payload}\n`), 0);

const OTHER: Step[] = [
  rpc('sendProcessStdin', 'hello', 'hi\n'), rpc('sendProcessStdin', 'manual', 'x'), rpc('sendProcessStdin', 'nosuch', 'x'),
  rpc('sendProcessStdin', 'cat', 'héllo cat\n'), ['waitlog', 'cat', 11], rpc('readProcessStdoutLog', 'cat', 0, 0),
  rpc('sendProcessStdin', 'closer', 'x'), rpc('sendProcessStdin', 'closer', 'x'), rpc('sendProcessStdin', 'grp:*', 'x'),
  rpc('sendRemoteCommEvent', 'type', 'data'), rpc('sendRemoteCommEvent', 'ünï', 'cödé 😀'), rpc('sendRemoteCommEvent', 'x', 'reject-once'),
  ['waiterr', 'listener', logged(['REMOTE_COMMUNICATION', 0, 'type:type\ndata'], ['REMOTE_COMMUNICATION', 1, 'type:ünï\ncödé 😀'], ['REMOTE_COMMUNICATION', 2, 'type:x\nreject-once'], ['REMOTE_COMMUNICATION', 2, 'type:x\nreject-once'])],
  rpc('readProcessStderrLog', 'listener', 0, 0), rpc('getProcessInfo', 'listener'),
  rpc('system.multicall', [
    { methodName: 'supervisor.getAPIVersion' }, { methodName: 'supervisor.nosuch' },
    { methodName: 'supervisor.getProcessInfo', params: ['nosuch'] }, { methodName: 'system.multicall', params: [[]] }, {},
  ]),
  rpc('system.methodHelp', 'nosuch'), rpc('system.methodSignature', 'nosuch'), rpc('supervisor.nosuch'), rpc('supervisor._private'),
  rpc('nosuch.method'), rpc('getState', 1), rpc('startProcess'), rpc('getProcessInfo', 1),
];

const HTTP: Step[] = [
  ['http', '/ok.html'], ['http', '/RPC2', 1, 'status'], ['http', '/logtail/hello', 0.5], ['http', '/logtail/hello/stderr', 0.5],
  ['http', '/logtail/grp:gb', 0.5], ['http', '/logtail/nosuch', 0.5, 'status'], ['http', '/mainlogtail', 0.5, 'status'],
  ['http', '/', 1, 'status'], ['http', '/index.html', 1, 'status'], ['http', '/tail.html?processname=hello', 1, 'status'],
];

// The short variant runs the supervisorctl commands most scripts use; the long one all of them.
const CTL: Step[] = [
  ctl('status'), ...long(ctl('status', 'hello')), ctl('status', 'nosuch'), ...long(ctl('status', 'grp:*'), ctl('status', 'pair_00')), ctl('status', 'grp'),
  ctl('start', 'manual'), ...long(ctl('start', 'manual'), ctl('start', 'nosuch'), ctl('start', 'nosuch:*')),
  ctl('start', 'grp'), ...long(ctl('start', 'grp:*')), ctl('stop', 'manual'), ...long(ctl('stop', 'manual'), ctl('stop', 'grp:*'), ctl('start', 'grp:*')),
  ctl('restart', 'hello'), ...long(ctl('restart', 'grp:*'), ctl('signal', 'HUP', 'manual'), ctl('signal', 'BOGUS', 'hello'),
    ctl('signal', 'CONT', 'hello')), ctl('signal', 'CONT', 'pair:*'), ...long(ctl('signal', 'BOGUS', 'pair:*'), ctl('signal', 'BOGUS', 'all'),
    ctl('pid'), ctl('pid', 'hello')), ctl('pid', 'all'), ...long(ctl('pid', 'nosuch')), ctl('avail'),
  ['waitlog', 'hello', 6],
  ctl('tail', 'hello'), ...long(ctl('tail', '-3', 'hello'), ctl('tail', 'hello', 'stderr'), ctl('tail', 'nosuch')), ctl('tail', '-20', 'long'),
  ctl('tail', 'rolled'), ctl('clear', 'hello'), ctl('tail', 'hello'), ...long(ctl('clear', 'nosuch'), ctl('clear', 'all'),
    ctl('tail', '--for', '1.5', '-f', 'grp:gb'), ctl('maintail', '-200'), ctl('version')), ctl('reread'), ctl('update'),
  ...long(ctl('stop', 'manual'), ctl('remove', 'manual'), ctl('remove', 'manual'), ctl('reread'), ctl('add', 'manual'), ctl('add', 'manual'),
    ctl('update', 'nosuch'), ctl('help'), ctl('bogus')),
];

/** A command that cannot be found, last before the restart (which resets it). */
const MISSING: Step[] = [
  rpc('startProcess', 'missing'), rpc('getProcessInfo', 'missing'),
  ...long(ctl('start', 'missing'), ctl('status', 'missing'), ctl('stop', 'all'), ctl('start', 'all'), ctl('status')),
];

/** The RUNNING waits of SETTLE again (new arrays: a step is one place in the script). */
const settled = (): Step[] => SETTLE.filter((s) => s[0] === 'wait').map((s) => [...s]);

const RESTART: Step[] = [
  rpc('startProcess', 'manual'), rpc('supervisor.restart'), ['waitback'],
  ...settled(),
  rpc('getProcessInfo', 'manual'), rpc('getAllProcessInfo'), ['waitlog', 'hello', 6], rpc('readProcessStdoutLog', 'hello', 0, 0),
  ...long(ctl('start', 'manual'), ctl('reload'), ['waitback'], ...settled(), ctl('status')),
  rpc('supervisor.shutdown'), ['waitgone'], rpc('getState'), ...long(ctl('status')),
];

/** The whole script, in order (each part leaves the programs as the next expects them). */
export const SCRIPT: Step[] = [...SETTLE, ...META, ...NAMES, ...CONTROL, ...LOGS, ...CONFIG_OPS, ...OTHER, ...HTTP, ...CTL, ...MISSING, ...RESTART];

/** Is this step of SCRIPT in the long variant only? */
export const longOnly = (step: Step): boolean => LONG_ONLY.has(step);
