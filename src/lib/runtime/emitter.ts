/**
 * A tiny typed event emitter for the router and recorder. Unlike node:events,
 * an 'error' with no listener is not thrown, and a throwing listener cannot
 * break the library that emits.
 */
export interface Emitter<Events> {
  /** Subscribes; returns the unsubscribe function. */
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void
  emit<E extends keyof Events>(event: E, payload: Events[E]): void
}

export function createEmitter<Events>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>()
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (payload: never) => void)
      return () => void set.delete(listener as (payload: never) => void)
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          (listener as (value: typeof payload) => void)(payload)
        } catch {
          // A listener's bug must not reach the request path.
        }
      }
    },
  }
}
