# A child for single-mode tests: reports, as JSON lines on stdout, what it observed when it
# started (signal mask and dispositions, process group, session, terminal foreground, open fds,
# argv, environment), then every signal it receives. Python can catch real-time signals, which
# node cannot. Usage: recorder.py [--tag NAME] [--no-catch] [args...]
import json, os, signal, sys

tag = 'child'
catch = True
args = sys.argv[1:]
if args[:1] == ['--tag']:
    tag, args = args[1], args[2:]
if args[:1] == ['--no-catch']:
    catch, args = False, args[1:]

def out(obj):
    obj['tag'] = tag
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()

status = dict(line.split(':\t', 1) for line in open('/proc/self/status').read().splitlines() if ':\t' in line)
fds = []
for fd in range(0, 256):
    try:
        os.fstat(fd)
        fds.append(fd)
    except OSError:
        pass
try:
    tpgid = os.tcgetpgrp(0)
except OSError:
    tpgid = -1
info = {
    'event': 'ready', 'pid': os.getpid(), 'ppid': os.getppid(), 'pgid': os.getpgrp(), 'sid': os.getsid(0),
    'tpgid': tpgid, 'sigblk': status['SigBlk'].strip(), 'sigign': status['SigIgn'].strip(),
    'fds': fds, 'argv': sys.argv, 'env': dict(os.environ),
}

# Signals are taken synchronously (blocked, then sigwaitinfo), not in a handler: a handler that
# writes can be re-entered by the next signal mid-write, and a burst of signals was lost that way.
if catch:
    wanted = set(range(1, signal.SIGRTMAX + 1)) - {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD}
    signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    out(info)
    while True:
        out({'event': 'signal', 'signo': signal.sigwaitinfo(wanted).si_signo})
out(info)
while True:
    signal.pause()
