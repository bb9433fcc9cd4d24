// Single mode: `pidone [-s] [-g] [-e CODE]... [-v] -- PROGRAM [ARGS...]`, a tini replacement.
// Starts one program, forwards signals to it, reaps every zombie, and exits with the
// program's code, but only after the processes it left behind have been asked to stop
// (SIGTERM, a grace period, SIGKILL): the kernel's SIGKILL at PID 1's exit cuts cleanup
// mid-way, which is the main complaint against tini and dumb-init.
import { shellCode } from '../core/policy.ts';
import type { ExitStatus } from '../core/ports.ts';
import { envp, type AddonLoad } from '../io/addon.ts';
import { resolveExecutable } from '../io/executable.ts';
import { drainLeftovers, trySignal } from '../io/leftovers.ts';
import { descendantsOf } from '../io/proc-tree.ts';
import { Reaper } from '../io/reaper.ts';
import { FAULT_SIGNALS, FORWARDED_SIGNALS, signalName, signalNumber } from '../io/signals.ts';
import type { Logger } from './logger.ts';

export interface SingleOptions {
  readonly program: string;
  readonly args: readonly string[];
  /** -s: register as child subreaper (done anyway when pidone is not PID 1). */
  readonly subreaper: boolean;
  /** -g: signal the child's whole process group, not only the child. */
  readonly killGroup: boolean;
  /** -e: exit codes reported as 0. */
  readonly zeroCodes: ReadonlySet<number>;
  /** Milliseconds the left-behind processes get between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /** -p: the signal pidone asks for when its parent dies; null: none. */
  readonly parentDeathSignal: number | null;
  /** -w: warn about every orphan reaped. */
  readonly warnOnReap: boolean;
}

export interface SingleHost {
  readonly pid: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly addon: AddonLoad;
  readonly stdinIsTTY: boolean;
  readonly log: Logger;
  exit(code: number): void;
}

/** Runs single mode until the program and everything it left behind are gone. */
export function runSingle(opts: SingleOptions, host: SingleHost): void {
  const { log } = host;
  const addon = host.addon.addon;
  const isInit = host.pid === 1;
  if (!addon) {
    const lost = `native addon unavailable (${host.addon.reason}): orphaned zombies will not be reaped and real-time signals are not forwarded`;
    if (isInit) log.error(lost);
    else log.warn(lost);
  } else if (!isInit) {
    try {
      addon.setChildSubreaper();
      log.debug('registered as child subreaper');
    } catch (err) {
      log.warn(`cannot become a child subreaper (${(err as Error).message}): orphans will not be reaped`);
    }
  }

  if (opts.parentDeathSignal !== null) {
    if (!addon) log.warn(`cannot honour -p ${signalName(opts.parentDeathSignal)} without the native addon`);
    else {
      try {
        addon.setParentDeathSignal(opts.parentDeathSignal);
        log.debug(`SIG${signalName(opts.parentDeathSignal)} when the parent dies`);
      } catch (err) {
        log.warn(`cannot set the parent-death signal (${(err as Error).message})`);
      }
    }
  }

  const resolved = resolveExecutable(opts.program, host.env.PATH);
  if (!resolved.ok) {
    log.error(`cannot run ${resolved.message}`);
    host.exit(resolved.code === 'ENOENT' ? 127 : 126);
    return;
  }

  let child = 0;
  let draining = false;
  const reaper = addon ? new Reaper(addon, (pid, status) => {
    if (opts.warnOnReap) log.warn(`reaped zombie process ${pid} (${describe(status)})`);
    else log.debug(`reaped orphan ${pid} (${describe(status)})`);
  }) : null;

  const deliver = (signal: string): void => {
    if (draining) {
      if (addon) for (const pid of descendantsOf(host.pid, addon.procTable())) trySignalNamed(pid, signal);
      return;
    }
    if (child === 0) return;
    log.debug(`forwarding SIG${/^\d+$/.test(signal) ? signalName(Number(signal)) : signal} to ${opts.killGroup ? 'process group ' : ''}${child}`);
    trySignalNamed(opts.killGroup ? -child : child, signal);
  };
  for (const name of FORWARDED_SIGNALS) process.on(`SIG${name}` as NodeJS.Signals, () => deliver(name));
  if (addon) {
    const { SIGRTMIN, SIGRTMAX } = addon.constants;
    const rt: number[] = [];
    for (let s = SIGRTMIN; s <= SIGRTMAX; s++) rt.push(s);
    addon.watchSignals(rt, (num) => deliver(String(num)));
    // ILL, BUS, FPE and SEGV sent with kill(2) (the addon tells them from real faults, which
    // still crash pidone as they must): forwarded like the rest.
    addon.watchSentFaults(FAULT_SIGNALS.map((name) => signalNumber(name)!));
  }

  const finish = (status: ExitStatus): void => {
    let code = shellCode(status) % 256;
    log.info(`${opts.program} (pid ${child}) ${describe(status)}`);
    if (opts.zeroCodes.has(code)) code = 0;
    drainThenExit(code);
  };

  const drainThenExit = (code: number): void => {
    draining = true;
    if (!addon || !reaper) return host.exit(code);
    void drainLeftovers(addon, reaper, host.pid, opts.graceMs, log).then(() => host.exit(code));
  };

  if (addon && reaper) {
    reaper.start();
    try {
      child = addon.spawn({
        file: resolved.path,
        argv: [opts.program, ...opts.args],
        envp: envp(host.env),
        pgroup: 1,
        foreground: host.stdinIsTTY,
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      log.error(`cannot run ${opts.program}: ${e.syscall ?? 'exec'}: ${e.code}`);
      host.exit(e.code === 'ENOENT' ? 127 : 126);
      return;
    }
    reaper.watch(child, finish);
    log.debug(`spawned ${opts.program} with pid ${child}`);
  } else {
    // Without the addon, libuv spawns: a new session instead of a foreground process group.
    // node:child_process (and the net/stream modules it pulls in) is loaded only here: it
    // costs a tenth of node's start-up time, and single mode does not need it otherwise.
    void import('node:child_process').then(({ spawn }) => {
      const proc = spawn(resolved.path, opts.args, { stdio: 'inherit', detached: true, argv0: opts.program });
      proc.on('error', (err: NodeJS.ErrnoException) => {
        log.error(`cannot run ${opts.program}: ${err.message}`);
        host.exit(err.code === 'ENOENT' ? 127 : 126);
      });
      proc.on('exit', (code, signal) => finish({ code, signal: signal ? signal.slice(3) : null }));
      child = proc.pid ?? 0;
    });
  }
}

function trySignalNamed(pid: number, signal: string): void {
  trySignal(pid, signalNumber(signal) ?? signal);
}

function describe(status: ExitStatus): string {
  return status.code !== null ? `exited with status ${status.code}` : `was killed by SIG${status.signal}`;
}


