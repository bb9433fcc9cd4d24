// Fans the supervisor's events out to the control plane: command waiters (start waits for
// RUNNING), the web page's event stream, and the exit counters of /metrics.
import type { SupervisorEvent } from '../core/events.ts';

export type EventListener = (e: SupervisorEvent) => void;

/** A set of listeners; a listener that throws does not stop the others. */
export class EventBus {
  readonly #listeners = new Set<EventListener>();

  /** Adds a listener; returns the function that removes it. */
  on(fn: EventListener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Hands an event to every listener (called from the supervisor's report callback). */
  emit(e: SupervisorEvent): void {
    for (const fn of [...this.#listeners]) {
      try {
        fn(e);
      } catch {
        // A broken client stream must not break supervision or the other listeners.
      }
    }
  }
}
