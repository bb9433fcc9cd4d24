// How YAML string commands are wrapped: `exec` in front of one simple command, so pidone signals
// the program and not a shell around it; lists, pipelines and compound commands keep their shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withExec } from '../src/io/shell-command.ts';
test("a YAML string command execs its program when it is one simple command, and keeps the shell otherwise", () => {
  const cases: [string, string][] = [
    ['sleep 5', 'exec sleep 5'],
    ["nginx -g 'daemon off;'", "exec nginx -g 'daemon off;'"],
    ['FOO=1 BAR="a b" node server.js', 'FOO=1 BAR="a b" exec node server.js'],
    ['echo hi; sleep 5', 'echo hi; sleep 5'],
    ['a | b', 'a | b'],
    ['cmd 2>&1', 'exec cmd 2>&1'],
    ['cmd &', 'cmd &'],
    ['exec foo', 'exec foo'],
    ['python3 -c "print($(date))"', 'exec python3 -c "print($(date))"'],
    ['echo $(a; b)', 'exec echo $(a; b)'],
    ['if true; then x; fi', 'if true; then x; fi'],
    ['FOO=1', 'FOO=1'],
    ['  redis-server --port 6379  # comment', '  exec redis-server --port 6379  # comment'],
    ['(cd x && y)', '(cd x && y)'],
    ['>log cmd', '>log cmd'],
    ['cmd "unterminated', 'cmd "unterminated'],
    ['x=$((1+2)) run', 'x=$((1+2)) exec run'],
  ];
  for (const [a, b] of cases) assert.equal(withExec(a), b, a);
});
