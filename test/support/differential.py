"""Drives one supervisord-compatible server through a script of steps and prints one JSON
answer per step: Python's own xmlrpc.client for XML-RPC calls (as supervisorctl and most
tools talk), the real supervisorctl for commands, and plain HTTP GETs for the other routes.
test/control-differential.test.ts runs the same script against real supervisord and
against pidone and compares the answers.

usage: differential.py SCRIPT.json  (SCRIPT: {url, conf, username?, password?, steps: [...]})
Steps: ["rpc", method, *params] | ["ctl", *argv] | ["http", path, seconds?, "status"?] |
       ["wait", process, statename, seconds?] | ["waitlog", process, bytes, seconds?] |
       ["waiterr", process, bytes, seconds?] (its stderr log) |
       ["waitback", seconds?] (after a restart) | ["waitgone", seconds?] (after a shutdown)
Only the stdlib: it must run under the system python3 beside supervisor's own.
"""
import base64
import http.client
import json
import socket
import subprocess
import sys
import time
import xmlrpc.client


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__('localhost', timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


def connection(url, timeout):
    if url.startswith('unix://'):
        return UnixConnection(url[len('unix://'):], timeout)
    hostport = url.split('://', 1)[1].rstrip('/')
    return http.client.HTTPConnection(hostport, timeout=timeout)


class Transport(xmlrpc.client.Transport):
    """A fresh connection per call (unix or TCP), with Basic credentials when given."""

    def __init__(self, url, auth, timeout):
        super().__init__()
        self.url = url
        self.auth = auth
        self.timeout = timeout

    def make_connection(self, host):
        return connection(self.url, self.timeout)

    def send_headers(self, conn, headers):
        if self.auth:
            conn.putheader('Authorization', self.auth)
        super().send_headers(conn, headers)


def plain(v):
    """An XML-RPC value as JSON (dates and binaries do not occur in supervisord's answers)."""
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, xmlrpc.client.Binary):
        return {'binary': base64.b64encode(v.data).decode()}
    return v


def rpc(proxy, method, params):
    try:
        fn = proxy
        for part in method.split('.'):
            fn = getattr(fn, part)
        return {'value': plain(fn(*params))}
    except xmlrpc.client.Fault as f:
        return {'fault': f.faultCode, 'text': f.faultString}
    except xmlrpc.client.ProtocolError as e:
        return {'http': e.errcode}
    except Exception as e:  # a broken answer, a refused connection...
        return {'error': type(e).__name__}


def get(url, auth, path, seconds):
    """GET path; streaming answers are read for `seconds`, then cut."""
    try:
        c = connection(url, seconds)
        headers = {'Authorization': auth} if auth else {}
        c.request('GET', path, headers=headers)
        r = c.getresponse()
        body = b''
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                chunk = r.read1(65536)
                if not chunk:
                    break
                body += chunk
        except (socket.timeout, TimeoutError):
            pass
        c.close()
        return {'status': r.status, 'body': body.decode('utf-8', 'replace')}
    except Exception as e:
        return {'error': type(e).__name__}


def ctl(script, argv):
    cmd = ['supervisorctl', '-c', script['conf']]
    if script.get('username'):
        cmd += ['-u', script['username'], '-p', script['password']]
    seconds = 20
    if argv and argv[0] == '--for':
        seconds, argv = float(argv[1]), argv[2:]
    try:
        p = subprocess.run(cmd + list(argv), stdin=subprocess.DEVNULL, capture_output=True, timeout=seconds)
        return {'out': (p.stdout + p.stderr).decode('utf-8', 'replace'), 'code': p.returncode}
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'') + (e.stderr or b'')
        return {'out': out.decode('utf-8', 'replace'), 'code': 'cut'}


def wait(proxy, name, state, seconds):
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        last = rpc(proxy, 'supervisor.getProcessInfo', [name])
        if last.get('value', {}).get('statename') == state:
            return {'waited': state}
        time.sleep(0.05)
    return {'timeout': f'{name} not {state}', 'last': last}


def waitlog(proxy, name, size, seconds):
    """Until a process's stdout log holds `size` bytes (its output is complete)."""
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        last = rpc(proxy, 'supervisor.tailProcessStdoutLog', [name, 0, 0])
        if 'value' in last and last['value'][1] == size:
            return {'waited': size}
        time.sleep(0.05)
    return {'timeout': f'{name} log not {size} bytes', 'last': last}


def waiterr(proxy, name, size, seconds):
    """Until a process's stderr log holds `size` bytes."""
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        last = rpc(proxy, 'supervisor.tailProcessStderrLog', [name, 0, 0])
        if 'value' in last and last['value'][1] == size:
            return {'waited': size}
        time.sleep(0.05)
    return {'timeout': f'{name} stderr log not {size} bytes', 'last': last}


def waitgone(proxy, seconds):
    """Until the server stops answering (after shutdown)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r = rpc(proxy, 'supervisor.getPID', [])
        if 'error' in r:
            return {'gone': True}
        time.sleep(0.05)
    return {'timeout': 'still answering'}


def waitback(proxy, seconds):
    """Until supervisor.* answers again (after supervisor.restart)."""
    end = time.monotonic() + seconds
    time.sleep(0.2)
    while time.monotonic() < end:
        r = rpc(proxy, 'supervisor.getState', [])
        if r.get('value', {}).get('statename') == 'RUNNING':
            return {'back': True}
        time.sleep(0.05)
    return {'timeout': 'not back'}


def main():
    with open(sys.argv[1]) as f:
        script = json.load(f)
    auth = None
    if script.get('username'):
        auth = 'Basic ' + base64.b64encode(f"{script['username']}:{script['password']}".encode()).decode()
    url = script['url']
    proxy = xmlrpc.client.ServerProxy('http://localhost/RPC2' if url.startswith('unix://') else url.rstrip('/') + '/RPC2',
                                      transport=Transport(url, auth, 30))
    out = []
    for step in script['steps']:
        kind, args = step[0], step[1:]
        t0 = time.monotonic()
        if kind == 'rpc':
            r = rpc(proxy, args[0], args[1:])
        elif kind == 'ctl':
            r = ctl(script, args)
        elif kind == 'http':
            r = get(url, auth, args[0], args[1] if len(args) > 1 else 1.0)
            if len(args) > 2 and args[2] == 'status' and 'status' in r:
                del r['body']  # a page of each server's own making: only its status compares
        elif kind == 'wait':
            r = wait(proxy, args[0], args[1], args[2] if len(args) > 2 else 15)
        elif kind == 'waitlog':
            r = waitlog(proxy, args[0], args[1], args[2] if len(args) > 2 else 15)
        elif kind == 'waiterr':
            r = waiterr(proxy, args[0], args[1], args[2] if len(args) > 2 else 15)
        elif kind == 'waitgone':
            r = waitgone(proxy, args[0] if args else 15)
        elif kind == 'waitback':
            r = waitback(proxy, args[0] if args else 30)
        else:
            r = {'error': f'unknown step kind {kind}'}
        r['ms'] = round((time.monotonic() - t0) * 1000)
        out.append(r)
    json.dump(out, sys.stdout)


main()
