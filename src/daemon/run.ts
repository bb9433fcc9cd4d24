// Supervisor mode: loads the config, wires the core to real processes, output and signals,
// and exits with the code spec section 2 defines once the supervisor has finished.
import { ConfigError, formatDiagnostic, type Diagnostic } from '../config/diagnostic.ts';
import { loadConfig, type Loaded } from '../config/load.ts';
import type { ConfigRead, EventsPort } from '../control/context.ts';
import { EventBus } from '../control/event-bus.ts';
import type { ReloadOutcome } from '../control/protocol.ts';
import { ControlServer } from '../control/server.ts';
import { defaultSocketPath } from '../control/socket.ts';
import { describeEvent, eventLevel, type SupervisorEvent } from '../core/events.ts';
import { KILL_GRACE_MS, Supervisor } from '../core/supervisor.ts';
import type { Model } from '../model/spec.ts';
import type { AddonLoad } from '../io/addon.ts';
import { StdinTable } from '../io/child-stdin.ts';
import { calendar } from '../io/calendar.ts';
import { CgroupTree, ownCgroup, wantsCgroup } from '../io/cgroups.ts';
import { raiseOwnLimits } from '../io/own-limits.ts';
import { readUsage } from '../io/usage.ts';
import { systemClock } from '../io/clock.ts';
import { drainLeftovers } from '../io/leftovers.ts';
import { createLogSink } from '../io/log-sink.ts';
import type { LogSink } from '../io/log-sink-api.ts';
import { ProcessProber } from '../io/prober.ts';
import { ProcessSpawner, probeCommandRunner } from '../io/process-spawner.ts';
import { Reaper } from '../io/reaper.ts';
import { EventRouter, groupNames } from './event-router.ts';
import { logTargets } from './log-targets.ts';
import { withMainLog, writePidfile } from './main-log.ts';
import { NotifyHub, runtimeDir } from './notify.ts';
import { remoteEvent, supervisorStateEvent } from './supervisor-events.ts';
import { Watches } from './watches.ts';

export interface DaemonHost {
  readonly pid: number;
  readonly euid: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly hostname: string;
  readonly stdoutIsTTY: boolean;
  readonly addon: AddonLoad;
  readonly verbosity: number;
  /** Grace for processes left behind once every program has stopped. */
  readonly graceMs: number;
  /** `-m`: a Procfile's formation, kept for every reload; null: PIDONE_FORMATION, else one each. */
  readonly formation?: string | null;
  stderr(line: string): void;
  exit(code: number): void;
}

// Signals with a meaning of their own in supervisor mode (spec section 4).
const SHUTDOWN_SIGNALS = ['TERM', 'INT', 'QUIT'] as const;

function printDiagnostics(host: DaemonHost, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) host.stderr(`pidone: ${formatDiagnostic(d)}`);
}

function load(file: string, host: DaemonHost): Loaded {
  return loadConfig(file, { env: host.env, hostname: host.hostname, cwd: host.cwd, formation: host.formation ?? null });
}

/** Runs supervisor mode with the config at `file` until shutdown. */
export function runDaemon(file: string, host: DaemonHost): void {
  let loaded: Loaded;
  try {
    loaded = load(file, host);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    printDiagnostics(host, err.diagnostics);
    host.stderr(`pidone: exiting: config error in ${file}; nothing was started`);
    return host.exit(2);
  }
  printDiagnostics(host, loaded.warnings);
  const model: Model = loaded.model;
  const addon = host.addon.addon;
  if (!addon) {
    host.stderr(`pidone: error: native addon unavailable (${host.addon.reason}): supervisor mode needs it to spawn and reap`);
    return host.exit(1);
  }
  if (host.pid !== 1) {
    try {
      addon.setChildSubreaper();
    } catch (err) {
      host.stderr(`pidone: warning: cannot become a child subreaper (${(err as Error).message}): orphans will not be reaped`);
    }
  }

  const own = raiseOwnLimits(addon, model.settings);
  if (own.error !== null) {
    host.stderr(`pidone: error: ${own.error}`);
    return host.exit(2);
  }

  const sink: LogSink = withMainLog(createLogSink({
    settings: model.settings,
    programs: model.programs.map(logTargets),
    out: 1,
    isTTY: host.stdoutIsTTY,
    env: { ...host.env },
  }), model.settings.logfile, host.cwd);
  let removePidfile = (): void => {};
  const reaper = new Reaper(addon, (pid, status) => {
    if (host.verbosity >= 3) sink.event('info', `reaped unknown pid ${pid} (${status.code !== null ? `exit status ${status.code}` : `terminated by SIG${status.signal}`})`);
  });
  reaper.start();
  for (const m of own.infos) sink.event('info', m);
  const notify = new NotifyHub(addon, () => runtimeDir(host.env, host.pid));
  const cgroupBase = ownCgroup();
  const cgroups = cgroupBase !== null ? new CgroupTree(cgroupBase, (m) => sink.event('warn', m)) : null;
  const prepareCgroups = (m: Model): void => {
    if (!m.programs.some(wantsCgroup)) return;
    if (cgroups === null) sink.event('warn', `cgroups: pidone runs in no cgroup v2 hierarchy it can see: memory_max, cpu_max and pids_max of ${m.programs.filter(wantsCgroup).map((p) => p.name).join(', ')} are not applied; rlimits still are`);
    else cgroups.prepare(m.programs);
  };
  prepareCgroups(model);
  const socket = model.settings.control.socket ?? defaultSocketPath(host.env, host.euid);
  const deps = { addon, reaper, baseEnv: host.env, serverUrl: `unix://${socket}`, euid: host.euid };
  // supervisord's events: to the [eventlistener:x] pools (their stdin and stdout come from the
  // spawner) and to the JSON API's event stream.
  const router = new EventRouter({
    identifier: model.settings.identifier,
    log: (level, message) => sink.event(level, message),
    now: Date.now,
    setTimer: (ms, fn) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    },
    sink,
  });
  router.configure(model.programs);
  const stdin = new StdinTable();
  stdin.chain(router);
  const spawner = new ProcessSpawner({ ...deps, sink, notifySocket: (spec) => notify.prepare(spec), stdio: stdin, cgroups });
  const prober = new ProcessProber(sink, probeCommandRunner(deps), notify.watch);

  let finishing = false;
  let shutdownAt: number | null = null;
  const bus = new EventBus(); // the control plane's view of the events
  const report = (e: SupervisorEvent): void => {
    router.supervisor(e);
    bus.emit(e);
    const level = eventLevel(e);
    if (e.type === 'removed') sink.removeProgram(e.name);
    if (e.type === 'shutdown') shutdownAt ??= Date.now();
    if (e.type === 'finished') {
      // The closing line, with the final states, is printed once everything is gone.
      if (!finishing) {
        finishing = true;
        void finish(e.exitCode, e.reason);
      }
      return;
    }
    if (level === 'debug' && host.verbosity < 3) return;
    sink.event(level === 'debug' ? 'info' : level, describeEvent(e), { event: e.type, ...e });
  };
  const supervisor = new Supervisor(model, { clock: systemClock, spawner, prober, report, calendar });

  const watches = new Watches({
    snapshot: () => supervisor.snapshot(),
    restartProcess: (name) => supervisor.restartProcess(name),
    signalProcess: (name, sig) => supervisor.signalProcess(name, sig),
    log: (level, m) => sink.event(level, m),
  });

  const finish = async (code: number, reason: string): Promise<void> => {
    watches.close();
    control.close();
    const states = supervisor.snapshot().map((p) => `${p.name} ${p.statename}${p.exitstatus !== null && p.statename === 'EXITED' ? ` (${p.exitstatus})` : ''}`);
    // What programs left behind gets the grace period, but within the shutdown's bound
    // (shutdown_timeout + the kill grace): once that is spent, SIGKILL at once.
    const timeout = current.settings.shutdown_timeout;
    const left = shutdownAt === null || timeout <= 0 ? Infinity : shutdownAt + timeout * 1000 + KILL_GRACE_MS - Date.now();
    const grace = Math.max(0, Math.min(host.graceMs, left));
    // The wait for what SIGKILL does not end comes out of the same bound: at the bound, none.
    const afterKill = Math.max(0, Math.min(1000, left - grace));
    const drained = await drainLeftovers(addon, reaper, host.pid, grace, {
      info: (m) => sink.event('info', m),
      warn: (m) => sink.event('warn', m),
    }, host.graceMs > 0 && grace === 0, afterKill);
    // Something had to be SIGKILLed: not everything stopped as expected (the exit-code table's 1).
    if (drained.killed > 0 && code === 0) {
      code = 1;
      reason = `${reason}; had to SIGKILL ${drained.killed} process(es) left behind`;
    }
    notify.close();
    cgroups?.close();
    removePidfile();
    // The final line goes through close(): after every line the programs wrote, within
    // FINAL_FLUSH_MS; if output was lost, stderr says how much, then gets the final line.
    await sink.close({ last: { level: code === 0 ? 'info' : 'warn', message: `exiting with code ${code}: ${reason}; final states: ${states.join(', ') || 'no programs'}`, fields: { exitCode: code } } });
    host.exit(code);
  };

  const forwarded = new Set(model.programs.flatMap((p) => p.forward_signals));
  const listen = (name: string, fn: () => void): void => {
    process.on(`SIG${name}` as NodeJS.Signals, fn);
  };
  for (const name of SHUTDOWN_SIGNALS) {
    listen(name, () => {
      if (supervisor.phase !== 'running') {
        sink.event('info', `received SIG${name} while shutting down: already stopping`);
        return;
      }
      sink.event('warn', `received SIG${name} indicating exit request`);
      supervisor.shutdown(`received SIG${name}`);
    });
  }
  // A signal that some program wants forwarded (e.g. nginx's HUP) goes to it instead of
  // carrying pidone's own meaning: the user asked for exactly that.
  if (!forwarded.has('HUP')) {
    listen('HUP', () => {
      if (supervisor.phase !== 'running') return;
      sink.event('warn', 'received SIGHUP indicating reload request');
      reload();
    });
  }
  if (!forwarded.has('USR2')) {
    listen('USR2', () => {
      sink.event('info', 'received SIGUSR2 indicating log reopen request');
      sink.reopen();
    });
  }
  for (const name of forwarded) {
    if ((SHUTDOWN_SIGNALS as readonly string[]).includes(name) || name === 'CHLD' || name === 'KILL' || name === 'STOP') continue;
    listen(name, () => {
      const to = supervisor.forwardSignal(name);
      if (host.verbosity >= 2) sink.event('info', `forwarded SIG${name} to ${to.join(', ') || 'nothing (no such program running)'}`);
    });
  }

  let current = model;
  const read = (): ConfigRead => {
    try {
      const next = load(file, host);
      for (const d of next.warnings) sink.event('warn', formatDiagnostic(d));
      return { ok: true, model: next.model };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const d of err.diagnostics) sink.event(d.severity === 'error' ? 'error' : 'warn', formatDiagnostic(d));
      return { ok: false, errors: err.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic) };
    }
  };
  // supervisor.restart stops everything and starts afresh: supervisord says so with its own
  // events (STOPPING, then every group added and RUNNING), not group by group.
  let restarting = false;
  const events: EventsPort = {
    remote: (type, data) => router.emit(remoteEvent(type, data)),
    restart: (phase) => {
      restarting = phase === 'stopping';
      if (restarting) router.emit(supervisorStateEvent('STOPPING'));
      else router.started(groupNames(current));
    },
    subscribe: (fn) => router.subscribe(fn),
  };
  const apply = (next: Model) => {
    const before = groupNames(current);
    // Pools first: a listener the reload starts speaks to its pool from its first byte.
    router.configure(next.programs);
    prepareCgroups(next);
    const diff = supervisor.reload(next);
    current = next;
    watches.apply(next);
    if (!restarting) router.groupsChanged(before, groupNames(next));
    for (const p of next.programs) if (diff.added.includes(p.name) || diff.changed.includes(p.name)) sink.addProgram(logTargets(p));
    return diff;
  };
  const reload = (): ReloadOutcome => {
    const next = read();
    if (!next.ok) {
      sink.event('error', 'reload rejected: the running programs are left as they are');
      return next;
    }
    const diff = apply(next.model);
    sink.event('info', `reloaded ${file}: added ${diff.added.join(', ') || 'none'}; removed ${diff.removed.join(', ') || 'none'}; changed ${diff.changed.join(', ') || 'none'}`);
    return { ok: true, ...diff };
  };

  const control = new ControlServer(
    {
      supervisor, sink, bus, pid: host.pid, startedAt: Date.now(), now: Date.now, config: { current: () => current, read, apply, reload }, events, stdin,
      usage: (mains) => readUsage(mains, { pageSize: addon.constants.PAGESIZE ?? 4096, clkTck: addon.constants.CLK_TCK ?? 100 }),
    },
    { socket },
  );
  sink.event('info', `pidone ${PIDONE_VERSION} started with pid ${host.pid}: ${model.programs.length} program(s) from ${file}`);
  // Programs start once the control socket is bound: they get its URL, and a socket owned by
  // another live pidone is a startup error (supervisord exits 2 the same way).
  control.start().then(() => {
    // After the socket, as supervisord does: a pidone that cannot serve it must not take the pid file.
    removePidfile = writePidfile(model.settings.pidfile, host.pid, host.cwd, (m) => sink.event('warn', m));
    router.started(groupNames(current));
    supervisor.start();
    watches.apply(model);
  }, (err: unknown) => {
    sink.event('error', `control: ${(err as Error).message}`);
    finishing = true;
    void finish(2, `cannot serve the control socket ${socket}`);
  });
}
