// A real HTTP server on 127.0.0.1 standing in for Data Pipelines `POST /v1/batch`, so SDK tests run
// against real sockets (STYLE.md habit 13) and can script the failures a transport must handle.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { acceptedMessages, countDuplicates, describeRecords, isAccepted } from './records.js'
import { answeredStatus, checkPlan, planAnswer, sendAnswer, type Answer } from './respond.js'
import type { BatchMessage, Collector, CollectorOptions, RecordedRequest, ResponsePlan, WaitOptions } from './types.js'
import { judgeBatchRequest, type Verdict } from './verdict.js'
import { Waiters } from './waiters.js'

const DEFAULT_WAIT_MS = 5000
// Any prefix is tolerated, so an SDK configured with a proxy path still reaches the collector,
// but not one that is itself the API's path: `endpoint: url + '/v1/batch'` sends to
// /v1/batch/v1/batch, which the real API answers 404.
// `/v1/b` is the browser's form of the same route (Customer.io's browser library posts there): a
// `text/plain` body with the write key in it, and no Authorization header, so no CORS preflight.
const BATCH_PATH = /\/v1\/(batch|b)$/
const BROWSER_PATH = /\/v1\/b$/
const DOUBLED_PATH = /\/v1(\/batch)?\/v1\/batch$/

interface Judged {
  verdict: Verdict
  rawBody: string
  /** Only requests that reach the batch route take scripted plans. */
  takesPlans: boolean
  /** Answer for requests the route rejects, such as `Allow` on a 405. */
  routePlan?: ResponsePlan
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer)
  } catch {
    return undefined // The client went away mid-body; there is nobody to answer.
  }
  return req.complete ? Buffer.concat(chunks) : undefined
}

// Synchronous on purpose: bodies are at most a few hundred KB, and judging each request in one go keeps
// scripted plans matched to requests in arrival order.
function decode(req: IncomingMessage, wire: Buffer): string | { status: number; error: string } {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  if (encoding === 'identity' || encoding === '') return wire.toString('utf8')
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    return { status: 415, error: `content-encoding: ${encoding} is not supported; send gzip or no encoding` }
  }
  try {
    return gunzipSync(wire).toString('utf8')
  } catch (error) {
    return { status: 400, error: `(body): Content-Encoding is gzip but gunzip failed: ${(error as Error).message}` }
  }
}

/** A fault in the collector itself still reaches the test as a 500 that says so, not as a crash. */
function answerInternalError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy()
  const message = error instanceof Error ? error.message : String(error)
  res.writeHead(500, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ meta: { errors: [`collector: internal error: ${message}`] } }))
}

class LocalCollector implements Collector {
  port = 0
  private records: RecordedRequest[] = []
  private plans: ResponsePlan[] = []
  private defaultPlan: ResponsePlan | undefined
  private closing: Promise<void> | undefined
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => answerInternalError(res, error))
  })
  private readonly sockets = new Set<Socket>()
  /** Each accepted connection's number, from 1 in accept order. */
  private readonly connectionIds = new WeakMap<Socket, number>()
  private accepted = 0
  private preflightCount = 0
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly waiters = new Waiters()

  constructor(private readonly options: CollectorOptions) {
    // Tracked so close() can end keep-alive and hung connections instead of waiting for them.
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      this.connectionIds.set(socket, ++this.accepted)
      socket.once('close', () => this.sockets.delete(socket))
    })
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    this.port = (this.server.address() as AddressInfo).port
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get connections(): number {
    return this.accepted
  }

  get preflights(): number {
    return this.preflightCount
  }

  get requests(): RecordedRequest[] {
    return [...this.records]
  }

  get batches(): RecordedRequest[] {
    return this.records.filter(isAccepted)
  }

  get messages(): BatchMessage[] {
    return acceptedMessages(this.records)
  }

  enqueueResponses(...plans: ResponsePlan[]): void {
    plans.forEach(checkPlan)
    this.plans.push(...plans)
  }

  setDefaultResponse(plan: ResponsePlan | undefined): void {
    if (plan) checkPlan(plan)
    this.defaultPlan = plan
  }

  waitForMessages(count: number, { timeoutMs = DEFAULT_WAIT_MS }: WaitOptions = {}): Promise<BatchMessage[]> {
    return this.waitFor(`waitForMessages(${count})`, timeoutMs, () => {
      const messages = this.messages
      return messages.length >= count ? messages : undefined
    })
  }

  waitForRequests(count: number, { timeoutMs = DEFAULT_WAIT_MS }: WaitOptions = {}): Promise<RecordedRequest[]> {
    return this.waitFor(`waitForRequests(${count})`, timeoutMs, () => (this.records.length >= count ? this.requests : undefined))
  }

  duplicateMessageIds(): Map<string, number> {
    return countDuplicates(this.messages)
  }

  reset(): void {
    this.preflightCount = 0
    this.records = []
    this.plans = []
    this.defaultPlan = undefined
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer)
      this.timers.clear()
      this.waiters.failAll('the collector was closed')
      this.server.close(() => resolve())
      for (const socket of this.sockets) socket.destroy()
    })
    return this.closing
  }

  private waitFor<T>(name: string, timeoutMs: number, ready: () => T | undefined): Promise<T> {
    if (this.closing) return Promise.reject(new Error(`${name}: the collector is closed`))
    return this.waiters.wait(ready, timeoutMs, (reason) => `${name} at ${this.url}: ${reason}. ${describeRecords(this.records)}`)
  }

  /** Runs `run` after `ms` on a timer that close() cancels; at once when `ms` is 0. */
  private readonly later = (ms: number, run: () => void): void => {
    if (this.closing) return // Its sockets are gone, and a late timer would hold the process open.
    if (ms <= 0) return run()
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run()
    }, ms)
    this.timers.add(timer)
  }

  private judge(req: IncomingMessage, wire: Buffer): Judged {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (!BATCH_PATH.test(path) || DOUBLED_PATH.test(path)) {
      const hint = DOUBLED_PATH.test(path) ? ' (endpoint must be the base URL: the SDK appends /v1/batch itself)' : ''
      const error = `(route): ${req.method} ${path} is not served; the collector serves POST <prefix>/v1/batch (and /v1/b, the browser form)${hint}`
      return { verdict: { status: 404, errors: [error] }, rawBody: wire.toString('utf8'), takesPlans: false }
    }
    if (req.method !== 'POST') {
      const error = `(route): ${req.method} is not allowed on /v1/batch; use POST`
      const verdict = { status: 405, errors: [error] }
      return { verdict, rawBody: wire.toString('utf8'), takesPlans: false, routePlan: { headers: { allow: 'POST' } } }
    }
    const decoded = decode(req, wire)
    if (typeof decoded !== 'string') {
      return { verdict: { status: decoded.status, errors: [decoded.error] }, rawBody: '', takesPlans: true }
    }
    const verdict = judgeBatchRequest({
      authorization: req.headers.authorization,
      keyInBody: BROWSER_PATH.test(path),
      rawBody: decoded,
      writeKey: this.options.writeKey,
      validate: this.options.validate ?? true,
    })
    // The API's permissive mode: it logs what it cannot use and answers 200 anyway.
    if (this.options.permissive && verdict.status === 400 && req.headers['x-strict-mode'] !== '1') {
      return { verdict: { ...verdict, status: 200 }, rawBody: decoded, takesPlans: true }
    }
    return { verdict, rawBody: decoded, takesPlans: true }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A client that gives up (timeouts, aborts) must not crash the test run with an unhandled error.
    req.on('error', () => {})
    res.on('error', () => {})
    // A page's request from another origin: answer with CORS headers for that origin. A preflight
    // (OPTIONS) is answered and counted, never recorded as a batch: a browser SDK should need none.
    const origin = req.headers.origin
    if (origin) {
      res.setHeader('access-control-allow-origin', origin)
      res.setHeader('vary', 'Origin')
    }
    if (req.method === 'OPTIONS' && origin) {
      this.preflightCount++
      res.writeHead(204, {
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        'access-control-max-age': '0',
      })
      return void res.end()
    }
    const wire = await readBody(req)
    if (wire === undefined || this.closing) return
    const receivedAt = Date.now()
    const judged = this.judge(req, wire)
    const plan = judged.takesPlans ? (this.plans.shift() ?? this.defaultPlan) : judged.routePlan
    const answer = planAnswer(judged.verdict, plan)
    this.record(req, wire, judged, answer, receivedAt)
    sendAnswer(req, res, answer, this.later)
  }

  private record(req: IncomingMessage, wire: Buffer, judged: Judged, answer: Answer, receivedAt: number): void {
    const { verdict } = judged
    this.records.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      rawBody: judged.rawBody,
      bytes: wire.length,
      ...('body' in verdict ? { body: verdict.body } : {}),
      valid: verdict.errors.length === 0,
      errors: verdict.errors,
      status: answeredStatus(answer),
      receivedAt,
      connection: this.connectionIds.get(req.socket) ?? 0,
    })
    this.waiters.notify()
  }
}

/** Starts a collector on 127.0.0.1 (any free port unless `options.port`). Close it when done. */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const collector = new LocalCollector(options)
  await collector.listen()
  return collector
}
