/**
 * The Node client: the core with a ky transport, unref'd timers, and delivery on exit for
 * scripts that forget close().
 */
import { AnalyticsCore, type AnalyticsOptions, type CloseOptions } from '@cdp-analytics/core'
import { registerForExit } from './exit-hook.js'
import { createKyTransport } from './ky-transport.js'
import { keepAliveUntil, unrefTimers } from './timers.js'
import { LIBRARY } from './version.js'

export interface NodeAnalyticsOptions extends AnalyticsOptions {
  /**
   * Deliver pending messages when the event loop empties ('beforeExit'), so a script that
   * forgets `close()` still sends its events and then exits. @default true
   */
  flushOnExit?: boolean
}

export class Analytics extends AnalyticsCore {
  private keepingAlive = false

  constructor(options: NodeAnalyticsOptions) {
    super(options, { transport: createKyTransport(), library: LIBRARY, timers: unrefTimers })
    if (options.flushOnExit !== false) registerForExit(this)
  }

  /** As in the core; in Node it also keeps the process alive until the drain ends. */
  override close(options?: CloseOptions): Promise<void> {
    const closing = super.close(options)
    if (!this.keepingAlive) {
      this.keepingAlive = true
      keepAliveUntil(closing)
    }
    return closing
  }

  /** @internal Called on process 'exit' when messages could not be delivered. */
  warnUndelivered(): void {
    this.logger.warn(`cdp-analytics: process exiting with ${this.pending} undelivered message(s); await analytics.close() before exit`)
  }
}
