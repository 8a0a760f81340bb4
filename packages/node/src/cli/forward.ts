/**
 * `cdp-analytics forward redis://host:6379`: a ready forwarder process (issue 19). It delivers the
 * stream apps fill with `createRedisStreamTransport`, as one consumer of the group; a line of stats
 * every `--stats-interval`; SIGTERM or Ctrl-C stops it cleanly (what it holds is delivered and
 * acknowledged, the rest handed back to the group), a second signal exits at once.
 */
import type { Logger } from '@cdp-analytics/core'
import {
  createRedisStreamForwarder,
  DEFAULT_STREAM,
  type RedisStreamForwarderOptions,
  type RedisStreamForwarderStats,
} from '../redis/index.js'
import { checkScope, EXIT, integerFlag, numberFlag, stringFlag, UsageError, type Values } from './options.js'
import { connectRedis } from './redis-client.js'

/** What `send` and `import` take too: the write key, region and endpoint from the flags or the environment. */
export interface ApiSettings {
  writeKey: string
  endpoint?: string
  region?: 'us' | 'eu'
  maxRetries?: number
  timeout?: number
}

/** `redis://user:secret@host` as `redis://user:***@host`: the start line must not print a password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}

/** One stats line: totals, and deliveries per second since the last line. */
export function statsLine(stats: RedisStreamForwarderStats, previousDelivered: number, seconds: number): string {
  const rate = seconds > 0 ? Math.round((stats.delivered - previousDelivered) / seconds) : 0
  return [
    `delivered ${stats.delivered} (${rate}/s)`,
    `dead-lettered ${stats.deadLettered}`,
    `held ${stats.held}`,
    `taken over ${stats.claimed}`,
    `API requests ${stats.api.requests}`,
    `API retries ${stats.api.retries}`,
    `Redis errors ${stats.redisErrors}`,
  ].join(', ')
}

/** `api`: the write key and the rest, read once the command's own arguments are known to be right. */
export async function runForward(url: string | undefined, values: Values, api: () => ApiSettings): Promise<number> {
  checkScope(values, 'forward')
  if (!url) throw new UsageError('forward needs the Redis URL, such as redis://localhost:6379 (rediss:// for TLS)')
  if (!/^rediss?:\/\//.test(url)) throw new UsageError(`forward: ${JSON.stringify(url)} is not a redis:// or rediss:// URL`)
  const statsInterval = numberFlag(values, 'stats-interval', 0) ?? 10
  const options: Omit<RedisStreamForwarderOptions, 'redis'> = {
    ...api(),
    ...defined({
      stream: stringFlag(values, 'stream'),
      group: stringFlag(values, 'group'),
      consumer: stringFlag(values, 'consumer'),
      deadLetterStream: stringFlag(values, 'dead-letter-stream'),
      claimIdleMs: integerFlag(values, 'claim-idle', 100),
      maxDeliveries: integerFlag(values, 'max-deliveries', 1),
      readCount: integerFlag(values, 'read-count', 1),
      maxHeld: integerFlag(values, 'max-held', 1),
    }),
    logger: stderrLogger,
  }
  let redisErrors = 0
  const redis = await connectRedis(url, (error) => {
    // The forwarder says when its own commands fail; the client's reconnect noise only once.
    if (redisErrors++ === 0) process.stderr.write(`cdp-analytics: Redis connection: ${error.message} (reconnecting)\n`)
  })
  try {
    const forwarder = createRedisStreamForwarder({ ...options, redis: redis.client })
    await forwarder.start()
    const stream = options.stream ?? DEFAULT_STREAM
    process.stdout.write(
      `forwarding ${stream} from ${redactUrl(url)} as ${forwarder.consumer} (${redis.kind}); stop with Ctrl-C or SIGTERM\n`,
    )

    let last = { at: Date.now(), delivered: 0 }
    const report = () => {
      const now = Date.now()
      const { stats } = forwarder
      process.stdout.write(`${statsLine(stats, last.delivered, (now - last.at) / 1000)}\n`)
      last = { at: now, delivered: stats.delivered }
    }
    const timer = statsInterval > 0 ? setInterval(report, statsInterval * 1000) : undefined

    let signals = 0
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals > 1) process.exit(EXIT.interrupted)
      process.stdout.write(`${signal}: stopping: delivering what is held (a second signal exits at once)\n`)
      void forwarder.stop()
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
    const end = await forwarder.done
    clearInterval(timer)
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    report()
    if (end.reason === 'failed') {
      process.stderr.write(`cdp-analytics: forward stopped: ${end.error.message}\n`)
      return EXIT.failed
    }
    process.stdout.write('stopped\n')
    return EXIT.ok
  } finally {
    await redis.close()
  }
}

const stderrLogger: Logger = {
  debug: () => undefined,
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`${message}\n`),
  error: (message) => process.stderr.write(`${message}\n`),
}

function defined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>
}
