// One test per warning of the INI parser (what supervisord accepts silently): exact text and place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose, parseCase } from './support/ini-diags.ts';

const S = '[supervisord]\n';
const P = (body: string) => `${S}[program:web]\ncommand=/bin/web\n${body}\n`;

describe('INI warnings', () => {
  it("a header without its closing ]", () => assert.deepEqual(diagnose(`${S}[program:web\n`), ["supervisord.conf:2: warning: '[program:web' is read as a key of [supervisord]: a section header needs its closing ']'"]));
  it("an include pattern matching a directory", () => assert.deepEqual(diagnose(`${S}[include]\nfiles=conf.d/*.conf\n`, { 'conf.d/a.conf/': '' }), ["conf.d/a.conf: warning: included file cannot be read (EISDIR); supervisord skips it silently"]));
  it("an include pattern matching nothing", () => assert.deepEqual(diagnose(`${S}[include]\nfiles=conf.d/*.conf\n`), ["supervisord.conf:3: warning: [include] files: nothing matches 'conf.d/*.conf'"]));
  it("an event listener runs: no warning", () => assert.deepEqual(diagnose(`${S}[eventlistener:l]\ncommand=/bin/l\nevents=TICK_5\n`), []));
  it("a FastCGI program", () => assert.deepEqual(diagnose(`${S}[fcgi-program:f]\ncommand=/bin/f\nsocket=tcp://127.0.0.1:9000\n`), ["supervisord.conf:2: warning: [fcgi-program:f] pidone does not run FastCGI programs; it is checked but will not be started"]));
  it("a program listed twice in a group", () => assert.deepEqual(diagnose(`${S}[program:a]\ncommand=/bin/a\n[group:g]\nprograms=a,a\n`), ["supervisord.conf:2: warning: [group:g] process 'a' is listed twice; supervisord runs it once"]));
  it("a TCP server without credentials", () => assert.deepEqual(diagnose(`${S}[inet_http_server]\nport=9001\n`), ["supervisord.conf:2: warning: [inet_http_server] has no username/password; pidone requires authentication for TCP control, so set both"]));
  it("an unnamed %s", () => assert.deepEqual(diagnose(P('directory=/srv/%s')), ["supervisord.conf:4: warning: [program:web] directory: '%s' without a name is replaced by supervisord's whole table of expansions; write %%s for a literal %s"]));
  it("an unquoted # in environment=", () => assert.deepEqual(diagnose(`${S}environment=A=x#y,B=2\n`), ["supervisord.conf:2: warning: [supervisord] environment: an unquoted '#' starts a comment in supervisord's environment parser, so '#y,B=2' is dropped; quote the value"]));
  it("an unquoted separator in environment=", () => assert.deepEqual(diagnose(P('environment=A=1;B=2')), ["supervisord.conf:4: warning: [program:web] environment: ';' was taken as the separator between two pairs (only letters, digits and _/.+-(): may appear unquoted); quote the value"]));
  it("a custom RPC interface", () => assert.deepEqual(diagnose(`${S}[rpcinterface:x]\nsupervisor.rpcinterface_factory=mypkg:make\n`), ["supervisord.conf:3: warning: [rpcinterface:x] supervisor.rpcinterface_factory: pidone serves its own XML-RPC interface and ignores mypkg:make"]));
  it("a custom result_handler", () => assert.deepEqual(diagnose(`${S}[eventlistener:l]\ncommand=/bin/l\nevents=TICK_5\nresult_handler=mypkg:handle\n`), [
    "supervisord.conf:5: warning: [eventlistener:l] result_handler: mypkg:handle is a Python entry point, which pidone cannot call; every result the listener gives accepts its event",
  ]));
  it("stdout_logfile=syslog", () => assert.deepEqual(diagnose(P('stdout_logfile=syslog')), ["supervisord.conf:4: warning: [program:web] stdout_logfile=syslog is deprecated; write stdout_syslog=true instead"]));
  it("AUTO log without rotation", () => assert.deepEqual(diagnose(P('stdout_logfile_maxbytes=0')), ["supervisord.conf:4: warning: [program:web] stdout_logfile is AUTO (a file in childlogdir) without rotation (maxbytes=0), so it grows without bound; set stdout_logfile_maxbytes"]));
  it("stderr_logfile with redirect_stderr", () => assert.deepEqual(diagnose(P('redirect_stderr=true\nstderr_logfile=/var/log/e.log')), ["supervisord.conf:5: warning: [program:web] stderr_logfile is ignored because redirect_stderr=true sends stderr to stdout's log"]));
  it("unknown section types", () => assert.deepEqual(diagnose(`${S}[foo]\n[programm:x]\ncommand=/bin/x\n`), [
    "supervisord.conf:2: warning: section [foo] is ignored by supervisord (unknown section type)",
    "supervisord.conf:3: warning: section [programm:x] is ignored by supervisord (unknown section type); did you mean [program:x]?",
  ]));
  it("sections in the wrong case", () => assert.deepEqual(diagnose(`${S}[Program:Web]\ncommand=/bin/web\n[SUPERVISORCTL]\n`), [
    "supervisord.conf:2: warning: section [Program:Web] is ignored by supervisord (section names are case-sensitive); did you mean [program:Web]?",
    "supervisord.conf:4: warning: section [SUPERVISORCTL] is ignored by supervisord (section names are case-sensitive); did you mean [supervisorctl]?",
  ]));
  it("an [include] in an included file", () => assert.deepEqual(diagnose(`${S}[include]\nfiles=a.conf\n`, { 'a.conf': '[include]\nfiles=b.conf\n' }), ["a.conf:1: warning: [include] in an included file is ignored: supervisord reads includes only from the main file"]));
  it("unknown keys", () => assert.deepEqual(diagnose(P('autostrat=false\nnodaemon=true\nfrobnicate=1')), [
    "supervisord.conf:4: warning: [program:web] unknown key 'autostrat' is ignored by supervisord (did you mean \"autostart\"?)",
    "supervisord.conf:5: warning: [program:web] unknown key 'nodaemon' is ignored by supervisord (it belongs in a [supervisord] section)",
    "supervisord.conf:6: warning: [program:web] unknown key 'frobnicate' is ignored by supervisord",
  ]));
  it("an unknown [DEFAULT] key", () => assert.deepEqual(diagnose(`[DEFAULT]\nautostart=false\nfrobnicate=1\n${S}`), ["supervisord.conf:3: warning: [DEFAULT] unknown key 'frobnicate' is ignored by supervisord"]));
  it("text after a section header", () => assert.deepEqual(diagnose(`[supervisord] extra\n`), ["supervisord.conf:1: warning: text after [supervisord] is ignored: ' extra'"]));
  it("a key set twice", () => assert.deepEqual(diagnose(P('priority=1\npriority=2')), ["supervisord.conf:5: warning: [program:web] priority is set again (first on line 4); supervisord uses this later value"]));
});
