// The single-mode options and cases tini's and dumb-init's own suites check that pidone had not
// covered: -p SIGNAL (parent-death signal), -w (a warning per reaped zombie), -l (license), and
// the hardware-fault signals (ILL, BUS, FPE, SEGV) sent with kill(2), which must be forwarded
// like any other signal while a real fault still reaches V8's handler or crashes.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { BASE_ENV, DIST, RECORDER, killAll, runPidone } from './support/pid1.ts';

afterEach(killAll);

const signals = (await import('node:os')).constants.signals as Record<string, number>;

// Takes the four signals with sigwait (no handler re-entered while it prints), then exits 0.
const FAULT_RECORDER = `
import os, signal
sigs = {signal.SIGILL, signal.SIGBUS, signal.SIGFPE, signal.SIGSEGV}
signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
print('ready', os.getpid(), flush=True)
while sigs:
    s = signal.sigwait(sigs)
    sigs.discard(s)
    print('got', int(s), flush=True)
`;

for (const namespace of [false, true]) {
  test(`ILL, BUS, FPE and SEGV sent with kill(2) are forwarded (${namespace ? 'PID 1' : 'not PID 1'})`, async (t) => {
    // The recorder exits on its own once these are through (it cannot be left behind when
    // pidone is not PID 1 and no namespace takes it down).
    const run = runPidone(['--', 'python3', '-c', FAULT_RECORDER], { namespace });
    const child = Number((await run.line((l) => l.startsWith('ready '))).split(' ')[1]);
    t.after(() => {
      try {
        if (!namespace) process.kill(child, 'SIGKILL');
      } catch {
        // gone
      }
    });
    const host = await run.hostPid();
    for (const name of ['ILL', 'BUS', 'FPE', 'SEGV']) {
      process.kill(host, `SIG${name}` as NodeJS.Signals);
      await run.line((l) => l === `got ${signals[`SIG${name}`]}`);
    }
    assert.equal((await run.exited).code, 0, run.stderr());
  });
}

test('a real SEGV still reaches V8 with the fault handlers installed: out-of-bounds WebAssembly is a RuntimeError', () => {
  // (module (memory 1) (func (export "f") (param i32) (result i32) local.get 0 i32.load))
  const script = `
const m = { exports: {} };
process.dlopen(m, ${JSON.stringify(join(DIST, '..', 'pidone.node'))});
m.exports.watchSignals([34], () => {});
m.exports.watchSentFaults([4, 7, 8, 11]);
const wasm = new Uint8Array([0,97,115,109,1,0,0,0,1,6,1,96,1,127,1,127,3,2,1,0,5,3,1,0,1,7,5,1,1,102,0,0,10,9,1,7,0,32,0,40,2,0,11]);
try { new WebAssembly.Instance(new WebAssembly.Module(wasm)).exports.f(1 << 30); console.log('no trap'); }
catch (e) { console.log(e.constructor.name + ': ' + e.message); }`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'RuntimeError: memory access out of bounds');
});

test('-p SIGNAL: pidone gets SIGNAL when its parent dies, and forwards it', async () => {
  // PID 1 (sh) -> parent (sh, exits on a line from us) -> pidone -p SIGUSR1 -> recorder
  const inner = `sh -c '${process.execPath} ${DIST} -p SIGUSR1 -- python3 ${RECORDER} & read line'; sleep 1000`;
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', inner], { env: BASE_ENV, stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    let out = '';
    const seen = (match: RegExp, ms = 10_000) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${match} within ${ms} ms:\n${out}`)), ms);
      const check = (): void => {
        if (!match.test(out)) return;
        clearTimeout(timer);
        p.stdout.off('data', onData);
        resolve();
      };
      const onData = (c: Buffer): void => {
        out += c.toString();
        check();
      };
      p.stdout.on('data', onData);
      check();
    });
    await seen(/"event": "ready"/);
    p.stdin.write('go\n'); // the parent exits
    await seen(new RegExp(`"event": "signal", "signo": ${signals.SIGUSR1}`));
  } finally {
    p.kill('SIGKILL');
  }
});

test('-p needs a signal; -p and -w are refused outside single mode', () => {
  const bad = spawnSync(process.execPath, [DIST, '-p', 'NOPE', '--', 'true'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /-p expects a signal such as SIGTERM or SIGKILL, got "NOPE"/);
  const sup = spawnSync(process.execPath, [DIST, '-p', 'SIGTERM', '-c', '/nonexistent.yaml'], { encoding: 'utf8' });
  assert.equal(sup.status, 2);
  assert.match(sup.stderr, /single-mode options/);
  const ok = spawnSync(process.execPath, [DIST, '-p', 'SIGKILL', '--', 'sh', '-c', 'exit 6'], { encoding: 'utf8' });
  assert.equal(ok.status, 6, ok.stderr);
});

test('-w: a warning for every zombie reaped; none without it', async () => {
  const script = 'i=0; while [ $i -lt 3 ]; do (true &); i=$((i+1)); done; sleep 0.3';
  const quiet = runPidone(['--', 'sh', '-c', script]);
  assert.equal((await quiet.exited).code, 0);
  assert.doesNotMatch(quiet.stderr(), /reaped/);
  const loud = runPidone(['-w', '--', 'sh', '-c', script]);
  assert.equal((await loud.exited).code, 0);
  const lines = loud.stderr().split('\n').filter((l) => /^pidone: warning: reaped zombie process \d+ \(exited with status 0\)$/.test(l));
  assert.ok(lines.length >= 3, loud.stderr());
});

test('-l prints the license and exits 0', () => {
  const r = spawnSync(process.execPath, [DIST, '-l'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^pidone \S+: MIT License\n/);
  assert.match(r.stdout, /Permission is hereby granted/);
});
