/**
 * One run of one contender, in a fresh process (forked by run-child.mjs), so CPU time and peak
 * RSS belong to that contender alone. Modes: `burst` (one synchronous loop), `paced` (yield
 * every 100 calls), `rate` (calls at `rate` per second, on a 1 ms clock, as a busy server
 * receives them; the loop yields between ticks). Protocol over IPC:
 *   child -> { phase: 'closed', startAt, callsEndAt, closedAt }   after the calls and close()
 *   run   -> { cmd: 'finish' }                           once the sink has everything (or gave up)
 *   child -> { phase: 'done', cpuUserUs, cpuSystemUs, maxRssKb }
 * CPU is counted from just before the first call until 'finish', so work an SDK does after
 * close() resolved (if any) is still charged to it.
 */
import { contenders } from './contenders.mjs'

const { contender, n, mode, batch, url, rate } = JSON.parse(process.argv[2])
// The wall clock, like the events' timestamps and the sink's arrival times.
const now = () => Date.now()
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve))

const client = await contenders[contender].create({ url, batch, n })

const cpu0 = process.cpuUsage()
const startAt = now()
if (mode === 'burst') {
  for (let seq = 0; seq < n; seq++) client.track(seq)
} else if (mode === 'rate') {
  // Every tick makes the calls due by now; if the SDK's work delays a tick, the next one catches
  // up (the achieved rate is reported, so a contender that cannot keep the pace shows it).
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1))
  for (let seq = 0; seq < n; ) {
    const due = Math.min(n, Math.ceil(((now() - startAt) * rate) / 1000))
    while (seq < due) client.track(seq++)
    if (seq < n) await tick()
  }
} else {
  // Paced: a busy server yields to the event loop between requests; here every 100 calls.
  for (let seq = 0; seq < n; seq++) {
    client.track(seq)
    if (seq % 100 === 99) await yieldToLoop()
  }
}
const callsEndAt = now()
await client.close()
const closedAt = now()
process.send({ phase: 'closed', startAt, callsEndAt, closedAt })

process.on('message', (msg) => {
  if (msg.cmd !== 'finish') return
  const cpu = process.cpuUsage(cpu0)
  process.send({ phase: 'done', cpuUserUs: cpu.user, cpuSystemUs: cpu.system, maxRssKb: process.resourceUsage().maxRSS }, () =>
    process.exit(0),
  )
})
