// Is each program where it should be? One rule serves /readyz, `pidone status`'s exit code
// (a Docker HEALTHCHECK) and the web page: a program meant to run must be RUNNING and ready;
// one stopped by a person, one with autostart off that nobody started, and a job that
// completed as expected are fine. Deliberately unlike supervisorctl's status, which exits 3
// for any stopped program, intended or not, so it cannot tell a healthy container from a broken one.
import type { ProcessInfo } from '../core/snapshot.ts';
import type { ProgramSpec } from '../model/spec.ts';
import { describeStatus } from '../core/events.ts';

/** null when the process is fine, else why not. */
export function problemOf(p: ProcessInfo, spec: ProgramSpec | undefined): string | null {
  // A scheduled program waiting for its next run is where it should be (a failed run shows in
  // its description and in /metrics, not as an unhealthy container).
  if (p.life === 'scheduled') return null;
  switch (p.statename) {
    case 'RUNNING':
      return null; // pidone promotes to RUNNING only once the readiness probe passed
    case 'EXITED':
      if (p.completed_successfully) return null;
      return `exited (${p.lastExit ? describeStatus(p.lastExit.code, p.lastExit.signal) : 'unknown status'})${p.completed ? '' : ', restarting'}`;
    case 'STOPPED':
      if (p.start !== 0) return null; // stopped by a command (or a reload): on purpose
      if (p.blocked !== null) return `not started: ${p.blocked}`;
      if (p.waiting !== null) return `not started: waiting for ${p.waiting}`;
      return spec !== undefined && !spec.autostart ? null : 'not started yet';
    case 'STARTING':
      return 'starting';
    case 'STOPPING':
      return 'stopping';
    case 'BACKOFF':
      return `backoff: ${p.spawnerr || 'start failed'}`;
    case 'FATAL':
      return `fatal: ${p.spawnerr || p.description}`;
    case 'UNKNOWN':
      return 'in an unknown state (a signal could not be sent)';
  }
}
