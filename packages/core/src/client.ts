/**
 * AnalyticsCore: the six calls, flush and close, events and counters. Runtime adapters
 * (Node, edge) construct it with a Transport and a timer host; all policy lives here.
 */
import { nanoid } from 'nanoid'
import { basicAuthorization } from './auth.js'
import { messageOf, type Batch, type QueuedMessage } from './batch.js'
import { type BodyEncoder, deliverBatch, sleep, type DeliveryContext, type RequestInfo, type RetryInfo } from './deliver.js'
import { Emitter } from './emitter.js'
import { type AnalyticsError, ClosedError, type FailureReason, QueueFullError } from './errors.js'
import { buildMessage, callbackMistake, type BuildSettings } from './messages/build.js'
import { resolveOptions, type AnalyticsOptions, type Settings } from './options.js'
import type { LimitWarning, MessageCheck } from './customerio/journeys-limits.js'
import type { GroupParamsOf, IdentifyParamsOf, PlanCheck, TrackingPlan, TrackParamsOf } from './plan.js'
import { RateGate } from './rate-gate.js'
import type { RetrySettings } from './retry-policy.js'
import { Scheduler } from './scheduler.js'
import { OPTION_NAMES, unknownOptionWarnings } from './unknown-options.js'
import { serializeMessage } from './serialize.js'
import type { MessageStore } from './store.js'
import { isoClock } from './timestamp.js'
import type { Transport } from './transport.js'
import type {
  AliasParams,
  Callback,
  ErrorCallback,
  Logger,
  Message,
  MessageType,
  PageParams,
  ScreenParams,
  TimerHost,
  TrackParams,
} from './types.js'

/** What an adapter provides for its runtime. */
export interface Runtime {
  transport: Transport
  /** Sent as `context.library` on every message. */
  library: { name: string; version: string }
  /** How timers are armed; defaults to setTimeout. */
  timers?: TimerHost
  /** When false, no timer is armed per batch: the adapter triggers flushes itself. @default true */
  intervalFlush?: boolean
  /** When false, reaching `flushAt` starts no request: the adapter flushes (the edge, per drain). @default true */
  flushOnCount?: boolean
  /** Called after each accepted message (the edge adapter hooks waitUntil here). */
  onEnqueue?: () => void
  /**
   * A durable store (the Node spool): every accepted call is handed to it, and every message's
   * outcome goes back to it (store.ts). @default none: messages live in memory only
   */
  store?: MessageStore
  /** The adapter's own options, besides the core's: any other is warned about as unknown. */
  options?: readonly string[]
  /**
   * How `compress: true` gzips a request body: the core's `encodeBody`, which the Node and edge
   * adapters pass. Without it `compress` sends plain bodies. Injected rather than imported, so a
   * page (which cannot send `Content-Encoding: gzip` without a CORS preflight, and refuses the
   * option) does not carry the gzip code.
   */
  encodeBody?: BodyEncoder
  /**
   * How a network error reads in a failure's detail, and whether a retry can fix it: the Node
   * client's `describeNetworkError`, which reads undici's cause codes (ECONNREFUSED, "bad port").
   * @default the error's message, retried: all a browser's or a worker's fetch says
   */
  describeNetworkError?: RetrySettings['describeNetworkError']
  /**
   * The checks of a client that sends the write key in a header over its own connection: the core's
   * `checkConnection`, which the Node and edge adapters pass (a writeKey with CR, LF or NUL is a
   * ConfigError; plain http to another machine, a warning). Injected like `encodeBody`, so a page,
   * which sends the key in its body, does not carry them.
   */
  checkConnection?: (settings: Settings, logger: Logger) => void
}

export type AnalyticsEvents = {
  /** A message reached the API (2xx). */
  delivered: { message: Message }
  /** A message has a final failure; `error.reason` says why (a dropped message is a failure too). */
  failed: { error: AnalyticsError; message: Message | undefined }
  /** A batch will be re-sent after `delay` ms. */
  retry: RetryInfo
  /** One HTTP attempt finished. */
  request: RequestInfo
  /** A message exceeds a limit of the `limits` option (such as `journeysLimits()`) and is sent anyway. */
  warning: LimitWarning
}

export interface AnalyticsStats {
  /** Calls accepted into the queue. */
  enqueued: number
  delivered: number
  /** Final failures, all reasons together. */
  failed: number
  failedByReason: Partial<Record<FailureReason, number>>
  requests: number
  retries: number
  /** Messages waiting to be sent. */
  queued: number
  /** Messages in batches being sent or retried. */
  sending: number
}

export interface CloseOptions {
  /** Milliseconds to wait for delivery, retries included; then what is left fails with reason `deadline`. */
  timeout?: number
}

const defaultTimers: TimerHost = (callback, ms) => {
  const id = setTimeout(callback, ms)
  return () => clearTimeout(id)
}

/**
 * The client. `P` is the tracking plan given as the `plan` option (inferred by `new`): with one,
 * `track()`, `identify()` and `group()` take the plan's types; without one (`undefined`), the
 * plain ones.
 */
export class AnalyticsCore<P extends TrackingPlan | undefined = undefined> extends Emitter<AnalyticsEvents> {
  protected readonly settings: Settings
  /** Prefixes every line with "cdp-analytics: " (adapters log through it too) and never throws. */
  protected readonly logger: Logger
  protected readonly scheduler: Scheduler
  #build: BuildSettings
  /**
   * One AbortController per batch being sent, made where the send starts: workerd binds an
   * AbortSignal to the request that created it, so a single client-wide signal made during one
   * request throws "Cannot perform I/O on behalf of a different request" in the next (issue 3).
   */
  #sending = new Set<AbortController>()
  /** Drains (close(), or a Node exit drain) whose deadline has passed and that are still cutting sends short. */
  #pastDeadline = 0
  #timers: TimerHost
  #onEnqueue: (() => void) | undefined
  #store: MessageStore | undefined
  #closing: Promise<void> | undefined
  #counts = { enqueued: 0, delivered: 0, failed: 0, requests: 0, retries: 0 }
  #failedByReason: Partial<Record<FailureReason, number>> = {}
  #warnedReasons = new Set<string>()
  /** Whether debug lines go anywhere: to the user's logger, or to the console when `verbose`. */
  #debugLogged: boolean
  /** Outcomes decided during calls, waiting for the end of the synchronous run (#reportSoon). */
  #soon: (AnalyticsError | Message | Callback | number | undefined)[] = []
  /** The queue_full errors of the refusals in #soon, one per bound. */
  #fullErrors: { maxQueueSize?: QueueFullError; maxQueueBytes?: QueueFullError } = {}
  #checkPlan: PlanCheck | undefined
  #checkLimits: MessageCheck | undefined

  constructor(options: AnalyticsOptions<P>, runtime: Runtime) {
    super()
    this.settings = resolveOptions(options)
    this.logger = prefixedLogger(options.logger, this.settings.verbose)
    runtime.checkConnection?.(this.settings, this.logger)
    this.#debugLogged = options.logger !== undefined || this.settings.verbose
    this.#checkPlan = options.plan?.checker(options.undeclaredEvents, this.logger)
    this.#checkLimits = options.limits?.checker((warning) => this.emit('warning', warning), this.logger)
    this.#timers = runtime.timers ?? defaultTimers
    this.#onEnqueue = runtime.onEnqueue
    this.#store = runtime.store
    const { now } = options
    this.#build = {
      library: runtime.library,
      defaultContext: this.settings.defaultContext,
      integrations: this.settings.integrations,
      generateId: options.generateId ?? (() => nanoid()),
      timestamp: now ? () => now().toISOString() : isoClock(),
    }
    const transport = options.transport ?? runtime.transport
    if (transport.maxBatchBytes! < this.settings.maxBatchBytes) this.settings.maxBatchBytes = transport.maxBatchBytes!
    const gate = new RateGate()
    const delivery = {
      ...this.#deliveryContext(transport, now ?? (() => new Date()), runtime.describeNetworkError),
      gate,
      compress: this.settings.compress ? runtime.encodeBody : undefined,
    }
    this.scheduler = new Scheduler(this.settings, {
      gate,
      resumeTimers: this.#timers,
      deliver: (batch) => this.#deliver(batch, delivery),
      settle: (batch, error) => this.#settleBatch(batch, error),
      timers: runtime.intervalFlush === false ? undefined : this.#timers,
      flushOnCount: runtime.flushOnCount,
    })
    for (const line of unknownOptionWarnings(options, [...OPTION_NAMES, ...(runtime.options ?? [])])) this.logger.warn(line)
  }

  // Each call takes a callback of the outcome pair, narrowed by `if (!err)`, or one that reads only
  // the error: TypeScript cannot take a one-parameter arrow as a function of a union of pairs.
  identify(params: IdentifyParamsOf<P>, callback?: Callback): void
  identify(params: IdentifyParamsOf<P>, callback?: ErrorCallback): void
  identify(params: IdentifyParamsOf<P>, callback?: Callback | ErrorCallback): void {
    this.#enqueue('identify', params, callback as Callback | undefined)
  }
  track(params: TrackParamsOf<P>, callback?: Callback): void
  track(params: TrackParamsOf<P>, callback?: ErrorCallback): void
  track(params: TrackParamsOf<P>, callback?: Callback | ErrorCallback): void {
    this.#enqueue('track', params, callback as Callback | undefined)
  }
  page(params: PageParams, callback?: Callback): void
  page(params: PageParams, callback?: ErrorCallback): void
  page(params: PageParams, callback?: Callback | ErrorCallback): void {
    this.#enqueue('page', params, callback as Callback | undefined)
  }
  screen(params: ScreenParams, callback?: Callback): void
  screen(params: ScreenParams, callback?: ErrorCallback): void
  screen(params: ScreenParams, callback?: Callback | ErrorCallback): void {
    this.#enqueue('screen', params, callback as Callback | undefined)
  }
  group(params: GroupParamsOf<P>, callback?: Callback): void
  group(params: GroupParamsOf<P>, callback?: ErrorCallback): void
  group(params: GroupParamsOf<P>, callback?: Callback | ErrorCallback): void {
    this.#enqueue('group', params, callback as Callback | undefined)
  }
  alias(params: AliasParams, callback?: Callback): void
  alias(params: AliasParams, callback?: ErrorCallback): void
  alias(params: AliasParams, callback?: Callback | ErrorCallback): void {
    this.#enqueue('alias', params, callback as Callback | undefined)
  }

  /**
   * @internal How Customer.io's semantic events (customerio/semantic-events.ts) send: a track
   * that the tracking plan does not judge (its event name is Customer.io's, not the plan's), or
   * the helper's own ValidationError, refused like any invalid call.
   */
  sendSemantic(params: TrackParams | AnalyticsError, callback: Callback | undefined): void {
    if (params instanceof Error && !this.#closing) return this.#refuse(params as AnalyticsError, undefined, callback)
    this.#enqueue('track', params, callback, true)
  }

  protected onListenerError(error: unknown): void {
    this.logger.error('an event listener threw', error)
  }

  /** Sends everything queued so far; resolves when all of it has an outcome. Never rejects. */
  flush(): Promise<void> {
    return this.scheduler.flush()
  }

  /**
   * Flushes, waits for delivery and retries up to `timeout` ms, then fails what is left with
   * reason `deadline`. Later calls fail with reason `closed`. Runs once; later calls return
   * the same promise. Never rejects.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#drain(options.timeout ?? this.settings.closeTimeout)
    return this.#closing
  }

  /**
   * What close() does, without closing: delivers everything pending, waiting at most `timeout` ms
   * (retries included; default `closeTimeout`), then fails what is left with reason `deadline`.
   * Later calls are accepted as before. For code that must bound its wait, such as a handler
   * before its platform freezes it, and for Node's exit hook (the program may still be waiting
   * on the client, a callback wrapped in a promise, and go on using it). Never rejects.
   */
  drain(options: CloseOptions = {}): Promise<void> {
    return this.#drain(options.timeout ?? this.settings.closeTimeout)
  }

  get closed(): boolean {
    return this.#closing !== undefined
  }

  /** Messages without an outcome yet. */
  get pending(): number {
    return this.scheduler.pending
  }

  get stats(): AnalyticsStats {
    return {
      ...this.#counts,
      failedByReason: { ...this.#failedByReason },
      queued: this.scheduler.queuedMessages,
      sending: this.scheduler.pending - this.scheduler.queuedMessages,
    }
  }

  #enqueue(type: MessageType, params: unknown, callback: Callback | undefined, unplanned?: boolean): void {
    if (typeof callback !== 'function' && callback !== undefined)
      return this.#refuse(callbackMistake(type, params, callback), undefined, undefined)
    if (this.#closing) {
      return this.#refuse(new ClosedError(`${type}: the client is closed; calls after close() are not sent`), undefined, callback)
    }
    // Known before building: a burst into a full queue must cost little per call (issue 22).
    if (this.scheduler.full(0)) return this.#refuseFull('maxQueueSize', callback)
    const message = buildMessage(type, params, this.#build)
    // `instanceof Error` is enough: these return only this copy's own errors (AnalyticsError's
    // cross-copy Symbol.hasInstance is for errors handed to users).
    if (message instanceof Error) return this.#refuse(message, undefined, callback)
    const broken = unplanned ? undefined : this.#checkPlan?.(type, message)
    if (broken) return this.#refuse(broken, message, callback)
    const serialized = serializeMessage(message, this.settings.maxMessageBytes)
    if (serialized instanceof Error) return this.#refuse(serialized, message, callback)
    const over = this.#checkLimits?.(message, serialized.bytes)
    if (over) return this.#refuse(over, message, callback)
    if (this.settings.disable) return this.#pretendDelivered(message, callback)
    const full = this.scheduler.full(serialized.bytes)
    if (full) return this.#refuseFull(full, callback)
    const item: QueuedMessage = {
      message: callback && message,
      json: serialized.json,
      bytes: serialized.bytes,
      callback,
      stored: undefined,
    }
    // The store keeps only what the queue takes: the queue's bounds first, then the store's.
    const refused = this.#store?.accept(item)
    if (refused) return this.#refuse(refused, message, callback)
    this.scheduler.add(item)
    this.#counts.enqueued++
    this.#onEnqueue?.()
  }

  /** `disable: true`: a valid message is reported delivered, after the call returned, and never sent. */
  #pretendDelivered(message: Message, callback: Callback | undefined): void {
    this.#counts.enqueued++
    this.#counts.delivered++
    this.#reportSoon(undefined, message, callback)
  }

  /** A call that never entered the queue: report it asynchronously, or throw in strict mode. */
  #refuse(error: AnalyticsError, message: Message | undefined, callback: Callback | undefined): void {
    if (this.settings.strict && (error.reason === 'invalid' || error.reason === 'unserializable' || error.reason === 'too_large')) {
      throw error
    }
    if (!callback) this.#warnUnhandled(error, 1)
    this.#countFailure(error)
    if (callback || this.has('failed')) this.#reportSoon(error, message, callback)
  }

  /**
   * A call refused by a bound of the queue. The error is shared by the refusals reported together
   * and its outcome carries no message: a burst of calls into a full queue then holds no message,
   * stack trace or closure per call (it held ~1 KB each: a million calls, a gigabyte).
   */
  #refuseFull(bound: 'maxQueueSize' | 'maxQueueBytes', callback: Callback | undefined): void {
    const limit = bound === 'maxQueueSize' ? `${this.settings.maxQueueSize} messages` : `${this.settings.maxQueueBytes} bytes`
    this.#fullErrors[bound] ??= new QueueFullError(`queue is full (${bound} ${limit}); message dropped`)
    this.#refuse(this.#fullErrors[bound], undefined, callback)
  }

  /**
   * Reports an outcome decided during the call (a refusal, or `disable`'s delivery) once the
   * current synchronous run ends, so a callback always runs after its call returned. One
   * microtask reports all of a run's outcomes, kept as flat triples rather than a closure each;
   * repeats of one error with neither message nor callback (a burst seen only by a `failed`
   * listener) share one triple, its middle slot counting them.
   */
  #reportSoon(error: AnalyticsError | undefined, message: Message | undefined, callback: Callback | undefined): void {
    const soon = this.#soon
    const last = soon.length - 3
    if (soon.length === 0) queueMicrotask(() => this.#reportEarlyOutcomes())
    else if (!message && !callback && soon[last] === error && typeof soon[last + 1] === 'number') {
      ;(soon[last + 1] as number)++
      return
    }
    soon.push(error, message ?? (callback ? undefined : 1), callback)
  }

  #reportEarlyOutcomes(): void {
    const soon = this.#soon
    this.#soon = []
    this.#fullErrors = {}
    for (let i = 0; i < soon.length; i += 3) {
      const error = soon[i] as AnalyticsError | undefined
      const message = soon[i + 1] as Message | number | undefined
      const callback = soon[i + 2] as Callback | undefined
      if (typeof message === 'number') for (let n = 0; n < message; n++) this.#report(error!, undefined, undefined)
      else if (error) this.#report(error, message, callback)
      else {
        this.emit('delivered', { message: message! })
        if (callback) this.#callSafely(callback, undefined, message!)
      }
    }
  }

  #settleBatch(batch: Batch, error: AnalyticsError | undefined): void {
    batch.reported = true
    this.#store?.settled(batch.items, error)
    if (error) {
      let unhandled = 0
      for (const item of batch.items) if (!item.callback) unhandled++
      if (unhandled > 0) this.#warnUnhandled(error, unhandled)
      for (const item of batch.items) {
        this.#countFailure(error)
        this.#report(error, messageOf(item), item.callback)
      }
      return
    }
    this.#counts.delivered += batch.count
    const notify = this.has('delivered')
    for (const item of batch.items) {
      // Delivered, so its JSON was the API's to read: a message.
      if (notify) this.emit('delivered', { message: messageOf(item)! })
      if (item.callback) this.#callSafely(item.callback, undefined, messageOf(item)!)
    }
  }

  /**
   * A failure no callback will see is logged, unless a `failed` listener takes it: once per
   * reason as a warning (stats.failedByReason counts every one), then at debug level.
   */
  #warnUnhandled(error: AnalyticsError, count: number): void {
    if (this.has('failed')) return
    const warned = this.#warnedReasons.has(error.reason)
    // The debug line is built only when someone may read it: a burst of refusals meets this per call.
    if (warned && !this.#debugLogged) return
    const text = `${count} message(s) failed: ${error.message}`
    if (warned) return this.logger.debug(text)
    this.#warnedReasons.add(error.reason)
    this.logger.warn(`${text} (unhandled: pass a callback or listen to 'failed'; more "${error.reason}" failures are only counted)`)
  }

  #countFailure(error: AnalyticsError): void {
    this.#counts.failed++
    const reason = error.reason as FailureReason
    this.#failedByReason[reason] = (this.#failedByReason[reason] ?? 0) + 1
  }

  #report(error: AnalyticsError, message: Message | undefined, callback: Callback | undefined): void {
    this.emit('failed', { error, message })
    if (callback) this.#callSafely(callback, error, message)
  }

  #callSafely(callback: Callback, ...outcome: Parameters<Callback>): void {
    try {
      callback(...outcome)
    } catch (thrown) {
      // A throwing callback must not break delivery of the rest of the batch.
      this.logger.error('a callback threw', thrown)
    }
  }

  async #deliver(batch: Batch, delivery: DeliveryContext): Promise<void> {
    const controller = new AbortController()
    if (this.#pastDeadline > 0) controller.abort()
    this.#sending.add(controller)
    try {
      const stored = this.#store?.beforeSend?.(batch.items)
      if (stored) await stored
      await deliverBatch(batch, delivery, controller.signal)
    } finally {
      this.#sending.delete(controller)
    }
  }

  #deliveryContext(transport: Transport, now: () => Date, describeNetworkError: RetrySettings['describeNetworkError']): DeliveryContext {
    const { settings } = this
    return {
      transport,
      url: settings.url,
      headers: {
        ...settings.headers,
        'Content-Type': 'application/json',
        Authorization: basicAuthorization(settings.writeKey),
      },
      timeout: settings.timeout,
      retry: {
        maxRetries: settings.maxRetries,
        backoff: settings.retryBackoff,
        maxRetryDelay: settings.maxRetryDelay,
        describeNetworkError,
      },
      timers: this.#timers,
      now,
      onRequest: (info) => {
        this.#counts.requests++
        if (settings.verbose) {
          this.logger.debug(
            `POST ${settings.url} attempt ${info.attempt}: ${info.messageCount} messages, ${info.bytes} bytes -> ${info.status ?? info.error} in ${info.durationMs} ms`,
          )
        }
        this.emit('request', info)
      },
      onRetry: (info) => {
        this.#counts.retries++
        if (settings.verbose) this.logger.debug(`retry ${info.attempt} in ${info.delay} ms (${info.reason})`)
        this.emit('retry', info)
      },
      settle: (batch, error) => this.#settleBatch(batch, error),
      secrets: [settings.writeKey, basicAuthorization(settings.writeKey).slice('Basic '.length)],
    }
  }

  async #drain(timeout: number): Promise<void> {
    const drained = this.scheduler.flush()
    const deadline = new AbortController()
    const timedOut = await Promise.race([drained.then(() => false), sleep(timeout, deadline.signal, this.#timers).then(() => true)])
    deadline.abort()
    if (timedOut) {
      // Cut retries and requests short; each waiting message gets a `deadline` failure.
      this.#pastDeadline++
      for (const controller of this.#sending) abortQuietly(controller)
      this.scheduler.failWaiting()
      await drained
      this.#pastDeadline--
    }
    if (this.#closing) this.scheduler.stopTimer()
  }
}

/** On workerd a controller made in another request cannot be touched; that send ends with its request. */
function abortQuietly(controller: AbortController): void {
  try {
    controller.abort()
  } catch {
    // Nothing to do: the other request's own lifetime bounds that send.
  }
}

/**
 * The client's logger: `logger`, or the console (debug lines only when `verbose`), looked up at
 * call time. Every line starts with "cdp-analytics: ". A logger that throws must not turn a
 * background send into an unhandled rejection.
 */
function prefixedLogger(logger: Logger | undefined, verbose: boolean): Logger {
  const guard =
    (level: keyof Logger) =>
    (message: string, ...rest: unknown[]) => {
      try {
        if (logger) logger[level](`cdp-analytics: ${message}`, ...rest)
        else if (level !== 'debug' || verbose) console[level](`cdp-analytics: ${message}`, ...rest)
      } catch {
        // Nowhere left to report it; dropping a log line beats crashing the host.
      }
    }
  return { debug: guard('debug'), info: guard('info'), warn: guard('warn'), error: guard('error') }
}
