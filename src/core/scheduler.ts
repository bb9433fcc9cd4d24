// Deciding what starts when, between machine events: automatic starts in dependency waves
// (with "blocked" reports for what never can), and the follow-ups of slots that have stopped
// (reload replacement or removal, restart requests).
import type { Runtime } from './runtime.ts';
import type { Slot } from './slot.ts';
import { gateAll } from './deps.ts';
import { newSlot } from './slot.ts';
import { STOPPED_STATES } from './state.ts';

/** Queues the start of every pending process whose dependencies allow it now. */
export function startWave(rt: Runtime): void {
  const go: Slot[] = [];
  for (const s of rt.slots.values()) {
    if (!s.pending) continue;
    const deps = rt.graph.dependencies(s.spec.name).flatMap(({ name, condition }) => {
      const dep = rt.slots.get(name);
      return dep === undefined ? [] : [{ dep, condition }];
    });
    const gate = gateAll(deps);
    if (gate.kind === 'go') {
      go.push(s);
      continue;
    }
    s.waiting = gate.kind === 'wait' ? gate.text : null;
    const reason = gate.kind === 'blocked' ? gate.reason : null;
    if (reason !== s.blocked) {
      s.blocked = reason;
      if (reason !== null) rt.report({ type: 'blocked', name: s.spec.name, reason });
    }
  }
  // supervisord spawns a batch in (priority, config order).
  go.sort((a, b) => a.spec.priority - b.spec.priority || a.order - b.order);
  for (const s of go) {
    clearPending(s);
    rt.enqueue(s, { type: 'start', manual: false });
  }
}

/** No longer waiting for an automatic start. */
export function clearPending(s: Slot): void {
  s.pending = false;
  s.waiting = null;
  s.blocked = null;
}

/**
 * What a slot that has come to rest was waiting for: removal, its new spec (a fresh record,
 * pending if autostart and pidone has booted), or a restart. Nothing starts unless `running`.
 */
export function followUp(rt: Runtime, s: Slot, running: boolean, booted: boolean): void {
  if (!STOPPED_STATES.has(s.proc.state) || s.proc.restartPending || s.child !== null) return;
  if (s.removing) {
    rt.disarm(s);
    rt.slots.delete(s.spec.name);
    rt.regraph();
  } else if (s.nextSpec !== null) {
    const fresh = newSlot(s.nextSpec, s.order);
    fresh.pending = fresh.spec.autostart && running && booted;
    rt.disarm(s);
    rt.slots.set(s.spec.name, fresh);
    rt.regraph();
  } else if (s.restartWanted) {
    s.restartWanted = false;
    if (running) rt.enqueue(s, { type: 'start', manual: true });
  }
}

/** Asks a slot that is being replaced or removed to stop (it is followed up once at rest). */
export function retire(rt: Runtime, s: Slot): void {
  clearPending(s);
  s.restartWanted = false;
  if (s.proc.state === 'RUNNING' || s.proc.state === 'STARTING' || s.proc.state === 'BACKOFF' || s.proc.restartPending) {
    rt.enqueue(s, { type: 'stop' });
  }
}
