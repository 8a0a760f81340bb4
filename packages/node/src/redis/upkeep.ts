/**
 * A forwarder's periodic work, every twentieth of `claimIdleMs` (one tick at a time), and its last
 * work when it stops:
 * - write the outcomes gathered (`XACK` + `XDEL`, dead letters), again after a failed write;
 * - renew what it holds (`XCLAIM … JUSTID` resets the idle time, not the delivery count), so that
 *   an API outage or a long retry never makes a live forwarder's entries look abandoned;
 * - take its own failed rounds again (`XCLAIM`: a delivery more);
 * - take over entries idle for `claimIdleMs` (`XAUTOCLAIM`): their forwarder died;
 * - now and then, drop consumers that hold nothing and are long idle (`XGROUP DELCONSUMER`).
 */
import type { Logger } from '@cdp-analytics/core'
import type { Command, RedisCommands } from './client.js'
import type { Held, Ledger } from './ledger.js'
import type { ForwarderSettings } from './options.js'
import { ackCommands, deadLetterCommands, handBackCommands } from './policy.js'
import { readAutoClaim, readConsumers, readEntryList, type StreamEntry } from './replies.js'

/** What the upkeep needs of its forwarder (forwarder.ts). */
export interface UpkeepHost {
  readonly settings: ForwarderSettings
  readonly redis: RedisCommands
  readonly ledger: Ledger
  readonly counts: { claimed: number; delivered: number; deadLettered: number }
  readonly stopped: boolean
  readonly logger: Logger
  offer(entries: readonly StreamEntry[], deliveriesOf: (id: string) => number, lastErrors?: Map<string, string | undefined>): void
  deliveryCounts(ids: readonly string[]): Promise<Map<string, number>>
  writeOutcomes(): Promise<void>
  redisFailed(error: unknown, what: string): void
  redisOk(): void
}

/** Ids per `XCLAIM`, so a command stays a reasonable size. */
const CLAIM_CHUNK = 1000
/** `XAUTOCLAIM` pages per tick at most: a dead forwarder's entries are taken over in a few ticks. */
const CLAIM_PAGES = 10
/** Every this many ticks, long-idle empty consumers are removed. */
const TIDY_EVERY = 10

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export class Upkeep {
  #timer: ReturnType<typeof setInterval> | undefined
  #ticking: Promise<void> | undefined
  #ticks = 0
  /** Where the `XAUTOCLAIM` scan of the pending list goes on. */
  #cursor = '0-0'

  constructor(readonly host: UpkeepHost) {}

  /**
   * A twentieth of `claimIdleMs`, between 20 ms and 10 s: a lease is renewed once it is that old, so
   * a live forwarder's entries are idle at most about a tenth of `claimIdleMs`, and a stall of its
   * event loop or of Redis must last nine tenths of it before another forwarder takes them.
   */
  get intervalMs(): number {
    return Math.min(10_000, Math.max(20, Math.floor(this.host.settings.claimIdleMs / 20)))
  }

  /** Ticks now (entries handed back by a stopped forwarder are claimable at once), then every intervalMs. */
  start(): void {
    this.#timer = setInterval(() => this.#run(), this.intervalMs)
    this.#run()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  /** Resolves once no tick is running. */
  async idle(): Promise<void> {
    await this.#ticking
  }

  #run(): void {
    if (this.#ticking || this.host.stopped) return
    this.#ticking = this.#tick().finally(() => {
      this.#ticking = undefined
    })
  }

  async #tick(): Promise<void> {
    const { host } = this
    try {
      await host.writeOutcomes()
      await this.#renew()
      await this.#again()
      await this.#claim()
      if (++this.#ticks % TIDY_EVERY === 0) await this.#tidy()
    } catch (error) {
      host.redisFailed(error, 'the upkeep (renewing, claiming)')
    }
  }

  async #renew(): Promise<void> {
    const { redis, ledger } = this.host
    const now = Date.now()
    for (const entries of chunks(ledger.staleLeases(now - this.intervalMs), CLAIM_CHUNK)) {
      await redis.call(
        this.#xclaim(
          entries.map((entry) => entry.id),
          'JUSTID',
        ),
      )
      for (const entry of entries) entry.leased = now
    }
  }

  async #again(): Promise<void> {
    const { host } = this
    const due = host.ledger.dueAgain(Date.now())
    for (const entries of chunks(due, CLAIM_CHUNK)) {
      let claimed: StreamEntry[]
      try {
        claimed = readEntryList(await host.redis.call(this.#xclaim(entries.map((entry) => entry.id))))
      } catch (error) {
        for (const entry of entries) host.ledger.again.set(entry.id, entry)
        throw error
      }
      const byId = new Map<string, Held>(entries.map((entry) => [entry.id, entry]))
      host.counts.claimed += claimed.length
      host.offer(claimed, (id) => (byId.get(id)?.deliveries ?? 0) + 1, new Map(entries.map((entry) => [entry.id, entry.lastError])))
    }
  }

  async #claim(): Promise<void> {
    const { host } = this
    const { stream, group, consumer, claimIdleMs, readCount, maxHeld } = host.settings
    for (let page = 0; page < CLAIM_PAGES && !host.stopped; page++) {
      const room = maxHeld - host.ledger.held.size
      if (room < 1) return
      const reply = await host.redis.call([
        'XAUTOCLAIM',
        stream,
        group,
        consumer,
        String(claimIdleMs),
        this.#cursor,
        'COUNT',
        String(Math.min(readCount, room)),
      ])
      const { cursor, entries } = readAutoClaim(reply)
      this.#cursor = cursor
      // Its own entries come back too when it was too slow to renew them: still held, only renewed now.
      const now = Date.now()
      for (const entry of entries) {
        const held = host.ledger.held.get(entry.id)
        if (held) held.leased = now
      }
      const taken = entries.filter((entry) => !host.ledger.knows(entry.id))
      if (taken.length > 0) {
        const counts = await host.deliveryCounts(taken.map((entry) => entry.id))
        host.counts.claimed += taken.length
        host.offer(taken, (id) => counts.get(id) ?? 1)
      }
      if (cursor === '0-0') return
    }
  }

  /** Removes other consumers that hold nothing and have been idle twice `claimIdleMs` (dead forwarders, taken over). */
  async #tidy(): Promise<void> {
    const { redis, settings } = this.host
    const { stream, group, consumer, claimIdleMs } = settings
    for (const other of readConsumers(await redis.call(['XINFO', 'CONSUMERS', stream, group]))) {
      if (other.name !== consumer && other.pending === 0 && other.idle > 2 * claimIdleMs) {
        await redis.call(['XGROUP', 'DELCONSUMER', stream, group, other.name])
      }
    }
  }

  #xclaim(ids: readonly string[], ...flags: string[]): Command {
    const { stream, group, consumer } = this.host.settings
    return ['XCLAIM', stream, group, consumer, '0', ...ids, ...flags]
  }

  /** Writes the outcomes gathered so far in one MULTI; on failure they are kept for the next try. Never rejects. */
  async writeOnce(): Promise<void> {
    const { host } = this
    const writes = host.ledger.takeWrites()
    if (writes.acks.length === 0 && writes.dead.length === 0) return
    try {
      await host.redis.batch(
        [...deadLetterCommands(host.settings, writes.dead, new Date()), ...ackCommands(host.settings, writes.acks)],
        true,
      )
      host.counts.delivered += writes.acks.length
      host.counts.deadLettered += writes.dead.length
      host.redisOk()
      const [first] = writes.dead
      if (first) {
        const more = writes.dead.length > 1 ? ` (and ${writes.dead.length - 1} more)` : ''
        host.logger.warn(`cdp-analytics forwarder: moved to ${host.settings.deadLetterStream}: entry ${first.entry}${more}: ${first.error}`)
      }
    } catch (error) {
      host.ledger.restore(writes)
      host.redisFailed(error, 'writing acknowledgements')
    }
  }

  /**
   * When the forwarder stops, after its client closed: writes the outcomes (tried until `deadline`,
   * at least once), hands back what is left, and leaves the group when it holds nothing.
   */
  async finish(deadline: number): Promise<void> {
    const { host } = this
    const { ledger, redis, settings } = host
    for (let failures = 0; ; failures++) {
      await host.writeOutcomes()
      const left = deadline - Date.now()
      if (ledger.unwritten === 0 || left <= 0) break
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 100 * 2 ** failures)))
    }
    // Entries out of retries count the round they failed; the rest go back as they came.
    const again = [...ledger.again.values()].map((entry) => ({ ...entry, deliveries: entry.deliveries + 1 }))
    const back = [...ledger.handBack, ...ledger.held.values(), ...again]
    try {
      if (back.length > 0) await redis.batch(handBackCommands(settings, back, settings.claimIdleMs), false)
      // XGROUP DELCONSUMER drops the consumer's pending entries too: only when it holds none.
      const { stream, group, consumer } = settings
      if (back.length === 0 && ledger.unwritten === 0) {
        const pending = await redis.call(['XPENDING', stream, group, '-', '+', '1', consumer])
        if (Array.isArray(pending) && pending.length === 0) await redis.call(['XGROUP', 'DELCONSUMER', stream, group, consumer])
      }
    } catch (error) {
      host.redisFailed(error, 'handing entries back')
    }
  }
}
