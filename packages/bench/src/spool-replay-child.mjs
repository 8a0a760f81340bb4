/**
 * Replay after a restart (issue 18), in two fresh processes per round (spool.mjs runs them):
 *   fill <dir> <n>            tracks n events with a spool against a port nothing listens on
 *                             (nothing can be delivered), lets the turn's write happen, and exits without close()
 *                             (as a crash would, less the lock, which 'exit' releases).
 *   replay <dir> <n> <url>    starts a client on the directory: the constructor reads every segment
 *                             back and queues its messages (timed: "read back and queued"), then
 *                             flush() delivers them to the sink (timed: "delivered").
 * Prints one JSON line.
 */
import { createServer } from 'node:net'
import { Analytics } from '@cdp-analytics/node'
import { trackParams } from './workload.mjs'

const [phase, dir, count, url] = process.argv.slice(2)
const n = Number(count)
if (phase === 'fill') {
  // A port nothing listens on: every request is refused and retried (fetch forbids port 9 and the like).
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  const client = new Analytics({
    writeKey: 'bench-write-key',
    endpoint: `http://127.0.0.1:${port}`,
    spool: { dir },
    flushOnExit: false,
    logger: quiet(),
  })
  for (let seq = 0; seq < n; seq++) client.track(trackParams(seq))
  await new Promise((resolve) => setImmediate(resolve))
  console.log(JSON.stringify({ spooled: client.spool.unsettled, bytes: client.spool.bytes, segments: client.spool.segments }))
  process.exit(0)
} else {
  const start = performance.now()
  const client = new Analytics({ writeKey: 'bench-write-key', endpoint: url, spool: { dir }, logger: quiet() })
  const queuedAt = performance.now()
  await client.flush()
  const deliveredAt = performance.now()
  const { replayed } = client.spool
  await client.close()
  console.log(JSON.stringify({ replayed, queueMs: queuedAt - start, deliverMs: deliveredAt - start }))
}

function quiet() {
  return { debug() {}, info() {}, warn() {}, error: console.error }
}
