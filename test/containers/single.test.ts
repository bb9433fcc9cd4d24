// Single mode in a real Docker engine: the image docker/Dockerfile builds, run as a user runs
// it (`docker run IMAGE -- PROGRAM`), exit codes, zombies, `docker kill -s` and `docker stop`.
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { PIDONE_IMAGE, type Suite, containerSuite, start, until } from '../support/docker.ts';

const log = (m: string) => console.log(`containers: ${m}`);
const suite = await containerSuite(['pidone'], log);
const skip = typeof suite === 'string' ? suite : false;
const e = () => (suite as Suite).engine;
after(async () => {
  if (typeof suite !== 'string') await suite.engine.stop();
});

test('the base image is said for what it is', { skip }, (t) => {
  t.diagnostic((suite as Suite).about);
});

test('single mode: the program\'s exit code is the container\'s (0, 3, 128+15, 127 not found, 126 not executable)', { skip, timeout: 120_000 }, async () => {
  const cases: Array<[string[], number]> = [
    [['--', 'sh', '-c', 'exit 0'], 0],
    [['--', 'sh', '-c', 'exit 3'], 3],
    [['--', 'sh', '-c', 'kill -TERM $$'], 143],
    [['--', 'no-such-program'], 127],
    [['--', '/etc/passwd'], 126],
    [['-e', '3', '--', 'sh', '-c', 'exit 3'], 0],
  ];
  for (const [args, code] of cases) {
    const r = await e().docker(['run', '--rm', '--network', 'none', PIDONE_IMAGE, ...args], { timeoutMs: 60_000 });
    assert.equal(r.code, code, `docker run ${PIDONE_IMAGE} ${args.join(' ')}: ${r.stderr}`);
  }
  const missing = await e().docker(['run', '--rm', '--network', 'none', PIDONE_IMAGE, '--', 'no-such-program']);
  assert.match(missing.stderr, /pidone: error: cannot run no-such-program: command not found/);
});

test('the image without a config: exit 2, saying where it looked', { skip, timeout: 60_000 }, async () => {
  const r = await e().docker(['run', '--rm', '--network', 'none', PIDONE_IMAGE]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no config file found; looked for:\n(.*\n)*  \/etc\/pidone\/pidone\.yaml\n(.*\n)*  \/etc\/supervisor\/supervisord\.conf/);
});

test('zombies are reaped: orphans of the program and of docker exec leave none (/proc inside the container)', { skip, timeout: 60_000 }, async () => {
  // 100 orphans that exit a second later, once the program is a long sleep that reaps nothing:
  // only pidone can reap them. (Without pidone, 100 zombies stay.)
  const c = await start(e(), [], PIDONE_IMAGE, ['--', 'sh', '-c', 'i=0; while [ $i -lt 100 ]; do (sleep 1 &); i=$((i+1)); done; echo spawned; exec sleep 1000']);
  await until(async () => (await c.logs()).stdout.includes('spawned'), 20_000, 'the orphans');
  // docker exec leaves orphans too: its shell exits, the background sleeps land on PID 1.
  const ex = await c.exec(['sh', '-c', '(sleep 0.5 &); (sleep 0.5 &); echo started']);
  assert.equal(ex.code, 0, ex.stderr);
  // What ps would list (the node image has no ps; docker top cannot show zombies: a process
  // leaves its cgroup when it exits): every process but this scan's own shell, with its state.
  const scan = async () => (await c.exec(['sh', '-c', 'for f in /proc/[0-9]*/stat; do read -r p c s r < $f 2>/dev/null && [ $p != $$ ] && echo "$c $s"; done'])).stdout.trim().split('\n');
  let left: string[] = [];
  await until(async () => (left = await scan()).length === 2, 20_000, 'only pidone (node) and sleep left');
  assert.deepEqual(left.map((l) => l.split(' ')[0]).sort(), ['(node)', '(sleep)']);
  assert.ok(left.every((l) => !l.endsWith(' Z')), left.join('; '));
  await c.remove();
});

test('docker kill -s reaches the program (HUP, USR1, WINCH, RTMIN+3); docker stop ends it with 128+15', { skip, timeout: 60_000 }, async () => {
  const script = 'for s in HUP USR1 WINCH RTMIN+3; do trap "echo got $s" $s; done; echo ready; while :; do sleep 0.2 & wait $!; done';
  const c = await start(e(), [], PIDONE_IMAGE, ['--', 'bash', '-c', script]);
  await until(async () => (await c.logs()).stdout.includes('ready'), 20_000, 'the program');
  for (const s of ['HUP', 'USR1', 'WINCH', 'RTMIN+3']) {
    await e().ok(['kill', '-s', s, c.id]);
    await until(async () => (await c.logs()).stdout.includes(`got ${s}`), 10_000, `the program to get SIG${s}`);
  }
  const took = await c.stop(10);
  assert.equal(await c.inspect('{{.State.ExitCode}}'), '143');
  assert.ok(took < 5, `docker stop took ${took.toFixed(2)} s (the program dies on SIGTERM at once)`);
  await c.remove();
});
