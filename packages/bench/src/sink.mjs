/**
 * The sink: a local HTTP server in its own process (forked by run.mjs), so the CPU it spends
 * parsing bodies is never charged to the SDK under test. It answers every POST with 200 at
 * once and counts, per run: requests, bytes on the wire (request line + headers + body as
 * received, so gzip counts compressed), events, duplicates and the time of the last event,
 * using `properties.seq` of each event in the body's `batch` array.
 *
 * Protocol over IPC: { id, cmd: 'reset', n } and { id, cmd: 'stats' }; replies { id, ...stats }.
 * On start it sends { ready: true, port }.
 */
import { createServer } from 'node:http'
import { gunzipSync } from 'node:zlib'

const now = () => performance.timeOrigin + performance.now()

let run = newRun(0)

function newRun(n) {
  return {
    n,
    seen: new Uint8Array(n),
    unique: 0,
    duplicates: 0,
    /** Events without a usable seq (should stay 0). */
    unknown: 0,
    requests: 0,
    wireBytes: 0,
    bodyBytes: 0,
    badBodies: 0,
    paths: {},
    firstRequestAt: 0,
    lastEventAt: 0,
  }
}

function headerBytes(req) {
  // "POST /v1/batch HTTP/1.1\r\n" + "name: value\r\n" per header + "\r\n"
  let bytes = req.method.length + req.url.length + 12
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) bytes += Buffer.byteLength(raw[i]) + Buffer.byteLength(raw[i + 1]) + 4
  return bytes + 2
}

function count(req, chunks, size) {
  const current = run
  current.requests++
  current.bodyBytes += size
  current.wireBytes += headerBytes(req) + size
  current.paths[req.url] = (current.paths[req.url] ?? 0) + 1
  if (current.firstRequestAt === 0) current.firstRequestAt = now()
  let events
  try {
    let body = Buffer.concat(chunks, size)
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
    events = JSON.parse(body.toString('utf8')).batch
  } catch {
    current.badBodies++
    return
  }
  if (!Array.isArray(events)) {
    current.badBodies++
    return
  }
  for (const event of events) {
    const seq = event?.properties?.seq
    if (!Number.isInteger(seq) || seq < 0 || seq >= current.n) {
      current.unknown++
    } else if (current.seen[seq]) {
      current.duplicates++
    } else {
      current.seen[seq] = 1
      current.unique++
    }
  }
  if (events.length > 0) current.lastEventAt = now()
}

const server = createServer((req, res) => {
  const chunks = []
  let size = 0
  req.on('data', (chunk) => {
    chunks.push(chunk)
    size += chunk.length
  })
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' })
    res.end('{}')
    count(req, chunks, size)
  })
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 0
server.requestTimeout = 0

process.on('message', (msg) => {
  if (msg.cmd === 'reset') run = newRun(msg.n)
  const { seen, ...stats } = run
  process.send({ id: msg.id, ...stats, lost: run.n - run.unique })
})
process.on('disconnect', () => process.exit(0))

server.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }))
