#!/usr/bin/env node
// CPU per request of each Node transport: 5,000 POSTs of a ~9 kB batch body, 4 in flight, to a sink
// in another process (so only the sender's CPU is counted). Prints µs of CPU (user + system) per
// request and the wall time, median of interleaved rounds. Needs a build:
//   npx -y pnpm@10.20.0 --filter @cdp-analytics/node build && node packages/node/scripts/transport-cpu.mjs
import { fork } from 'node:child_process'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'

const REQUESTS = Number(process.env.REQUESTS ?? 5000)
const IN_FLIGHT = 4
const ROUNDS = Number(process.env.ROUNDS ?? 3)

if (process.argv[2] === 'sink') {
  const server = createServer((req, res) => {
    req.on('data', () => {})
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' })
      res.end('{}')
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => process.send(server.address().port))
} else {
  const { createFetchTransport, createHttpTransport } = await import('../dist/index.js')
  const contenders = { fetch: () => createFetchTransport(), http: () => createHttpTransport() }
  try {
    const { createKyTransport } = await import('../dist/ky.js')
    contenders.ky = () => createKyTransport()
  } catch {
    // No ky entry in this build.
  }
  const sink = fork(fileURLToPath(import.meta.url), ['sink'])
  const port = await new Promise((resolve) => sink.once('message', resolve))
  const event = {
    type: 'track',
    userId: 'u-1',
    event: 'e',
    properties: { text: 'x'.repeat(300) },
    messageId: 'x'.repeat(21),
    timestamp: new Date().toISOString(),
  }
  const body = JSON.stringify({ batch: Array.from({ length: 20 }, () => event), sentAt: new Date().toISOString() })
  const headers = { 'Content-Type': 'application/json', Authorization: 'Basic d2s6' }
  const url = `http://127.0.0.1:${port}/v1/batch`
  const signal = new AbortController().signal

  async function run(transport, count) {
    let next = 0
    const lane = async () => {
      while (next++ < count) {
        const result = await transport.send({ url, headers, body, timeout: 10_000, signal })
        if (result.kind !== 'response' || result.status !== 200) throw new Error(`unexpected ${JSON.stringify(result)}`)
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane))
  }

  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, make] of Object.entries(contenders)) {
      const transport = make()
      await run(transport, 200) // warm up: connections, JIT
      const cpu = process.cpuUsage()
      const started = performance.now()
      await run(transport, REQUESTS)
      const wall = performance.now() - started
      const used = process.cpuUsage(cpu)
      samples[name].push({ cpu: (used.user + used.system) / REQUESTS, wall })
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
  console.log(`Node ${process.version}, ${REQUESTS} POSTs of ${body.length} bytes, ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds`)
  for (const [name, list] of Object.entries(samples)) {
    const cpu = median(list.map((s) => s.cpu))
    const wall = median(list.map((s) => s.wall))
    console.log(
      `${name.padEnd(6)} ${cpu.toFixed(0).padStart(5)} µs CPU/request   ${(wall / 1000).toFixed(2)} s wall   ${((REQUESTS / wall) * 1000).toFixed(0)} requests/s`,
    )
  }
  sink.kill()
}
