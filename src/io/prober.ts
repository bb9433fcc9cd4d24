// Readiness probes (`ready:`): tcp connect, http GET (2xx/3xx), exec (exit 0), a log line
// matching a regex, and sd_notify READY=1. Each attempt has `timeout`; attempts repeat every
// `interval`; after `retries` failed attempts the probe has failed for good.
import { request } from 'node:http';
import { connect } from 'node:net';
import type { ChildHandle, ExitStatus, ProbeCallbacks, Prober } from '../core/ports.ts';
import type { ProgramSpec, ReadyCheck } from '../model/spec.ts';
import type { LogSink } from './log-sink-api.ts';

/** Runs a probe command with the program's environment; resolves with its status or null on timeout. */
export type CommandRunner = (spec: ProgramSpec, command: string | readonly string[], timeoutMs: number) => Promise<ExitStatus | null>;

/** Listens for sd_notify datagrams for a program; null when unsupported. */
export type NotifyWatcher = (spec: ProgramSpec, child: ChildHandle, onReady: () => void) => (() => void) | null;

type Attempt = (timeoutMs: number) => Promise<string | null>; // null = success, else why not

function tcpAttempt(host: string, port: number): Attempt {
  return (timeoutMs) => new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (why: string | null): void => {
      socket.destroy();
      clearTimeout(timer);
      resolve(why);
    };
    const timer = setTimeout(() => done(`tcp ${host}:${port}: no connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(`tcp ${host}:${port}: ${err.code ?? err.message}`));
  });
}

function httpAttempt(url: string): Attempt {
  return (timeoutMs) => new Promise((resolve) => {
    let settled = false;
    const done = (why: string | null): void => {
      if (settled) return;
      settled = true;
      resolve(why);
    };
    try {
      const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        done(code >= 200 && code < 400 ? null : `http ${url}: status ${code}`);
      });
      req.on('timeout', () => {
        req.destroy();
        done(`http ${url}: no answer within ${timeoutMs} ms`);
      });
      req.on('error', (err: NodeJS.ErrnoException) => done(`http ${url}: ${err.code ?? err.message}`));
      req.end();
    } catch (err) {
      done(`http ${url}: ${(err as Error).message}`);
    }
  });
}

function execAttempt(run: CommandRunner, spec: ProgramSpec, command: string | readonly string[]): Attempt {
  return async (timeoutMs) => {
    const status = await run(spec, command, timeoutMs).catch((err: Error) => ({ code: 127, signal: null, error: err.message }));
    if (status === null) return `exec: no result within ${timeoutMs} ms`;
    if (status.code === 0) return null;
    return `exec: ${'error' in status ? status.error : status.code !== null ? `exit status ${status.code}` : `killed by SIG${status.signal}`}`;
  };
}

export class ProcessProber implements Prober {
  readonly #sink: LogSink;
  readonly #run: CommandRunner;
  readonly #notify: NotifyWatcher;

  constructor(sink: LogSink, run: CommandRunner, notify: NotifyWatcher) {
    this.#sink = sink;
    this.#run = run;
    this.#notify = notify;
  }

  watch(spec: ProgramSpec, child: ChildHandle, on: ProbeCallbacks): () => void {
    const probe = spec.ready;
    if (!probe) {
      on.ready();
      return () => {};
    }
    let cancelled = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void): void => {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!cancelled) fn();
      }, ms);
      timers.add(t);
    };
    const cleanups: Array<() => void> = [() => timers.forEach(clearTimeout)];
    const cancel = (): void => {
      cancelled = true;
      for (const c of cleanups) c();
    };
    const succeed = (): void => {
      if (cancelled) return;
      cancel();
      on.ready();
    };
    const fail = (why: string): void => {
      if (cancelled) return;
      cancel();
      on.failed(why);
    };
    const check: ReadyCheck = probe.check;
    const ms = (s: number): number => Math.round(s * 1000);
    // Passive probes wait for the program to speak; they fail when it stays silent too long.
    const passiveDeadline = ms(probe.initial_delay + probe.interval * Math.max(1, probe.retries));
    if (check.kind === 'log') {
      let re: RegExp;
      try {
        re = new RegExp(check.pattern);
      } catch (err) {
        fail(`log pattern ${check.pattern}: ${(err as Error).message}`);
        return cancel;
      }
      cleanups.push(this.#sink.subscribe(spec.name, (_stream, line) => {
        if (re.test(line)) succeed();
      }));
      later(passiveDeadline, () => fail(`no output line matched /${check.pattern}/ within ${passiveDeadline / 1000} s`));
      return cancel;
    }
    if (check.kind === 'notify') {
      const stop = this.#notify(spec, child, succeed);
      if (!stop) {
        fail('notify readiness needs the native addon');
        return cancel;
      }
      cleanups.push(stop);
      later(passiveDeadline, () => fail(`no READY=1 on NOTIFY_SOCKET within ${passiveDeadline / 1000} s`));
      return cancel;
    }
    const attempt: Attempt = check.kind === 'tcp' ? tcpAttempt(check.host, check.port)
      : check.kind === 'http' ? httpAttempt(check.url)
        : execAttempt(this.#run, spec, check.command);
    let failures = 0;
    const tryOnce = (): void => {
      void attempt(ms(probe.timeout)).then((why) => {
        if (cancelled) return;
        if (why === null) return succeed();
        failures++;
        if (failures > probe.retries) return fail(`${failures} attempts failed, the last with ${why}`);
        later(ms(probe.interval), tryOnce);
      });
    };
    later(ms(probe.initial_delay), tryOnce);
    return cancel;
  }
}
