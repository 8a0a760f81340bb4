/**
 * Graceful shutdown for long-running servers: Node runs no `beforeExit` on a signal, so a rolling
 * deploy's SIGTERM would end the process with events still queued. `closeOnSignals` closes the
 * client on the signal, then lets the process end as the signal would have ended it.
 */
import type { CloseOptions } from '@cdp-analytics/core'

export interface CloseOnSignalsOptions {
  /** Signals to handle. @default ['SIGTERM', 'SIGINT'] */
  signals?: NodeJS.Signals[]
  /** How long `close()` may take, in ms. @default the client's `closeTimeout` */
  timeout?: number
  /**
   * After the client closed: when nothing else listens to the signal, raise it again so that the
   * process ends by it (exit status 128 + its number, as without this helper). With other
   * listeners (your own handler), they decide when the process exits. `false`: never raise.
   * @default true
   */
  reraise?: boolean
  /** Called once the client has closed, before the signal is raised again. */
  onClosed?: (signal: NodeJS.Signals) => void
}

interface Closable {
  close(options?: CloseOptions): Promise<void>
}

/**
 * Closes `analytics` on SIGTERM or SIGINT (delivering what is queued, within `timeout`), then
 * lets the signal end the process. A second signal during the close gets Node's default (an
 * immediate exit). Returns a function that removes the handlers.
 */
export function closeOnSignals(analytics: Closable, options: CloseOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT']
  const remove = () => {
    for (const signal of signals) process.off(signal, handle)
  }
  function handle(signal: NodeJS.Signals): void {
    remove()
    const closing = analytics.close(options.timeout === undefined ? {} : { timeout: options.timeout })
    void closing.then(() => {
      options.onClosed?.(signal)
      if (options.reraise !== false && process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
  for (const signal of signals) process.on(signal, handle)
  return remove
}
