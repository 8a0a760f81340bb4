/**
 * One run of one contender, in a fresh process (forked by run.mjs), so CPU time and peak RSS
 * belong to that contender alone. Protocol over IPC:
 *   child -> { phase: 'closed', startAt, closedAt }     after the loop and close() resolved
 *   run   -> { cmd: 'finish' }                           once the sink has everything (or gave up)
 *   child -> { phase: 'done', cpuUserUs, cpuSystemUs, maxRssKb }
 * CPU is counted from just before the first call until 'finish', so work an SDK does after
 * close() resolved (if any) is still charged to it.
 */
import { contenders } from './contenders.mjs'

const { contender, n, mode, batch, url } = JSON.parse(process.argv[2])
const now = () => performance.timeOrigin + performance.now()
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve))

const client = await contenders[contender].create({ url, batch, n })

const cpu0 = process.cpuUsage()
const startAt = now()
if (mode === 'burst') {
  for (let seq = 0; seq < n; seq++) client.track(seq)
} else {
  // Paced: a busy server yields to the event loop between requests; here every 100 calls.
  for (let seq = 0; seq < n; seq++) {
    client.track(seq)
    if (seq % 100 === 99) await yieldToLoop()
  }
}
await client.close()
const closedAt = now()
process.send({ phase: 'closed', startAt, closedAt })

process.on('message', (msg) => {
  if (msg.cmd !== 'finish') return
  const cpu = process.cpuUsage(cpu0)
  process.send(
    { phase: 'done', cpuUserUs: cpu.user, cpuSystemUs: cpu.system, maxRssKb: process.resourceUsage().maxRSS },
    () => process.exit(0),
  )
})
