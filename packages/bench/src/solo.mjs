/**
 * One contender, in this process, against a forked sink: for profiling.
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof src/solo.mjs [contender] [n] [burst|paced] [flushAt|max]
 */
import { fork } from 'node:child_process'
import { contenders } from './contenders.mjs'

const [name = 'cdp', n = '100000', mode = 'burst', batchArg = '20'] = process.argv.slice(2)
const batch = batchArg === 'max' ? { kind: 'max' } : { kind: 'count', flushAt: Number(batchArg) }
const sink = fork(new URL('./sink.mjs', import.meta.url), [], { execArgv: [] })
const port = await new Promise((resolve) => sink.once('message', (m) => resolve(m.port)))
const ask = (msg) =>
  new Promise((resolve) => {
    sink.once('message', resolve)
    sink.send({ id: 1, ...msg })
  })
await ask({ cmd: 'reset', n: Number(n) })

const client = await contenders[name].create({ url: `http://127.0.0.1:${port}`, batch, n: Number(n) })
const cpu0 = process.cpuUsage()
const t0 = performance.now()
for (let seq = 0; seq < Number(n); seq++) {
  client.track(seq)
  if (mode === 'paced' && seq % 100 === 99) await new Promise(setImmediate)
}
const t1 = performance.now()
await client.close()
const t2 = performance.now()
const cpu = process.cpuUsage(cpu0)
const stats = await ask({ cmd: 'stats' })
console.log(
  `${name} ${n} ${mode} ${batchArg}: loop ${(t1 - t0).toFixed(0)} ms, total ${(t2 - t0).toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, delivered ${stats.unique}, requests ${stats.requests}`,
)
sink.disconnect()
