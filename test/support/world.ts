// A whole fake world for core tests: specs with defaults, a supervisor on fake ports, and
// helpers to read states and events.
import type { Model, ProgramSpec, Settings } from '../../src/model/spec.ts';
import type { SupervisorEvent } from '../../src/core/events.ts';
import type { ProcessInfo } from '../../src/core/snapshot.ts';
import { describeEvent } from '../../src/core/events.ts';
import { Supervisor } from '../../src/core/supervisor.ts';
import { calendar } from '../../src/io/calendar.ts';
import { FakeClock, FakeProber, FakeSpawner } from './fakes.ts';

type Overrides = Partial<Omit<ProgramSpec, 'name'>>;

/** An INI-style spec with supervisord 4.2.5's defaults (backoff null = supervisord pacing). */
export function ini(name: string, o: Overrides = {}): ProgramSpec {
  return {
    name, group: name, command: ['/bin/' + name], shell: false, directory: null, environment: {},
    user: null, umask: null, autostart: true, autorestart: 'unexpected', startsecs: 1, startretries: 3,
    exitcodes: [0], stopsignal: 'TERM', stopwaitsecs: 10, stopasgroup: false, killasgroup: false,
    priority: 999, redirect_stderr: false, stdout_logfile: null, stdout_logfile_maxbytes: 0,
    stdout_logfile_backups: 0, stderr_logfile: null, stderr_logfile_maxbytes: 0, stderr_logfile_backups: 0,
    serverurl: null, depends_on: {}, oneshot: false, ready: null, backoff: null, max_restarts: null,
    critical: false, exit_on_skipped: false, forward_signals: [], liveness: null, stop_command: null, daemon: false,
    schedule: null, watch: null, limits: {}, nice: null, oom_score_adj: null,
    source: { file: 'supervisord.conf', line: 1 },
    ...o,
  };
}

/** A YAML-style spec with pidone's YAML defaults (startsecs 0, exponential backoff). */
export function yaml(name: string, o: Overrides = {}): ProgramSpec {
  return ini(name, {
    startsecs: 0, stopasgroup: true, killasgroup: true,
    backoff: { initial: 1, max: 30, reset_after: 60 }, source: { file: 'pidone.yaml', line: 1 },
    ...o,
  });
}

/** A readiness probe spec (the fake prober ignores its contents). */
export const PROBE = { check: { kind: 'tcp', host: '127.0.0.1', port: 1 }, initial_delay: 0, interval: 1, timeout: 1, retries: 3 } as const;

/** A Model around some programs. */
export function model(programs: ProgramSpec[], settings: Partial<Settings> = {}): Model {
  return {
    programs,
    groups: [...new Set(programs.map((p) => p.group))].map((g) => ({ name: g, priority: 999, processes: programs.filter((p) => p.group === g).map((p) => p.name) })),
    settings: {
      log_format: 'prefix', timestamps: false, color: 'never', shutdown_timeout: 30,
      control: { socket: null, socket_mode: 0o600, tcp: null, username: null, password: null, token: null },
      identifier: 'pidone', childlogdir: '/tmp', umask: null, directory: null,
      ...settings,
    },
    files: [],
  };
}

/** A supervisor in a fake world, with the events it reported. */
export class World {
  readonly clock = new FakeClock();
  readonly spawner = new FakeSpawner(this.clock);
  readonly prober = new FakeProber();
  readonly events: SupervisorEvent[] = [];
  readonly sup: Supervisor;
  readonly t0: number;

  constructor(programs: ProgramSpec[] | Model, opts: { exitWhenIdle?: boolean; onEvent?: (e: SupervisorEvent, w: World) => void } = {}) {
    this.t0 = this.clock.now();
    const m = Array.isArray(programs) ? model(programs) : programs;
    this.sup = new Supervisor(m, {
      clock: this.clock,
      spawner: this.spawner,
      prober: this.prober,
      calendar,
      report: (e) => {
        this.events.push(e);
        opts.onEvent?.(e, this);
      },
      ...(opts.exitWhenIdle === undefined ? {} : { exitWhenIdle: opts.exitWhenIdle }),
    });
  }

  /** Milliseconds since the world began. */
  elapsed(): number {
    return this.clock.now() - this.t0;
  }

  info(name: string): ProcessInfo {
    const i = this.sup.snapshot().find((p) => p.name === name);
    if (i === undefined) throw new Error(`no process ${name}`);
    return i;
  }

  state(name: string): string {
    return this.info(name).statename;
  }

  /** Spawn times (ms since the world began) of one program. */
  spawnTimes(name: string): number[] {
    return this.spawner.of(name).map((c) => c.spawnedAt - this.t0);
  }

  /** The event lines (describeEvent) so far, optionally only those of one type. */
  lines(type?: SupervisorEvent['type']): string[] {
    return this.events.filter((e) => type === undefined || e.type === type).map(describeEvent);
  }

  /** The state path one process went through, e.g. ['STARTING', 'RUNNING', 'EXITED']. */
  path(name: string): string[] {
    return this.events.flatMap((e) => (e.type === 'state' && e.name === name ? [e.to] : []));
  }

  finished(): Extract<SupervisorEvent, { type: 'finished' }> | undefined {
    return this.events.find((e): e is Extract<SupervisorEvent, { type: 'finished' }> => e.type === 'finished');
  }
}
