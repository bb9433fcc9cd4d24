// Random supervisord configs from a small grammar: sections of every type with values drawn
// from lists of the dialect's corner cases (format specs, environment quirks, inline comments,
// signal aliases, byte sizes...). Mostly valid values, so most files get far enough for every
// computed value to be compared; a few invalid ones, so error texts are compared too.

export { prng } from './prng.ts';

// Each list: valid values first, then after '!' the ones supervisord rejects.
const PROGRAM: Record<string, string> = {
  command: `/bin/x %(program_name)s|/bin/x %(process_num)03d|/bin/x %(numprocs)x|/bin/x %(process_num)-4d.|/bin/x %(ENV_FOO)s|/bin/x 'a ;b'|/bin/x a;b #c|/bin/x %%|/bin/x %(here)s|/bin/x %(group_name)r|/bin/x %(process_num)5.2f|/bin/x %(process_num)e|/bin/x %(process_num)g|/bin/x %(process_num)#o|/bin/x %(program_name)5s.|/bin/x %(host_node_name).3s|/bin/x %(process_num)+05d|/bin/x %(process_num)a|/bin/x %(ENV_P1)s|/bin/x\n  more\n\n  lines|/bin/x %(process_num)u %(numprocs)i|date +%s!%(process_num)*d|/bin/x %(nope)s|/bin/x 100%`,
  process_name: '%(program_name)s|%(program_name)s_%(process_num)02d|p%(process_num)d|%(ENV_FOO)s_%(process_num)d!a b|x/y',
  numprocs: '1|2|3|0|-1|1_0| 2|+2!2.0',
  numprocs_start: '0|5|-2|98',
  priority: '1|-5|999|%(ENV_P1)s|10!0x10',
  autostart: 'true|FALSE|yes|No|on|off|1|0!maybe',
  autorestart: 'true|false|unexpected|UNEXPECTED!always',
  startsecs: '0|1|10!1.5',
  exitcodes: '0|0,2||1, 2 ,3!256|-1|0,,1',
  stopsignal: 'TERM|sigkill|SIGUSR2|9|0|2|IO|CLD|IOT|_DFL|RTMIN| int !33|foo',
  stopasgroup: 'true|false',
  killasgroup: 'true|false',
  user: 'root|1000|%(ENV_FOO)s||www-data',
  redirect_stderr: 'true|false',
  stdout_logfile: 'AUTO|auto|NONE|Off|syslog|/dev/stdout|/var/log/%(program_name)s.log|%(here)s/x.log|~/x.log|/x/100%%.log|relative.log',
  stderr_logfile: 'AUTO|NONE|/dev/stderr|syslog|/var/log/e-%(process_num)s.log',
  stdout_logfile_maxbytes: '0|1KB|50MB|1gb|10|1Mb!kb|5 MB',
  stderr_logfile_backups: '0|10!x',
  stdout_syslog: 'true|false',
  stdout_capture_maxbytes: '0|1KB',
  stderr_events_enabled: 'true|false',
  environment: `A=1|A="x y",B=2|A=x#y,B=2|A=%(ENV_FOO)s,B=%(process_num)d|A=café|PATH="/usr/bin:/bin",HOME=/root|K=%(here)s|A=1\n  ,B=2|A="%%"|"Q"=1!A="open|A|A=a@b|A==1|A=1 B=2`,
  directory: '/srv|%(here)s|%(ENV_FOO)s|~/app|/a/%(process_num)d',
  umask: '022|0o77|777!8|x',
  serverurl: 'AUTO|auto|http://h:1|',
};
const SUPERVISORD: Record<string, string> = {
  nodaemon: 'true|false!x',
  loglevel: 'info|DEBUG|warn|blather!verbose',
  umask: '022|077|0o22!9',
  logfile: '/dev/null|syslog|%(here)s/s.log|~/s.log',
  logfile_maxbytes: '0|50MB|1KB',
  minfds: '1024|2_048',
  environment: 'FOO="f",P1=7|FOO=%(ENV_BAR)s|X=1,Y="%%%%"|A=x#z|BAR=b!H=%(host_node_name)s|X="%%"',
  childlogdir: '/var/log|%(here)s',
  identifier: 'sup|%(here)s',
};
const TAILS = [' ;c', ' #c', ';x'];
const EXTRA = [
  '[unix_http_server]\nfile=%(here)s/s.sock\nchmod=0770\nchown=a:b\n',
  '[inet_http_server]\nport=:9001\nusername=u\npassword=p\n',
  '[inet_http_server]\nport=x\n',
  '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\nextra=%(here)s\n',
];
const INCLUDES = ['inc/*.conf', 'inc/[ab].conf', 'inc/?.conf', '%(here)s/inc/*', 'nothing/*', 'inc/*.conf inc/a.conf'];

/** Files the generated configs may include, relative to their directory. */
export const INCLUDED_FILES: Readonly<Record<string, string>> = {
  'inc/a.conf': '[program:inc-a]\ncommand=/bin/echo %(here)s\n',
  'inc/b.conf': '[program:a]\npriority=42\n[supervisord]\nloglevel=error\n',
};

/** One random config file's text. */
export function randomConfig(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const value = (spec: string): string => {
    const [good = '', bad = ''] = spec.split('!');
    return pick((rand() < 0.04 && bad ? bad : good).split('|'));
  };
  const section = (name: string, table: Record<string, string>, n: number) => {
    let s = `[${name}]\n`;
    for (let i = 0; i < n; i++) {
      const k = pick(Object.keys(table));
      const key = rand() < 0.1 ? k.toUpperCase() : k;
      s += `${key}${pick(['=', ' = ', ':', ' : ', '= '])}${value(table[k] ?? '')}${rand() < 0.1 ? pick(TAILS) : ''}\n`;
    }
    return s;
  };
  let s = '';
  if (rand() < 0.15) s += `[DEFAULT]\n${pick(Object.keys(PROGRAM))}=${pick(['false', '1', '%(program_name)s', '%(here)s'])}\n`;
  if (rand() < 0.97) s += section('supervisord', SUPERVISORD, Math.floor(rand() * 4));
  const programs = ['a', 'b', 'c', 'd'];
  for (const p of programs) {
    if (rand() >= 0.7) continue;
    s += section(pick([`program:${p}`, `program:${p}`, `fcgi-program:${p}`, `eventlistener:${p}`]), PROGRAM, 1 + Math.floor(rand() * 6));
    if (rand() < 0.97) s += `command=/bin/${p} %(process_num)d\n`;
    s += 'socket=unix:///run/%(program_name)s.sock\nevents=TICK_5\n';
  }
  if (rand() < 0.3) {
    const members = programs.filter((p) => s.includes(`[program:${p}]`) && rand() < 0.6);
    s += `[group:g]\nprograms=${members.join(',')}\n${rand() < 0.5 ? 'priority=3\n' : ''}`;
  }
  if (rand() < 0.2) s += pick(EXTRA);
  if (rand() < 0.2) s += `[include]\nfiles=${pick(INCLUDES)}\n`;
  return s;
}
