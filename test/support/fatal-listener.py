#!/usr/bin/python3
"""The listener many images copy to end the container when a program goes FATAL: written on
supervisor.childutils, it sends SIGQUIT to its parent (supervisord, or pidone as PID 1)."""
import os
import signal
import sys

from supervisor import childutils

while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    sys.stderr.write('%s %s\n' % (headers['eventname'], payload))
    sys.stderr.flush()
    os.kill(os.getppid(), signal.SIGQUIT)
    childutils.listener.ok(sys.stdout)
