// Single mode: `pidone [-s] [-g] [-e CODE]... [-v] -- PROGRAM [ARGS...]`, a tini replacement.
// Starts one program, forwards signals to it, reaps every zombie, and exits with the
// program's code, but only after the processes it left behind have been asked to stop
// (SIGTERM, a grace period, SIGKILL): the kernel's SIGKILL at PID 1's exit cuts cleanup
// mid-way, which is the main complaint against tini and dumb-init.
import { shellCode } from '../core/policy.ts';
import type { ExitStatus } from '../core/ports.ts';
import type { AddonLoad } from '../io/addon.ts';
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
  /** pidone's environment: the program gets it unchanged (the addon passes environ on as is). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly addon: AddonLoad;
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

  let child = 0;
  let draining = false;
  const reaper = addon ? new Reaper(addon, (pid, status) => {
    if (opts.warnOnReap) log.warn(`reaped zombie process ${pid} (${describe(status)})`);
    else log.debug(`reaped orphan ${pid} (${describe(status)})`);
  }) : null;

  const deliver = (signal: number): void => {
    if (draining) {
      if (addon) for (const pid of descendantsOf(host.pid, addon.procTable())) trySignal(pid, signal);
      return;
    }
    if (child === 0) return;
    log.debug(`forwarding SIG${signalName(signal)} to ${opts.killGroup ? 'process group ' : ''}${child}`);
    trySignal(opts.killGroup ? -child : child, signal);
  };
  const forwarded = FORWARDED_SIGNALS.map((name) => signalNumber(name)!);
  if (addon) {
    // One handler in the addon for every forwarded signal, the real-time ones included (Node
    // cannot catch those): one call instead of a Node signal handle per signal, a third of a
    // millisecond of every start.
    const { SIGRTMIN, SIGRTMAX } = addon.constants;
    for (let s = SIGRTMIN; s <= SIGRTMAX; s++) forwarded.push(s);
    addon.watchSignals(forwarded, deliver);
    // ILL, BUS, FPE and SEGV sent with kill(2) (the addon tells them from real faults, which
    // still crash pidone as they must): forwarded like the rest.
    addon.watchSentFaults(FAULT_SIGNALS.map((name) => signalNumber(name)!));
  } else {
    for (const num of forwarded) process.on(`SIG${signalName(num)}` as NodeJS.Signals, () => deliver(num));
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
      // No envp: the addon hands pidone's own environment on as it is. foreground: on a
      // terminal the program gets the foreground; elsewhere the child's tcsetpgrp() fails with
      // ENOTTY, which costs less than asking whether stdin is a terminal first.
      // The child searches PATH itself, as execvp does: no stat of every PATH entry here first.
      child = addon.spawn({ file: opts.program, search: host.env.PATH ?? DEFAULT_PATH, argv: [opts.program, ...opts.args], pgroup: 1, foreground: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      log.error(`cannot run ${cannotRun(opts.program, e)}`);
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
      const proc = spawn(opts.program, opts.args, { stdio: 'inherit', detached: true });
      proc.on('error', (err: NodeJS.ErrnoException) => {
        log.error(`cannot run ${opts.program}: ${err.message}`);
        host.exit(err.code === 'ENOENT' ? 127 : 126);
      });
      proc.on('exit', (code, signal) => finish({ code, signal: signal ? signal.slice(3) : null }));
      child = proc.pid ?? 0;
    });
  }
}

// Where a program without a slash is looked for when PATH is unset (as io/executable.ts).
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Why the program could not be started, from the step that failed (127: not found, else 126). */
function cannotRun(program: string, e: NodeJS.ErrnoException): string {
  if (e.syscall === 'execve' && e.code === 'ENOENT') return program.includes('/') ? `${program}: not found` : `${program}: command not found in PATH`;
  if (e.syscall === 'execve' && e.code === 'EACCES') return `${program}: permission denied (not executable)`;
  return `${program}: ${e.syscall ?? 'exec'}: ${e.code}`;
}

function describe(status: ExitStatus): string {
  return status.code !== null ? `exited with status ${status.code}` : `was killed by SIG${status.signal}`;
}


