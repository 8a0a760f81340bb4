/**
 * The forwarder side of Redis Streams (issue 19): a consumer of the group that reads entries
 * (`XREADGROUP`), hands their JSON to a core client through `enqueueStored()` (the one loop of every
 * durable path: the client's batching, request builder, retry policy, `Retry-After`, rate-limit
 * pause and the isolation of refused messages), and turns each message's outcome into what happens
 * to its entry (policy.ts): `XACK` + `XDEL`, the dead-letter stream, another round, or left pending.
 * The periodic upkeep (upkeep.ts) renews what it holds, takes over what dead forwarders held
 * (`XAUTOCLAIM`) and retries its own failed rounds. At-least-once: an entry leaves the stream only
 * once the API accepted it, or once it is in the dead-letter stream.
 */
import {
  type AnalyticsError,
  DurableCore,
  checkConnection,
  encodeBody,
  MAX_MESSAGE_BYTES,
  type MessageStore,
  type StoreItem,
  storedAction,
} from '@cdp-analytics/core'
import { createHttpTransport, type HttpTransport, SIZE_TRANSPORT } from '../http-transport.js'
import { describeNetworkError } from '../network-error.js'
import { unrefTimers } from '../timers.js'
import { LIBRARY } from '../version.js'
import { type RedisCommands, type RedisConnection, redisCommands } from './client.js'
import { type Held, Ledger } from './ledger.js'
import { type ForwarderSettings, type RedisStreamForwarderOptions, resolveForwarderOptions, UNLIMITED_RETRIES } from './options.js'
import { deliveriesError } from './policy.js'
import { readDeliveryCounts, type StreamEntry, readStreamReply } from './replies.js'
import type { ForwarderEnd, RedisStreamForwarder, RedisStreamForwarderStats } from './types.js'
import { Upkeep } from './upkeep.js'
import { bounded, sleep, within } from './within.js'

/**
 * A forwarder: delivers a Redis stream filled by `createRedisStreamTransport` to the API, in a
 * consumer group that any number of forwarders on any machines join (README, "Redis Streams").
 *
 * ```ts
 * const forwarder = createRedisStreamForwarder({ redis: new Redis(url), writeKey, region: 'eu' })
 * await forwarder.start()
 * // on SIGTERM:
 * await forwarder.stop()
 * ```
 */
export function createRedisStreamForwarder(options: RedisStreamForwarderOptions): RedisStreamForwarder {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createRedisStreamForwarder(options): pass { redis, writeKey, ... }')
  }
  return new Forwarder(options)
}

const noop = () => undefined

class Forwarder implements RedisStreamForwarder, MessageStore {
  readonly settings: ForwarderSettings
  readonly redis: RedisCommands
  readonly client: DurableCore
  readonly ledger = new Ledger()
  readonly done: Promise<ForwarderEnd>
  readonly counts = { read: 0, claimed: 0, delivered: 0, deadLettered: 0, redisErrors: 0 }
  readonly logger: NonNullable<RedisStreamForwarderOptions['logger']>
  #end!: (end: ForwarderEnd) => void
  #starting: Promise<void> | undefined
  #stopping: Promise<void> | undefined
  stopped = false
  #reader: RedisConnection | undefined
  #readerId: string | undefined
  #reading: Promise<void> | undefined
  #upkeep: Upkeep
  /** Wakes the read loop waiting for room (an outcome freed some) or out of a pause (stop()). */
  #wakeRoom: (() => void) | undefined
  #wakePause: (() => void) | undefined
  #writes: Promise<void> = Promise.resolve()
  #redisDown = false

  constructor(options: RedisStreamForwarderOptions) {
    this.settings = resolveForwarderOptions(options)
    this.redis = bounded(redisCommands(options.redis, 'createRedisStreamForwarder'))
    this.logger = options.logger ?? console
    const { maxHeld, readCount } = this.settings
    const transport = options.transport ?? createHttpTransport()
    this.client = new DurableCore(
      {
        writeKey: options.writeKey,
        ...pick(options, [
          'region',
          'endpoint',
          'timeout',
          'maxRetryDelay',
          'retryBackoff',
          'maxInFlight',
          'compress',
          'headers',
          'strictMode',
          'verbose',
        ]),
        maxRetries: options.maxRetries ?? UNLIMITED_RETRIES,
        logger: options.logger,
        transport,
        // Requests start after each read (flush), packed up to 1,000 messages or 500 kB.
        flushAt: 1000,
        flushInterval: 1000,
        // Never the bound: reading waits at maxHeld, one read's worth below these.
        maxQueueSize: maxHeld + readCount,
        maxQueueBytes: (maxHeld + readCount) * MAX_MESSAGE_BYTES,
      },
      { transport, library: LIBRARY, timers: unrefTimers, store: this, encodeBody, describeNetworkError, checkConnection },
    )
    // The node:http transport sizes its keep-alive Agent to the requests in flight (as the Node client does).
    ;(transport as Partial<HttpTransport>)[SIZE_TRANSPORT]?.(options.maxInFlight ?? 4)
    // Outcomes are this forwarder's to report (the dead-letter stream, its log), not the client's "unhandled" warning.
    this.client.on('failed', () => undefined)
    this.done = new Promise((resolve) => (this.#end = resolve))
    this.#upkeep = new Upkeep(this)
  }

  get consumer(): string {
    return this.settings.consumer
  }

  get stats(): RedisStreamForwarderStats {
    return { ...this.counts, held: this.ledger.held.size, api: this.client.stats }
  }

  start(): Promise<void> {
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start(): Promise<void> {
    if (this.stopped) throw new Error('this forwarder was stopped; create a new one')
    // A start that failed (Redis away) may be tried again.
    await this.ensureGroup().catch((error) => {
      this.#starting = undefined
      throw error
    })
    // Blocking reads get a connection of their own: on the shared one they would hold every
    // acknowledgement (and the app's own commands) for up to blockMs.
    this.#reader = await this.redis.duplicate((error) => this.redisFailed(error, 'the reading connection'))
    this.#readerId = String(await this.#reader.call(['CLIENT', 'ID']).catch(() => ''))
    this.#reading = this.#readLoop(bounded(this.#reader, this.settings.blockMs))
    this.#upkeep.start()
  }

  stop(failure?: AnalyticsError): Promise<void> {
    this.#stopping ??= this.#stop(failure)
    return this.#stopping
  }

  /** `XGROUP CREATE … 0 MKSTREAM`: from the stream's first entry, so nothing added before the first forwarder is skipped. */
  async ensureGroup(): Promise<void> {
    const { stream, group } = this.settings
    try {
      await this.redis.call(['XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM'])
    } catch (error) {
      if (!/BUSYGROUP/.test(String((error as Error)?.message))) throw error
    }
  }

  // -- reading ---------------------------------------------------------------------------------

  /** This consumer's own pending entries first (ID 0: a restart under the same name), then new ones. */
  async #readLoop(reader: RedisCommands): Promise<void> {
    const { stream, group, consumer, readCount, blockMs, maxHeld } = this.settings
    let from = '0'
    let failures = 0
    while (!this.stopped) {
      const room = maxHeld - this.ledger.held.size
      if (room < Math.min(readCount, maxHeld) / 2) {
        await new Promise<void>((resolve) => (this.#wakeRoom = resolve))
        continue
      }
      const count = String(Math.min(readCount, room))
      const block = from === '>' ? ['BLOCK', String(blockMs)] : []
      let entries: StreamEntry[]
      try {
        entries = readStreamReply(
          await reader.call(['XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, ...block, 'STREAMS', stream, from]),
        )
        failures = 0
        this.redisOk()
      } catch (error) {
        if (this.stopped) break
        if (/NOGROUP/.test(String((error as Error)?.message))) await this.ensureGroup().catch(noop)
        else this.redisFailed(error, 'XREADGROUP')
        await this.pause(++failures)
        continue
      }
      if (from === '>') {
        this.counts.read += entries.length
        this.offer(entries, () => 1)
      } else if (entries.length === 0) {
        from = '>'
      } else {
        from = entries.at(-1)!.id
        this.counts.claimed += entries.length
        const counts = await this.deliveryCounts(entries.map((entry) => entry.id))
        this.offer(entries, (id) => counts.get(id) ?? 1)
      }
    }
  }

  /** Each entry's delivery count (`XPENDING` of this consumer, one id each, one round trip). */
  async deliveryCounts(ids: readonly string[]): Promise<Map<string, number>> {
    const { stream, group, consumer } = this.settings
    const replies = await this.redis.batch(
      ids.map((id) => ['XPENDING', stream, group, id, id, '1', consumer]),
      false,
    )
    // Each reply is one row (or none, for an entry no longer pending): read by the one XPENDING parser.
    return new Map(replies.flatMap((reply) => [...readDeliveryCounts(reply)]))
  }

  /** Hands entries to the client (or straight to the dead-letter stream), then starts their requests. */
  offer(entries: readonly StreamEntry[], deliveriesOf: (id: string) => number, lastErrors?: Map<string, string | undefined>): void {
    const { maxDeliveries } = this.settings
    const now = Date.now()
    for (const { id, fields } of entries) {
      // Deleted while pending (Redis before 7.0 hands those back): nothing left to deliver.
      if (fields === undefined) {
        this.ledger.acks.push(id)
        continue
      }
      const entry: Held = { id, json: fields.message ?? '', messageId: fields.messageId ?? '', deliveries: deliveriesOf(id), leased: now }
      const lastError = lastErrors?.get(id)
      if (lastError) entry.lastError = lastError
      if (fields.message === undefined) {
        this.deadLetter(entry, 'the entry has no "message" field: it was not written by createRedisStreamTransport')
      } else if (entry.deliveries > maxDeliveries) {
        this.deadLetter(entry, deliveriesError(entry.deliveries, maxDeliveries, entry.lastError))
      } else {
        const refused = this.client.enqueueStored({ json: entry.json, token: entry })
        if (!refused) this.ledger.held.set(id, entry)
        else if (refused.reason === 'invalid') this.deadLetter(entry, refused.message)
        // Closed (stopping) or full: not taken; it stays pending and comes back after claimIdleMs.
        else if (refused.reason === 'closed') this.ledger.handBack.push(entry)
      }
    }
    this.writeOutcomes()
    void this.client.flush()
  }

  // -- outcomes (the client's store hooks) -----------------------------------------------------

  accept(): undefined {
    return undefined // this client takes no calls, only stored messages
  }

  settled(items: readonly StoreItem[], error: AnalyticsError | undefined): void {
    const action = storedAction(error)
    for (const item of items) {
      const entry = item.stored as Held
      this.ledger.held.delete(entry.id)
      if (action === 'ack') this.ledger.acks.push(entry.id)
      else if (action === 'dead-letter') this.deadLetter(entry, error!.message)
      else if (action === 'retry') {
        this.ledger.again.set(entry.id, { ...entry, lastError: error!.message, at: Date.now() + this.settings.claimIdleMs })
      } else this.ledger.handBack.push(entry)
    }
    if (action === 'stop') this.#fail(error!)
    this.writeOutcomes()
    this.#wakeRoom?.()
  }

  deadLetter(entry: Held, error: string): void {
    this.ledger.dead.push({ entry: entry.id, message: entry.json, messageId: entry.messageId, error, deliveries: entry.deliveries })
  }

  /** Writes the acknowledgements and dead letters gathered so far, one write at a time; a failed write waits for the next. */
  writeOutcomes(): Promise<void> {
    if (this.ledger.unwritten === 0) return this.#writes
    this.#writes = this.#writes.then(() => this.#upkeep.writeOnce())
    return this.#writes
  }

  #fail(error: AnalyticsError): void {
    if (this.stopped) return
    const { stream } = this.settings
    this.logger.error(
      `cdp-analytics forwarder: stopped: ${error.message}. Fix the write key or endpoint and start again: nothing is lost, the entries stay in ${stream}.`,
    )
    void this.stop(error)
  }

  // -- stopping --------------------------------------------------------------------------------

  async #stop(failure: AnalyticsError | undefined): Promise<void> {
    this.stopped = true
    this.#upkeep.stop()
    this.#wakeRoom?.()
    this.#wakePause?.()
    // A blocked XREADGROUP returns at once (as if timed out). Where CLIENT UNBLOCK is not allowed
    // (or Redis is away), closing the reading connection ends the read.
    if (this.#readerId) await within(this.redis.call(['CLIENT', 'UNBLOCK', this.#readerId]), 1000).catch(noop)
    const read = await Promise.race([this.#reading?.then(() => true), sleep(2000).then(() => false)])
    if (!read) this.#reader?.close()
    await this.#reading
    await Promise.race([this.#upkeep.idle(), sleep(this.settings.stopTimeout)])
    const deadline = Date.now() + (failure ? 0 : this.settings.stopTimeout)
    await this.client.close({ timeout: failure ? 0 : this.settings.stopTimeout })
    if (this.#starting) await this.#upkeep.finish(deadline)
    this.#reader?.close()
    this.#end(failure ? { reason: 'failed', error: failure } : { reason: 'stopped' })
  }

  // -- Redis trouble -----------------------------------------------------------------------------

  /** Counts a failed command and says so once per outage. */
  redisFailed(error: unknown, what: string): void {
    this.counts.redisErrors++
    if (this.#redisDown) return
    this.#redisDown = true
    this.logger.error(`cdp-analytics forwarder: Redis: ${what} failed (${(error as Error)?.message ?? String(error)}); retrying`)
  }

  redisOk(): void {
    if (!this.#redisDown) return
    this.#redisDown = false
    this.logger.info('cdp-analytics forwarder: Redis answers again')
  }

  /** Waits before the next try after `failures` failures in a row (100 ms doubling, at most 5 s), or less if stopped. */
  pause(failures: number): Promise<void> {
    const ms = Math.min(5000, 100 * 2 ** (failures - 1))
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.#wakePause = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {}
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key]
  return picked
}
