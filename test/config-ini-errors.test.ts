// One test per error message of the INI parser: the exact text, file:line included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../src/config/diagnostic.ts';
import { parseIni } from '../src/config/ini.ts';
import { diagnose, parseCase } from './support/ini-diags.ts';

const S = '[supervisord]\n';
const P = (body: string) => `${S}[program:web]\ncommand=/bin/web\n${body}\n`;

describe('INI errors', () => {
  it('a config file that does not exist', () => {
    const r = parseIni('missing.conf', { env: {}, hostname: 'box', cwd: '/nonexistent-dir' });
    assert.deepEqual(r.diagnostics.map(formatDiagnostic), ['missing.conf: could not find the config file (ENOENT)']);
    assert.equal(r.upstream.error, 'could not find config file missing.conf');
  });
  it("a byte-order mark before the first header", () => assert.deepEqual(parseCase({ conf: '\ufeff[supervisord]\n' }).lines, ["supervisord.conf:1: the file starts with a byte-order mark (BOM), which supervisord reads as text; save it as UTF-8 without BOM"]));
  it("a key before any section header", () => assert.deepEqual(diagnose('command=/bin/web\n[supervisord]\n'), ["supervisord.conf:1: 'command=/bin/web' comes before any [section] header; start the file with a header such as [supervisord] or [program:name]"]));
  it("a line that is neither header nor key", () => assert.deepEqual(diagnose(`${S}just words\n`), ["supervisord.conf:2: 'just words' is neither a [section] header nor a key = value line (continuation lines must be indented)"]));
  it("a key line without a key", () => assert.deepEqual(diagnose(`${S}= value\n`), ["supervisord.conf:2: a key name is missing before '=': '= value'"]));
  it("no [supervisord] section in an empty file", () => assert.deepEqual(diagnose(''), ["supervisord.conf: .ini file does not include supervisord section; add a [supervisord] section (it may be empty), or load the file as a conf.d fragment"]));
  it("a file that is not UTF-8", () => assert.deepEqual(parseCase({ conf: new Uint8Array([0x5b, 0xff, 0x5d, 0x0a]) }).lines, ["supervisord.conf: the file is not valid UTF-8; supervisord reads config files as UTF-8 text"]));
  it("[include] without files=", () => assert.deepEqual(diagnose(`${S}[include]\n`), ["supervisord.conf:2: [include] .ini file has [include] section, but no files setting; add files = conf.d/*.conf"]));
  it("no [supervisord] section", () => assert.deepEqual(diagnose('[program:web]\ncommand=/bin/web\n'), ["supervisord.conf: .ini file does not include supervisord section; add a [supervisord] section (it may be empty), or load the file as a conf.d fragment"]));
  it("one process name in two groups", () => assert.deepEqual(diagnose(`${S}[program:a]\ncommand=/bin/a\nprocess_name=x\n[program:b]\ncommand=/bin/b\nprocess_name=x\n`), ["supervisord.conf:5: [program:b] process name 'x' is used in group 'a' and in group 'b'; pidone needs unique process names (set process_name=)"]));
  it("a missing ENV_ name", () => assert.deepEqual(diagnose(P('user=%(ENV_APP_USER)s'), undefined, { env: { HOME: '/root' } }), ["supervisord.conf:4: [program:web] user: Format string '%(ENV_APP_USER)s' for 'program:web.user' contains names ('ENV_APP_USER') which cannot be expanded (APP_USER is not set in the environment nor in [supervisord] environment=). Available names: group_name, here, host_node_name, program_name and 1 ENV_ name"]));
  it("a lone % at the end", () => assert.deepEqual(diagnose(P('directory=/srv/100%')), ["supervisord.conf:4: [program:web] directory: Format string '/srv/100%' for 'program:web.directory' is badly formatted: incomplete format; write %% for a literal %"]));
  it("[supervisord] minfds not a number", () => assert.deepEqual(diagnose(`${S}minfds=lots\n`), ["supervisord.conf:2: [supervisord] minfds: invalid literal for int() with base 10: 'lots'; expected a whole number"]));
  it("[supervisord] umask not octal", () => assert.deepEqual(diagnose(`${S}umask=089\n`), ["supervisord.conf:2: [supervisord] umask: 089 can not be converted to an octal type; expected an octal number like 022 or 0700"]));
  it("[supervisord] unknown loglevel", () => assert.deepEqual(diagnose(`${S}loglevel=verbose\n`), ["supervisord.conf:2: [supervisord] loglevel: bad logging level name 'verbose'; expected critical, error, warn, info, debug, trace or blather"]));
  it("[supervisord] bad byte size", () => assert.deepEqual(diagnose(`${S}logfile_maxbytes=50XB\n`), ["supervisord.conf:2: [supervisord] logfile_maxbytes: invalid literal for int() with base 10: '50xb'; expected a size like 50MB, 512KB, 1GB or a number of bytes"]));
  it("[supervisord] bad boolean", () => assert.deepEqual(diagnose(`${S}nodaemon=si\n`), ["supervisord.conf:2: [supervisord] nodaemon: not a valid boolean value: 'si'; expected true or false (yes/no, on/off and 1/0 work too)"]));
  it("an unparsable environment=", () => assert.deepEqual(diagnose(P('environment=A=a@b')), ["supervisord.conf:4: [program:web] environment: Unexpected end of key/value pairs in value 'A=a@b'"]));
  it("an unclosed quote in environment=", () => assert.deepEqual(diagnose(P('environment=A="open')), ["supervisord.conf:4: [program:web] environment: No closing quotation"]));
  it("[rpcinterface:x] without its factory", () => assert.deepEqual(diagnose(`${S}[rpcinterface:x]\nfoo=bar\n`), ["supervisord.conf:2: [rpcinterface:x] section [rpcinterface:x] does not specify a supervisor.rpcinterface_factory; add supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface"]));
  it("a password without username", () => assert.deepEqual(diagnose(`${S}[unix_http_server]\nfile=/run/s.sock\npassword=x\n`), ["supervisord.conf:4: [unix_http_server] password: Section [unix_http_server] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified; add the missing username"]));
  it("[inet_http_server] without port=", () => assert.deepEqual(diagnose(`${S}[inet_http_server]\nusername=a\npassword=b\n`), ["supervisord.conf:2: [inet_http_server] section [inet_http_server] has no port value; add port = 127.0.0.1:9001"]));
  it("a port= without the port", () => assert.deepEqual(diagnose(`${S}[inet_http_server]\nport=localhost:\nusername=a\npassword=b\n`), ["supervisord.conf:3: [inet_http_server] port: no port number specified in ''; expected a port like 9001, 127.0.0.1:9001 or *:9001"]));
  it("a port= that is a word", () => assert.deepEqual(diagnose(`${S}[inet_http_server]\nport=http\nusername=a\npassword=b\n`), ["supervisord.conf:3: [inet_http_server] port: not a valid port number: 'http' ; expected a port like 9001, 127.0.0.1:9001 or *:9001"]));
  it("a port= out of range", () => assert.deepEqual(diagnose(`${S}[inet_http_server]\nport=127.0.0.1:70000\nusername=a\npassword=b\n`), ["supervisord.conf:3: [inet_http_server] port: 70000 is above upper bound (65535); expected a port like 9001, 127.0.0.1:9001 or *:9001"]));
  it("[unix_http_server] without file=", () => assert.deepEqual(diagnose(`${S}[unix_http_server]\nchmod=0700\n`), ["supervisord.conf:2: [unix_http_server] section [unix_http_server] has no file value; add file = /run/supervisord.sock"]));
  it("a chmod= that is not octal", () => assert.deepEqual(diagnose(`${S}[unix_http_server]\nfile=/run/s.sock\nchmod=rw\n`), ["supervisord.conf:4: [unix_http_server] chmod: Invalid chmod value rw; expected an octal mode like 0700"]));
  it("a group naming an unknown program", () => assert.deepEqual(diagnose(`${S}[group:g]\nprograms=nope\n`), ["supervisord.conf:3: [group:g] programs: [group:g] names unknown program or fcgi-program 'nope'; define [program:nope] or remove it from programs="]));
  it("a group member both program and fcgi-program", () => assert.deepEqual(diagnose(`${S}[program:a]\ncommand=/bin/a\n[fcgi-program:a]\ncommand=/bin/a\nsocket=tcp://h:1\n[group:g]\nprograms=a\n`), [
    "supervisord.conf:4: warning: [fcgi-program:a] pidone does not run FastCGI programs; it is checked but will not be started",
    "supervisord.conf:8: [group:g] programs: [group:g] name a is ambiguous (exists as program and fcgi-program)",
  ]));
  it("buffer_size below 1", () => assert.deepEqual(diagnose(`${S}[eventlistener:l]\ncommand=/bin/l\nevents=TICK_5\nbuffer_size=0\n`), [
    "supervisord.conf:5: [eventlistener:l] buffer_size: [eventlistener:l] section sets invalid buffer_size (0); expected 1 or more",
  ]));
  it("an event listener without events=", () => assert.deepEqual(diagnose(`${S}[eventlistener:l]\ncommand=/bin/l\n`), [
    "supervisord.conf:2: [eventlistener:l] events: [eventlistener:l] section requires an \"events\" line; add events=PROCESS_STATE (or another event type)",
  ]));
  it("an unknown event type", () => assert.deepEqual(diagnose(`${S}[eventlistener:l]\ncommand=/bin/l\nevents=TICK_7\n`), [
    "supervisord.conf:4: [eventlistener:l] events: Unknown event type TICK_7 in [eventlistener:l] events; known types: EVENT, PROCESS_STATE, PROCESS_STATE_STOPPED, PROCESS_STATE_EXITED, PROCESS_STATE_STARTING, PROCESS_STATE_STOPPING, PROCESS_STATE_BACKOFF, PROCESS_STATE_FATAL, PROCESS_STATE_RUNNING, PROCESS_STATE_UNKNOWN, PROCESS_COMMUNICATION, PROCESS_COMMUNICATION_STDOUT, PROCESS_COMMUNICATION_STDERR, PROCESS_LOG, PROCESS_LOG_STDOUT, PROCESS_LOG_STDERR, REMOTE_COMMUNICATION, SUPERVISOR_STATE_CHANGE, SUPERVISOR_STATE_CHANGE_RUNNING, SUPERVISOR_STATE_CHANGE_STOPPING, TICK, TICK_5, TICK_60, TICK_3600, PROCESS_GROUP, PROCESS_GROUP_ADDED, PROCESS_GROUP_REMOVED",
  ]));
  it("redirect_stderr in an event listener", () => assert.deepEqual(diagnose(`${S}[eventlistener:l]\ncommand=/bin/l\nevents=TICK_5\nredirect_stderr=true\n`), [
    "supervisord.conf:5: [eventlistener:l] redirect_stderr: [eventlistener:l] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol; remove redirect_stderr",
  ]));
  it("socket_backlog out of range", () => assert.deepEqual(diagnose(`${S}[fcgi-program:f]\ncommand=/bin/f\nsocket=tcp://h:1\nsocket_backlog=0\n`), [
    "supervisord.conf:2: warning: [fcgi-program:f] pidone does not run FastCGI programs; it is checked but will not be started",
    "supervisord.conf:5: [fcgi-program:f] socket_backlog: Invalid socket_backlog value 0",
  ]));
  it("socket_mode not octal", () => assert.deepEqual(diagnose(`${S}[fcgi-program:f]\ncommand=/bin/f\nsocket=unix:///run/f.sock\nsocket_mode=rw\n`), [
    "supervisord.conf:2: warning: [fcgi-program:f] pidone does not run FastCGI programs; it is checked but will not be started",
    "supervisord.conf:5: [fcgi-program:f] socket_mode: Invalid socket_mode value rw",
  ]));
  it("a FastCGI program without socket=", () => assert.deepEqual(diagnose(`${S}[fcgi-program:f]\ncommand=/bin/f\n`), [
    "supervisord.conf:2: [fcgi-program:f] socket: [fcgi-program:f] section requires a \"socket\" line; add socket=unix:///run/NAME.sock or socket=tcp://127.0.0.1:9000",
    "supervisord.conf:2: warning: [fcgi-program:f] pidone does not run FastCGI programs; it is checked but will not be started",
  ]));
  it("a relative unix socket path", () => assert.deepEqual(diagnose(`${S}[fcgi-program:f]\ncommand=/bin/f\nsocket=unix://run/f.sock\n`), [
    "supervisord.conf:2: warning: [fcgi-program:f] pidone does not run FastCGI programs; it is checked but will not be started",
    "supervisord.conf:4: [fcgi-program:f] socket: ('Unix socket path %s is not an absolute path', 'run/f.sock') in [fcgi-program:f] socket",
  ]));
  it("socket_owner with a TCP socket", () => assert.deepEqual(diagnose(`${S}[fcgi-program:f]\ncommand=/bin/f\nsocket=tcp://h:1\nsocket_owner=www\n`), [
    "supervisord.conf:2: warning: [fcgi-program:f] pidone does not run FastCGI programs; it is checked but will not be started",
    "supervisord.conf:4: [fcgi-program:f] socket: socket_owner and socket_mode params should only be used with a Unix domain socket in [fcgi-program:f] socket",
  ]));
  it("an unknown socket scheme", () => assert.deepEqual(diagnose(`${S}[fcgi-program:f]\ncommand=/bin/f\nsocket=udp://h:1\n`), [
    "supervisord.conf:2: warning: [fcgi-program:f] pidone does not run FastCGI programs; it is checked but will not be started",
    "supervisord.conf:4: [fcgi-program:f] socket: ('Bad socket format %s', 'udp://h:1') in [fcgi-program:f] socket",
  ]));
  it("a socket port out of range", () => assert.deepEqual(diagnose(`${S}[fcgi-program:f]\ncommand=/bin/f\nsocket=tcp://h:0\n`), [
    "supervisord.conf:2: warning: [fcgi-program:f] pidone does not run FastCGI programs; it is checked but will not be started",
    "supervisord.conf:4: [fcgi-program:f] socket: 0 is below lower bound (1) in [fcgi-program:f] socket",
  ]));
  it("numprocs > 1 without process_num", () => assert.deepEqual(diagnose(P('numprocs=2')), ["supervisord.conf:2: [program:web] process_name: %(process_num) must be present within process_name when numprocs > 1; write process_name=%(program_name)s_%(process_num)02d"]));
  it("stopasgroup without killasgroup", () => assert.deepEqual(diagnose(P('stopasgroup=true\nkillasgroup=false')), ["supervisord.conf:5: [program:web] killasgroup: Cannot set stopasgroup=true and killasgroup=false; remove killasgroup=false (stopasgroup implies it)"]));
  it("an absurd numprocs", () => assert.deepEqual(diagnose(P('numprocs=20000\nprocess_name=%(process_num)s')), ["supervisord.conf:4: [program:web] numprocs: numprocs=20000 is more than pidone runs (at most 10000)"]));
  it("a program without command=", () => assert.deepEqual(diagnose(`${S}[program:web]\nautostart=true\n`), ["supervisord.conf:2: [program:web] program section program:web does not specify a command; add command=/path/to/program and its arguments"]));
  it("a bad boolean", () => assert.deepEqual(diagnose(P('autostart=maybe')), ["supervisord.conf:4: [program:web] autostart: not a valid boolean value: 'maybe'; expected true or false (yes/no, on/off and 1/0 work too)"]));
  it("a bad integer", () => assert.deepEqual(diagnose(P('startsecs=1.5')), ["supervisord.conf:4: [program:web] startsecs: invalid literal for int() with base 10: '1.5'; expected a whole number"]));
  it("a bad byte size", () => assert.deepEqual(diagnose(P('stdout_logfile_maxbytes=big')), ["supervisord.conf:4: [program:web] stdout_logfile_maxbytes: invalid literal for int() with base 10: 'big'; expected a size like 50MB, 512KB, 1GB or a number of bytes"]));
  it("an unknown signal name", () => assert.deepEqual(diagnose(P('stopsignal=SIGFOO')), ["supervisord.conf:4: [program:web] stopsignal: value 'SIGFOO' is not a valid signal name; expected a signal name like TERM, INT, HUP, QUIT, KILL, USR1, USR2 or its number"]));
  it("an unknown signal number", () => assert.deepEqual(diagnose(P('stopsignal=99')), ["supervisord.conf:4: [program:web] stopsignal: value '99' is not a valid signal number; expected a signal name like TERM, INT, HUP, QUIT, KILL, USR1, USR2 or its number"]));
  it("an exit code above 255", () => assert.deepEqual(diagnose(P('exitcodes=0,2,256')), ["supervisord.conf:4: [program:web] exitcodes: not a valid list of exit codes: '0,2,256'; expected comma-separated numbers from 0 to 255, like 0,2"]));
  it("a bad autorestart", () => assert.deepEqual(diagnose(P('autorestart=sometimes')), ["supervisord.conf:4: [program:web] autorestart: invalid 'autorestart' value 'sometimes'; expected true, false or unexpected"]));
  it("a program name with /", () => assert.deepEqual(diagnose(`${S}[program:my/web]\ncommand=/bin/web\n`), ["supervisord.conf:2: [program:my/web] Invalid name: 'my/web' because of character: '/'; names may not contain spaces, ':' or '/'"]));
  it("a umask that is not octal", () => assert.deepEqual(diagnose(P('umask=999')), ["supervisord.conf:4: [program:web] umask: 999 can not be converted to an octal type; expected an octal number like 022 or 0700"]));
  it("depends_on without a name", () => assert.deepEqual(diagnose(P('depends_on=:ready')), ["supervisord.conf:4: [program:web] depends_on: \":ready\" has no program name before ':'"]));
  it("depends_on with an unknown condition", () => assert.deepEqual(diagnose(P('depends_on=db:healthyish')), ["supervisord.conf:4: [program:web] depends_on: \"db:healthyish\": expected name or name:condition with condition started | ready | completed | completed_successfully"]));
  it("a bad ready_tcp", () => assert.deepEqual(diagnose(P('ready_tcp=db:port')), ["supervisord.conf:4: [program:web] ready_tcp: expected a port (6379) or host:port (db:5432), got \"db:port\""]));
  it("a ready_http without scheme", () => assert.deepEqual(diagnose(P('ready_http=127.0.0.1:3000/health')), ["supervisord.conf:4: [program:web] ready_http: expected a URL like http://127.0.0.1:3000/health, got \"127.0.0.1:3000/health\""]));
  it("an empty ready_exec", () => assert.deepEqual(diagnose(P('ready_exec=')), ["supervisord.conf:4: [program:web] ready_exec: expected a command"]));
  it("a bad ready_log regex", () => assert.deepEqual(diagnose(P('ready_log=(unclosed')), ["supervisord.conf:4: [program:web] ready_log: Invalid regular expression: /(unclosed/: Unterminated group"]));
  it("a bad ready_notify", () => assert.deepEqual(diagnose(P('ready_notify=perhaps')), ["supervisord.conf:4: [program:web] ready_notify: expected true or false, got \"perhaps\""]));
  it("two readiness checks", () => assert.deepEqual(diagnose(P('ready_tcp=80\nready_http=http://x/')), ["supervisord.conf:5: [program:web] ready_http: only one readiness check may be set, got ready_tcp and ready_http"]));
  it("ready timing without a check", () => assert.deepEqual(diagnose(P('ready_interval=1s')), ["supervisord.conf:4: [program:web] ready_interval: ready_interval needs a readiness check: set one of ready_tcp, ready_http, ready_exec, ready_log, ready_notify"]));
  it("backoff_initial above backoff_max", () => assert.deepEqual(diagnose(P('backoff_initial=1m\nbackoff_max=10s')), ["supervisord.conf:4: [program:web] backoff_initial: backoff_initial (60s) is longer than backoff_max (10s)"]));
  it("an unknown signal in forward_signals", () => assert.deepEqual(diagnose(P('forward_signals=HUP, SIGWHAT')), ["supervisord.conf:4: [program:web] forward_signals: expected a signal name (HUP, INT, QUIT, ILL, TRAP, ABRT, BUS, FPE, KILL, USR1, SEGV, USR2, PIPE, ALRM, TERM, STKFLT, CHLD, CONT, STOP, TSTP, TTIN, TTOU, URG, XCPU, XFSZ, VTALRM, PROF, WINCH, IO, PWR, SYS) or number 1-31, got \"SIGWHAT\""]));
  it("a negative max_restarts", () => assert.deepEqual(diagnose(P('max_restarts=-1')), ["supervisord.conf:4: [program:web] max_restarts: expected a whole number >= 0, got \"-1\""]));
  it("a bad oneshot", () => assert.deepEqual(diagnose(P('oneshot=sure')), ["supervisord.conf:4: [program:web] oneshot: expected true or false, got \"sure\""]));
  it("a bad duration", () => assert.deepEqual(diagnose(P('ready_tcp=80\nready_timeout=soon')), ["supervisord.conf:5: [program:web] ready_timeout: expected a duration like 500ms, 10s, 1m30s or a number of seconds, got \"soon\""]));
  it("ready_retries of 0", () => assert.deepEqual(diagnose(P('ready_tcp=80\nready_retries=0')), ["supervisord.conf:5: [program:web] ready_retries: expected a positive whole number, got \"0\""]));
  it("a bad critical", () => assert.deepEqual(diagnose(P('critical=2')), ["supervisord.conf:4: [program:web] critical: expected true, false or on-failure, got \"2\""]));
  it("an unknown log_format", () => assert.deepEqual(diagnose(`${S}log_format=xml\n`), ["supervisord.conf:2: [supervisord] log_format: expected prefix | json | raw, got \"xml\""]));
  it("an unknown color", () => assert.deepEqual(diagnose(`${S}color=sometimes\n`), ["supervisord.conf:2: [supervisord] color: expected auto | always | never, got \"sometimes\""]));
  it("a bad timestamps", () => assert.deepEqual(diagnose(`${S}timestamps=maybe\n`), ["supervisord.conf:2: [supervisord] timestamps: expected true or false, got \"maybe\""]));
  it("a bad shutdown_timeout", () => assert.deepEqual(diagnose(`${S}shutdown_timeout=forever\n`), ["supervisord.conf:2: [supervisord] shutdown_timeout: expected a duration like 500ms, 10s, 1m30s or a number of seconds, got \"forever\""]));
  it("a value cut by an inline comment in quotes", () => assert.deepEqual(diagnose(P("environment=A='x ;y'")), [
    "supervisord.conf:4: [program:web] environment: No closing quotation",
    "supervisord.conf:4: warning: \";y'\" is cut off as a comment (supervisord starts a comment at ';' or '#' after whitespace, even inside quotes), leaving \"environment=A='x\"; there is no escape for ' ;' or ' #', but a command can move into a script",
  ]));
});
