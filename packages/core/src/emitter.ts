/**
 * A minimal typed event emitter, the base of the client: `on`/`off` are public, emitting is the
 * subclass's. A listener that throws is handed to `onListenerError`, never rethrown.
 */

type Listener<T> = (payload: T) => void

export abstract class Emitter<Events extends Record<string, unknown>> {
  #listeners: { [K in keyof Events]?: Listener<Events[K]>[] } = {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const list = this.#listeners[event] ?? []
    this.#listeners[event] = list
    list.push(listener)
    return () => this.off(event, listener)
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.#listeners[event]
    if (list) this.#listeners[event] = list.filter((l) => l !== listener)
  }

  /** Cheap check so hot paths build a payload only when someone listens. */
  protected has(event: keyof Events): boolean {
    return (this.#listeners[event]?.length ?? 0) > 0
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.#listeners[event]
    if (!list) return
    for (const listener of list) {
      try {
        listener(payload)
      } catch (error) {
        this.onListenerError(error)
      }
    }
  }

  /** A listener threw: report it without disturbing the emitter's caller. */
  protected abstract onListenerError(error: unknown): void
}
