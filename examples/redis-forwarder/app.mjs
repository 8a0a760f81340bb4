// The app side: ten sign-ups (an identify and a track each) go into the Redis stream cdp:events
// instead of to Customer.io. A call's callback here means "accepted by Redis"; the forwarder
// (`npm run forward`, on this machine or any other) delivers the stream to the API.
import { Analytics } from '@cdp-analytics/node'
import { createRedisStreamTransport } from '@cdp-analytics/node/redis'
import Redis from 'ioredis'

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const redis = new Redis(url)
const analytics = new Analytics({
  // Only the forwarder holds the write key: nothing is sent to the API from here.
  writeKey: 'not-used-with-redis',
  transport: createRedisStreamTransport({ redis, stream: 'cdp:events' }),
})

let accepted = 0
/** @type {string[]} */
const failures = []
/** @type {import('@cdp-analytics/node').Callback} */
const outcome = (error, message) => {
  if (error) failures.push(`${message?.type ?? 'call'}: ${error.reason}: ${error.message}`)
  else accepted++
}
for (let i = 1; i <= 10; i++) {
  const userId = `user-${i}`
  analytics.identify({ userId, traits: { email: `${userId}@example.com`, plan: 'trial' } }, outcome)
  analytics.track({ userId, event: 'Signed Up', properties: { plan: 'trial' } }, outcome)
}
await analytics.close()
await redis.quit()

console.log(`${accepted} events accepted by Redis in the stream cdp:events (${url})`)
for (const failure of failures) console.error(`not accepted: ${failure}`)
if (failures.length > 0) process.exitCode = 1
else console.log('Deliver them with: CDP_WRITE_KEY=your-key npm run forward')
