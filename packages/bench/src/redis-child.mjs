/**
 * An app process for bench:redis: `track()` calls through createRedisStreamTransport (ioredis)
 * into a stream, with the bench's workload (workload.mjs, `properties.seq` for the sink). Prints
 * one JSON line once every call has its outcome (accepted by Redis, or failed with a reason).
 *
 *   node src/redis-child.mjs '{"url","stream","mode":"paced","n"}'          yields every 100 calls
 *   node src/redis-child.mjs '{"url","stream","mode":"rate","rate","seconds"}'  calls at a fixed rate, 1 ms clock
 */
import { Analytics } from '@cdp-analytics/node'
import { createRedisStreamTransport } from '@cdp-analytics/node/redis'
import Redis from 'ioredis'
import { trackParams } from './workload.mjs'

const { url, stream, mode, n: count, rate, seconds } = JSON.parse(process.argv[2])
const n = mode === 'rate' ? rate * seconds : count
const redis = new Redis(url)
const analytics = new Analytics({ writeKey: 'bench', transport: createRedisStreamTransport({ redis, stream }), flushOnExit: false })

let accepted = 0
let lastOutcomeAt = 0
const failed = {}
const outcome = (error) => {
  lastOutcomeAt = Date.now()
  if (error) failed[error.reason] = (failed[error.reason] ?? 0) + 1
  else accepted++
}
const cpu0 = process.cpuUsage()
const startAt = Date.now()
if (mode === 'rate') {
  for (let seq = 0; seq < n; ) {
    const due = Math.min(n, Math.ceil(((Date.now() - startAt) * rate) / 1000))
    while (seq < due) analytics.track(trackParams(seq++), outcome)
    if (seq < n) await new Promise((resolve) => setTimeout(resolve, 1))
  }
} else {
  for (let seq = 0; seq < n; seq++) {
    analytics.track(trackParams(seq), outcome)
    if (seq % 100 === 99) await new Promise((resolve) => setImmediate(resolve))
  }
}
const callsEndAt = Date.now()
await analytics.close({ timeout: 120_000 })
const cpu = process.cpuUsage(cpu0)
console.log(JSON.stringify({ n, accepted, failed, startAt, callsEndAt, lastOutcomeAt, cpuMs: (cpu.user + cpu.system) / 1000 }))
await redis.quit()
