// node-min: the floor for any Node supervisor (issue 17). Dependency-free and as small as
// the job allows: spawn each command under sh, print its output as whole lines behind a
// "name | " prefix ("!" for stderr), restart a program that failed, forward SIGTERM/SIGINT and
// exit once every program is gone. pidone is measured against it in the same run.
// usage: node bench/node-min.mjs [NAME=]COMMAND...   (names default to p0, p1, ...)
import { spawn } from 'node:child_process';

const progs = process.argv.slice(2).map((arg, i) => {
  const m = /^(\w+)=(.*)$/s.exec(arg);
  return m ? { name: m[1], cmd: m[2] } : { name: `p${i}`, cmd: arg };
});
const width = Math.max(6, ...progs.map((p) => p.name.length));
const children = new Set();
let stopping = false;

function pipeLines(stream, prefix) {
  let carry = '';
  stream.setEncoding('utf8');
  stream.on('data', (text) => {
    const lines = (carry + text).split('\n');
    carry = lines.pop();
    if (lines.length > 0) process.stdout.write(`${prefix}${lines.join(`\n${prefix}`)}\n`);
  });
  stream.on('end', () => carry && process.stdout.write(`${prefix}${carry}\n`));
}

function start(p) {
  // Its own process group, so a signal reaches what sh started too (dash does not exec).
  const child = spawn('sh', ['-c', p.cmd], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  pipeLines(child.stdout, `${p.name.padEnd(width)} | `);
  pipeLines(child.stderr, `${p.name.padEnd(width)} ! `);
  child.on('close', (code) => {
    children.delete(child);
    if (code !== 0 && !stopping) start(p);
    // With no child left the event loop empties and Node exits once stdout is written.
  });
}

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    stopping = true;
    for (const c of children) try { process.kill(-c.pid, sig); } catch { /* already gone */ }
  });
}
for (const p of progs) start(p);
