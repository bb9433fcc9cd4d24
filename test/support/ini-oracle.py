#!/usr/bin/python3
"""Runs the shared oracle (corpus/oracle.py: the REAL Supervisor parser with host facts
stubbed) on pidone's own fixtures, unchanged except for two settings:

  * CORPUS = the fixtures' parent directory, so [include] patterns under it are globbed
    for real (oracle.py re-roots every other absolute pattern, e.g. /etc/...);
  * %(ENV_X)s names used in <name>.d/ count too (oracle.py scans only <name>.root/).

Usage: ini-oracle.py ORACLE_PY FIXTURES_BASE FILE.conf... -> one JSON object
{basename: oracle result} on stdout.
"""
import importlib.util
import json
import os
import sys


def main(argv):
    oracle_py, base, files = argv[0], argv[1], argv[2:]
    spec = importlib.util.spec_from_file_location('supervisor_oracle', oracle_py)
    oracle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oracle)
    oracle.CORPUS = os.path.abspath(base)
    scan = oracle._env_vars_used

    def env_vars_used(path, root):
        names = set(scan(path, root))
        extra = path[:-5] + '.d' if path.endswith('.conf') else None
        if extra and os.path.isdir(extra):
            names.update(scan(path, extra))
        return sorted(names)

    oracle._env_vars_used = env_vars_used
    out = {}
    for f in files:
        try:
            out[os.path.basename(f)] = oracle.oracle(f)
        except Exception as e:  # a crash of supervisord's parser itself, not a ValueError
            out[os.path.basename(f)] = {'crash': repr(e)}
    sys.stdout.write(json.dumps(out, indent=2) + '\n')


if __name__ == '__main__':
    main(sys.argv[1:])
