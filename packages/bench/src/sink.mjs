/**
 * The sink: a local HTTP server in its own process (forked by the runners), so the CPU it spends
 * parsing bodies is never charged to the SDK under test. It counts, per run: requests, sockets
 * opened, bytes on the wire (request line + headers + body as received, so gzip counts
 * compressed), events, duplicates and the time of the last event, using `properties.seq` of each
 * event in the body's `batch` array.
 *
 * Latency profile: with `rttMs` > 0 every answer is delayed that long, as an API across a real
 * network would answer (issue 13). An event "arrives" when its request is answered (received +
 * rttMs): the moment the SDK can learn it was delivered. Its call-to-arrival time is measured
 * from the event's own `timestamp`, which every SDK sets at the call.
 *
 * Protocol over IPC: { id, cmd: 'reset', n, rttMs } and { id, cmd: 'stats', until? }; replies
 * { id, ...stats } (`arrivedBy`: events arrived by `until`; `p50Ms`/`p99Ms`: call to arrival).
 * On start it sends { ready: true, port }.
 */
import { createServer } from 'node:http'
import { gunzipSync } from 'node:zlib'

const now = () => performance.timeOrigin + performance.now()

let run = newRun(0)

function newRun(n, rttMs = 0) {
  return {
    n,
    rttMs,
    seen: new Uint8Array(n),
    /** Per seq: when it arrived (ms since epoch) and its call-to-arrival time; NaN until then. */
    arrivedAt: new Float64Array(n).fill(NaN),
    latencyMs: new Float64Array(n).fill(NaN),
    /** Events whose `timestamp` could not be read (no latency for them). */
    noTimestamp: 0,
    sockets: 0,
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

function count(req, chunks, size, arrivedAt) {
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
      current.arrivedAt[seq] = arrivedAt
      const calledAt = Date.parse(event.timestamp)
      if (Number.isFinite(calledAt)) current.latencyMs[seq] = arrivedAt - calledAt
      else current.noTimestamp++
    }
  }
  if (events.length > 0) current.lastEventAt = arrivedAt
}

const server = createServer((req, res) => {
  const chunks = []
  let size = 0
  req.on('data', (chunk) => {
    chunks.push(chunk)
    size += chunk.length
  })
  req.on('end', () => {
    const { rttMs } = run
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' })
      res.end('{}')
    }
    if (rttMs > 0) setTimeout(answer, rttMs)
    else answer()
    count(req, chunks, size, Date.now() + rttMs) // the wall clock, like the events' timestamps
  })
})
server.on('connection', () => run.sockets++)
server.keepAliveTimeout = 60_000
server.headersTimeout = 0
server.requestTimeout = 0

process.on('message', (msg) => {
  if (msg.cmd === 'reset') run = newRun(msg.n, msg.rttMs ?? 0)
  const { seen, arrivedAt, latencyMs, ...stats } = run
  const extra = {}
  if (msg.until !== undefined) {
    let arrivedBy = 0
    for (let i = 0; i < arrivedAt.length; i++) if (arrivedAt[i] <= msg.until) arrivedBy++
    const latencies = latencyMs.filter((ms) => !Number.isNaN(ms)).sort()
    const at = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN)
    Object.assign(extra, { arrivedBy, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) })
  }
  process.send({ id: msg.id, ...stats, ...extra, lost: run.n - run.unique })
})
process.on('disconnect', () => process.exit(0))

server.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }))
