"""Runs `supervisorctl ... fg NAME` on a pseudo-terminal, as a person would: waits for its
banner, types a line, waits until the program's own output of that line comes back through
fg, then presses Ctrl-C. Prints {out} as JSON. Only the stdlib (pty, select).

usage: fg-pty.py LINE -- ARGV..."""
import json
import os
import pty
import select
import signal
import sys
import time

line = sys.argv[1].encode()
argv = sys.argv[sys.argv.index('--') + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

out = b''


def read_until(pred, seconds):
    global out
    end = time.monotonic() + seconds
    while not pred() and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side closed
            return
        if not chunk:
            return
        out += chunk


read_until(lambda: b'Press Ctrl-C to exit' in out, 10)
os.write(fd, line + b'\r')
# Once from the terminal's echo, once from the program through fg's /logtail stream.
read_until(lambda: out.count(line) >= 2, 10)
os.write(fd, b'\x03')
read_until(lambda: b'Exiting foreground' in out, 10)
# supervisorctl's output thread then sits in asyncore's 30 s poll before the process exits
# (under supervisord too): that wait is the client's own, so it is cut short here.
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
print(json.dumps({'out': out.decode('utf-8', 'replace')}))
