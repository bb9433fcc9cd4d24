#!/usr/bin/python3
"""An event listener written on supervisor's own childutils (Debian's supervisor package), as
real images write them: every event it gets goes to its stderr as `EVENTNAME serial
poolserial` and the payload. A payload that ends in `reject-once` is answered FAIL the first
time, so the log shows the same event (same serials) again when it is sent again.
The tests run it under pidone and under real supervisord and compare the logs."""
import sys

from supervisor import childutils

rejected = set()
while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    sys.stderr.write('%s %s %s\n%s\n' % (headers['eventname'], headers['serial'], headers['poolserial'], payload))
    sys.stderr.flush()
    if payload.endswith('reject-once') and headers['serial'] not in rejected:
        rejected.add(headers['serial'])
        childutils.listener.fail(sys.stdout)
    else:
        childutils.listener.ok(sys.stdout)
