/** A minimal typed event emitter; a listener that throws is reported, never rethrown. */

type Listener<T> = (payload: T) => void

export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners: { [K in keyof Events]?: Listener<Events[K]>[] } = {}

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    ;(this.listeners[event] ??= []).push(listener)
    return () => this.off(event, listener)
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.listeners[event]
    if (list) this.listeners[event] = list.filter((l) => l !== listener)
  }

  /** Cheap check so hot paths build a payload only when someone listens. */
  has(event: keyof Events): boolean {
    return (this.listeners[event]?.length ?? 0) > 0
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.listeners[event]
    if (!list) return
    for (const listener of list) {
      try {
        listener(payload)
      } catch (error) {
        this.onListenerError(error)
      }
    }
  }
}
