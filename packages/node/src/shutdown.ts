/**
 * Graceful shutdown for long-running servers: Node runs no `beforeExit` on a signal, so a rolling
 * deploy's SIGTERM would end the process with events still queued. `closeOnSignals` closes the
 * client on the signal, then lets the process end as the signal would have ended it. With
 * `beforeClose` it first waits, within a deadline, for what is still producing events (the
 * requests an HTTP server is handling): a client closed under them fails their events with `closed`.
 */
import type { CloseOptions } from '@cdp-analytics/core'

/** How long `closeOnSignals` waits for `beforeClose` when not told, in ms. */
const BEFORE_CLOSE_TIMEOUT = 10_000

export interface CloseOnSignalsOptions {
  /** Signals to handle. @default ['SIGTERM', 'SIGINT'] */
  signals?: NodeJS.Signals[]
  /** How long `close()` may take, in ms (after `beforeClose`). @default the client's `closeTimeout` */
  timeout?: number
  /**
   * Runs first when a signal arrives; the client is closed only once what it returns settles, so
   * events tracked meanwhile (by requests still being handled) are delivered too. For an HTTP
   * server, close it: `() => new Promise((resolve) => server.close(() => resolve()))` stops new
   * connections and settles once the requests in progress have been answered and their
   * connections have ended (a keep-alive connection that goes idle after the call ends at the
   * client's or the server's keep-alive timeout, `server.keepAliveTimeout`: 5 s by default).
   * Waited for at most `beforeCloseTimeout`; when it throws or rejects, the client is closed all
   * the same.
   */
  beforeClose?: () => unknown
  /**
   * The longest wait for `beforeClose`, in ms, before the client is closed anyway (with its own
   * `timeout` after it), so a request that never ends cannot hold the process. Keep
   * `beforeCloseTimeout` + `timeout` under your platform's grace period (Kubernetes: 30 s).
   * @default 10000
   */
  beforeCloseTimeout?: number
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
 * lets the signal end the process. With `beforeClose`, it first waits for it (at most
 * `beforeCloseTimeout`), e.g. for an HTTP server to answer the requests in progress. A second
 * signal meanwhile gets Node's default (an immediate exit). Returns a function that removes the
 * handlers.
 *
 * @example
 * ```ts
 * closeOnSignals(analytics, { beforeClose: () => new Promise((resolve) => server.close(() => resolve())) })
 * ```
 */
export function closeOnSignals(analytics: Closable, options: CloseOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT']
  const remove = () => {
    for (const signal of signals) process.off(signal, handle)
  }
  function handle(signal: NodeJS.Signals): void {
    remove()
    const closing = settledWithin(options.beforeClose, options.beforeCloseTimeout ?? BEFORE_CLOSE_TIMEOUT).then(() =>
      analytics.close(options.timeout === undefined ? {} : { timeout: options.timeout }),
    )
    void closing.then(() => {
      options.onClosed?.(signal)
      if (options.reraise !== false && process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
  for (const signal of signals) process.on(signal, handle)
  return remove
}

/**
 * Runs `hook` and resolves once what it returns settles or `ms` have passed, whichever is first;
 * never rejects (a failing hook must not stop the client from closing). The timer is not unref'd:
 * the process is shutting down and must stay up until the client has closed.
 */
async function settledWithin(hook: (() => unknown) | undefined, ms: number): Promise<void> {
  if (!hook) return
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  try {
    await Promise.race([Promise.resolve().then(hook), deadline])
  } catch {
    // Ignored on purpose: the client closes all the same.
  } finally {
    clearTimeout(timer)
  }
}
