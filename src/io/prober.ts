// Readiness probes (`ready:`): tcp connect, http GET (2xx/3xx), exec (exit 0), a log line
// matching a regex, and sd_notify READY=1. Each attempt has `timeout`; attempts repeat every
// `interval`; after `retries` failed attempts the probe has failed for good. Liveness probes
// (`liveness:`) check a running program the same ways (but notify) for as long as it runs,
// and fail after `retries` failures in a row. An attempt pidone could not make for lack of
// descriptors is not counted; a tcp/http answer counts only when the port is held by the
// program's own processes (io/port-owner.ts).
import type { ChildHandle, ProbeCallbacks, Prober } from '../core/ports.ts';
import type { ProgramSpec, ReadyCheck } from '../model/spec.ts';
import type { LogSink } from './log-sink-api.ts';
import { describeHolders, portOwnership } from './port-owner.ts';
import { type Attempt, type CommandRunner, type Reached, execAttempt, httpAttempt, probeTarget, tcpAttempt } from './probe-attempts.ts';

export type { CommandRunner } from './probe-attempts.ts';

/** Listens for sd_notify datagrams for a program; null when unsupported. */
export type NotifyWatcher = (spec: ProgramSpec, child: ChildHandle, onReady: () => void) => (() => void) | null;

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
    this.#warnIfHeld(spec, child, check);
    let failures = 0;
    let skipped = 0;
    const said = { unknown: false };
    const tryOnce = (): void => {
      void attempt(ms(probe.timeout)).then((result) => {
        if (cancelled) return;
        let r = result;
        if (r.kind === 'passed') {
          const notOurs = r.reached === undefined ? null : this.#notOurs(spec, child, r.reached, said);
          if (notOurs === null) return succeed();
          r = { kind: 'failed', why: notOurs };
        }
        if (r.kind === 'skipped') {
          // Said on the 1st, 2nd, 4th, 8th... time: visible, without a line per interval.
          skipped++;
          if ((skipped & (skipped - 1)) === 0) this.#sink.event('warn', `${spec.name}: readiness probe not run (${r.why}); not counted against its retries (${skipped} time${skipped > 1 ? 's' : ''} so far)`);
        } else {
          failures++;
          if (failures >= Math.max(1, probe.retries)) return fail(`${failures} attempts failed, the last with ${r.why}`);
        }
        later(ms(probe.interval), tryOnce);
      });
    };
    later(ms(probe.initial_delay), tryOnce);
    return cancel;
  }

  live(spec: ProgramSpec, child: ChildHandle, failed: (reason: string) => void): () => void {
    const probe = spec.liveness;
    if (probe === null) return () => {};
    let cancelled = false;
    let timer: NodeJS.Timeout | null = null;
    const cleanups: Array<() => void> = [];
    const cancel = (): void => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      for (const c of cleanups) c();
    };
    const ms = (s: number): number => Math.round(s * 1000);
    const limit = Math.max(1, probe.retries);
    let failures = 0;
    let skipped = 0;
    const said = { unknown: false };
    const next = (delay: number): void => {
      timer = setTimeout(() => {
        timer = null;
        if (!cancelled) void once();
      }, delay);
    };
    const verdict = (why: string | null): void => {
      if (cancelled) return;
      if (why === null) failures = 0;
      else if (++failures >= limit) {
        cancel();
        return failed(`${failures} liveness checks failed in a row, the last with ${why}`);
      }
      next(ms(probe.interval));
    };
    let once: () => Promise<void>;
    const check = probe.check;
    if (check.kind === 'log') {
      // Alive when a matching line appeared since the previous check.
      let re: RegExp;
      try {
        re = new RegExp(check.pattern);
      } catch (err) {
        failed(`log pattern ${check.pattern}: ${(err as Error).message}`);
        return () => {};
      }
      let seen = false;
      cleanups.push(this.#sink.subscribe(spec.name, (_stream, line) => {
        if (re.test(line)) seen = true;
      }));
      once = async () => {
        const why = seen ? null : `no output line matched /${check.pattern}/ in ${probe.interval} s`;
        seen = false;
        verdict(why);
      };
    } else if (check.kind === 'notify') {
      return () => {};
    } else {
      const attempt: Attempt = check.kind === 'tcp' ? tcpAttempt(check.host, check.port)
        : check.kind === 'http' ? httpAttempt(check.url)
          : execAttempt(this.#run, spec, check.command);
      once = async () => {
        let r = await attempt(ms(probe.timeout));
        if (cancelled) return;
        if (r.kind === 'passed') {
          const notOurs = r.reached === undefined ? null : this.#notOurs(spec, child, r.reached, said);
          r = notOurs === null ? r : { kind: 'failed', why: notOurs };
        }
        if (r.kind === 'skipped') {
          skipped++;
          if ((skipped & (skipped - 1)) === 0) this.#sink.event('warn', `${spec.name}: liveness check not run (${r.why}); not counted (${skipped} time${skipped > 1 ? 's' : ''} so far)`);
          return next(ms(probe.interval));
        }
        verdict(r.kind === 'passed' ? null : r.why);
      };
    }
    next(ms(probe.initial_delay));
    return cancel;
  }

  /**
   * Why the answer at `reached` does not count, or null when it came from the program (or
   * when that cannot be told: said once per start, and accepted).
   */
  #notOurs(spec: ProgramSpec, child: ChildHandle, reached: Reached, said: { unknown: boolean }): string | null {
    const at = `${reached.address.includes(':') ? `[${reached.address}]` : reached.address}:${reached.port}`;
    const o = portOwnership(child.pid, reached.port, reached.address);
    if (o.kind === 'ours') return null;
    if (o.kind === 'unknown') {
      if (!said.unknown) this.#sink.event('warn', `${spec.name}: cannot tell whether ${at}, which answered its readiness probe, is ${spec.name}'s: ${o.why}; the answer is accepted`);
      said.unknown = true;
      return null;
    }
    return `${at} answers, but ${describeHolders(o)} holds that port, not ${spec.name}`;
  }

  /** At start: a port the probe checks that someone else already holds will not let it pass. */
  #warnIfHeld(spec: ProgramSpec, child: ChildHandle, check: ReadyCheck): void {
    const target = probeTarget(check);
    if (target === null) return;
    const o = portOwnership(child.pid, target.port, target.address);
    if (o.kind !== 'foreign') return;
    this.#sink.event('warn', `${spec.name}: port ${target.port}, which its readiness probe checks, is already held by ${describeHolders(o)}, which pidone did not start for ${spec.name}; the probe will not pass while that process holds it`);
  }
}
