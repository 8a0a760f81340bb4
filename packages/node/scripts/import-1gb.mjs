#!/usr/bin/env node
// The 1 GB backfill (issue 11; by hand, not in CI): writes ~1 GB of NDJSON track events to /tmp,
// runs the built `cdp-analytics import` on it against a local sink, and reports the importer's
// peak RSS (target < 200 MB), its rate, and whether every line arrived exactly once.
//
//   pnpm --filter @cdp-analytics/node build && node packages/node/scripts/import-1gb.mjs
//   IMPORT_MB=100 node packages/node/scripts/import-1gb.mjs   # quicker
//
// Environment: IMPORT_MB (1024), IMPORT_KEEP=1 (keep the file; it is deleted otherwise),
// IMPORT_NODE_FLAGS (flags for the importer's node, e.g. --max-semi-space-size=4).
// The sink runs in its own process and keeps one byte per line (by the seq in each messageId),
// so it never grows with the messages. Exits 1 when a check fails.
import { fork, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'

if (process.argv[2] === '--sink') runSink(Number(process.argv[3]))
else await main()

/** The child: answers 200 to every batch, marks each messageId's seq as seen. */
function runSink(lines) {
  const seen = new Uint8Array(lines + 1)
  let unique = 0
  let duplicates = 0
  let requests = 0
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      requests++
      const { batch } = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      for (const message of batch) {
        const seq = Number(message.messageId.slice(3))
        if (seen[seq]) duplicates++
        else {
          seen[seq] = 1
          unique++
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
  process.on('message', () => process.send({ unique, duplicates, requests }))
}

async function main() {
  const megabytes = Number(process.env.IMPORT_MB ?? 1024)
  const path = `/tmp/cdp-import-${megabytes}mb.ndjson`
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

  let started = Date.now()
  const lines = await generate(path, megabytes * 1024 * 1024)
  const bytes = statSync(path).size
  console.log(
    `wrote ${path}: ${(bytes / 1e6).toFixed(0)} MB, ${lines.toLocaleString('en-US')} lines in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )

  const sink = fork(fileURLToPath(import.meta.url), ['--sink', String(lines)])
  const [{ port }] = await once(sink, 'message')

  started = Date.now()
  const nodeFlags = process.env.IMPORT_NODE_FLAGS ? process.env.IMPORT_NODE_FLAGS.split(' ') : []
  const child = spawn(
    process.execPath,
    [...nodeFlags, cli, 'import', path, '--quiet', '--endpoint', `http://127.0.0.1:${port}`, '--write-key', 'bench'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let stdout = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  // VmHWM is the kernel's own peak resident set of the process; polled until it exits.
  let peakKb = 0
  let cpu = ''
  const poll = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
      cpu = ((Number(stat[11]) + Number(stat[12])) / 100).toFixed(1) // utime + stime, clock ticks
    } catch {}
  }, 100)
  const [code] = await once(child, 'close')
  clearInterval(poll)
  const seconds = (Date.now() - started) / 1000

  sink.send('stats')
  const [stats] = await once(sink, 'message')
  sink.kill()
  if (process.env.IMPORT_KEEP !== '1') rmSync(path)

  const peakMb = peakKb / 1024
  const result = {
    file: `${(bytes / 1e6).toFixed(0)} MB, ${lines.toLocaleString('en-US')} lines`,
    exitCode: code,
    seconds: seconds.toFixed(1),
    importerCpuSeconds: cpu,
    eventsPerSecond: Math.round(lines / seconds).toLocaleString('en-US'),
    megabytesPerSecond: (bytes / 1e6 / seconds).toFixed(1),
    peakRssMb: peakMb.toFixed(0),
    requests: stats.requests,
    unique: stats.unique,
    duplicates: stats.duplicates,
  }
  console.log(stdout.trim())
  console.log(JSON.stringify(result, null, 2))
  const failures = []
  if (code !== 0) failures.push(`exit code ${code}`)
  if (stats.unique !== lines) failures.push(`${lines - stats.unique} lines never arrived`)
  if (stats.duplicates !== 0) failures.push(`${stats.duplicates} duplicates`)
  if (peakMb >= 200) failures.push(`peak RSS ${peakMb.toFixed(0)} MB is not under 200 MB`)
  if (failures.length) {
    console.error(`FAILED: ${failures.join('; ')}`)
    process.exit(1)
  }
  console.log('ok: every line arrived once, peak RSS under 200 MB')
}

/** Track events of ~380 bytes with a seq in the messageId and varied properties. */
async function generate(path, targetBytes) {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 })
  const day = Date.parse('2024-01-01T00:00:00Z')
  let written = 0
  let seq = 0
  while (written < targetBytes) {
    let chunk = ''
    for (let i = 0; i < 2000; i++) {
      seq++
      chunk += `${JSON.stringify({
        type: 'track',
        messageId: `bf-${seq}`,
        timestamp: new Date(day + seq * 1000).toISOString(),
        userId: `user-${seq % 50_000}`,
        event: seq % 3 === 0 ? 'Order Completed' : 'Product Viewed',
        properties: { sku: `SKU-${seq % 9973}`, price: (seq % 10_000) / 100, currency: 'USD', quantity: (seq % 5) + 1, source: 'backfill' },
        context: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) backfill/1.0', locale: 'en-US' },
      })}\n`
    }
    written += Buffer.byteLength(chunk)
    if (!out.write(chunk)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  return seq
}
