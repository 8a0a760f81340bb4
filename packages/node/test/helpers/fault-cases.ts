// The fault matrix (issue 4) as data: test/fault-matrix.test.ts acts each row out against the real
// collector, and renders the same rows as the README's table, so the docs cannot drift from the tests.
import type { ResponsePlan } from '../../src/testing/index.js'

/** Settings the matrix runs with; the README table states them. */
export const MATRIX = {
  messages: 4,
  maxRetries: 2,
  /** Per-request timeout of the rows whose fault is a timeout (`timesOut`), ms. */
  timeout: 300,
  /**
   * Per-request timeout of every other row, ms: their answers come at once, so it is never reached
   * unless the SDK is broken, and a loaded machine cannot turn a prompt answer into a timeout and an
   * extra attempt (300 ms did once, under CI with two busy loops beside it).
   */
  patientTimeout: 5000,
  /** Constant backoff per retry, ms (before jitter). */
  backoff: 20,
  /** Cap on any wait, Retry-After included, ms. */
  maxRetryDelay: 400,
  /**
   * The deadline given to close() in the close rows, ms: long enough that a delivered or rejected
   * row's one request ends well within it on a loaded machine; those rows retry every 1-2 s.
   */
  closeTimeout: 1000,
} as const

export type Fault =
  /** The collector answers with this plan (built at run time, for HTTP-dates). */
  | { kind: 'plan'; plan: () => ResponsePlan }
  /** Nothing listens on the port. "Clears" means the server starts listening after the first attempt. */
  | { kind: 'refused' }

export interface FaultCase {
  /** The row's first column. */
  name: string
  fault: Fault
  /** Whether the SDK sends the batch again after this fault. */
  retried: boolean
  /** When the fault is a 2xx answer the batch is delivered; otherwise the reason it fails if the fault persists. */
  persists: 'delivered' | 'rejected' | 'retries_exhausted'
  /** What the error message must say, so a user can tell why. */
  says?: RegExp
  /** The "what the SDK does" column. */
  does: string
  /** Retry-After rows: every wait between attempts is at least this long (ms). */
  minGapMs?: number
  /** Rows with a plain status, cross-checked against the pure policy `decideAttempt`. */
  status?: number
  /**
   * A refusal of the body (400, 413): the batch goes again in halves until each refused message
   * stands alone (issue 19), so its neighbours are delivered. Not a retry: the same answer on a
   * single message is final.
   */
  split?: boolean
  /** The fault is a response that does not finish in time: the row runs with the short `MATRIX.timeout`. */
  timesOut?: boolean
}

/** The per-request timeout a row runs with. */
export function timeoutFor(row: FaultCase): number {
  return row.timesOut ? MATRIX.timeout : MATRIX.patientTimeout
}

const RETRIED = 'retried with exponential backoff and jitter'
const REJECTED = "fails at once with `rejected`; the message carries the server's error text"
const SPLIT =
  "sent again in halves until each refused message stands alone: it fails with `rejected` and the server's error text, its neighbours are delivered (a batch of 4 refused whole: 7 requests)"
const httpDate = (secondsAhead: number) => new Date(Date.now() + secondsAhead * 1000).toUTCString()

const retriedStatus = (status: number, extra: Partial<FaultCase> = {}): FaultCase => ({
  name: String(status),
  fault: { kind: 'plan', plan: () => ({ status }) },
  retried: true,
  persists: 'retries_exhausted',
  says: new RegExp(`HTTP ${status}`),
  does: RETRIED,
  status,
  ...extra,
})

const rejectedStatus = (status: number, extra: Partial<FaultCase> = {}): FaultCase => ({
  name: String(status),
  fault: { kind: 'plan', plan: () => ({ status }) },
  retried: false,
  persists: 'rejected',
  says: new RegExp(`HTTP ${status}`),
  does: REJECTED,
  status,
  ...extra,
})

export const FAULT_CASES: FaultCase[] = [
  {
    name: '200 with a body that is not JSON',
    fault: { kind: 'plan', plan: () => ({ status: 200, body: '<html>OK</html>', headers: { 'content-type': 'text/html' } }) },
    retried: false,
    persists: 'delivered',
    does: 'delivered: any 2xx counts, the body is not read',
  },
  {
    name: '200 with a body that trickles in',
    fault: { kind: 'plan', plan: () => ({ status: 200, action: 'slow-body', delayMs: 5000 }) },
    retried: false,
    persists: 'delivered',
    does: 'delivered as soon as the status arrives; the body is cancelled',
  },
  rejectedStatus(400, { says: /HTTP 400 \(the API refused the body\): .*Bad Request/, split: true, does: SPLIT }),
  rejectedStatus(401, { does: `${REJECTED} (check the write key)` }),
  rejectedStatus(403),
  rejectedStatus(404, { does: `${REJECTED} (check \`endpoint\`)` }),
  retriedStatus(408),
  rejectedStatus(413, { split: true, does: SPLIT }),
  retriedStatus(429, { name: '429 without `Retry-After`' }),
  {
    ...retriedStatus(429),
    name: '429 with `Retry-After: 1` (seconds)',
    fault: { kind: 'plan', plan: () => ({ status: 429, retryAfter: 1 }) },
    does: 'retried after `Retry-After`, capped at `maxRetryDelay`',
    minGapMs: MATRIX.maxRetryDelay,
  },
  {
    ...retriedStatus(429),
    name: '429 with `Retry-After` as an HTTP-date',
    fault: { kind: 'plan', plan: () => ({ status: 429, retryAfter: httpDate(3) }) },
    does: 'retried after `Retry-After`, capped at `maxRetryDelay`',
    minGapMs: MATRIX.maxRetryDelay,
  },
  retriedStatus(500),
  rejectedStatus(501, { does: 'fails at once with `rejected`: retrying cannot help' }),
  retriedStatus(502),
  {
    ...retriedStatus(502),
    name: '502 with an HTML body (a proxy)',
    fault: {
      kind: 'plan',
      plan: () => ({ status: 502, body: '<html><body>Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } }),
    },
    says: /HTTP 502: <html><body>Bad Gateway/,
    does: `${RETRIED}; the body's start is kept for the message`,
  },
  retriedStatus(503),
  {
    ...retriedStatus(503),
    name: '503 with `Retry-After: 1`',
    fault: { kind: 'plan', plan: () => ({ status: 503, retryAfter: 1 }) },
    does: 'retried after `Retry-After`, capped at `maxRetryDelay`',
    minGapMs: MATRIX.maxRetryDelay,
  },
  {
    ...retriedStatus(503),
    name: '503 whose body trickles in slower than `timeout`',
    fault: { kind: 'plan', plan: () => ({ status: 503, action: 'slow-body', delayMs: 5000 }) },
    timesOut: true,
    says: /HTTP 503/,
    does: `reading stops at \`timeout\`; ${RETRIED}`,
    status: undefined,
  },
  retriedStatus(504),
  {
    name: '301 redirect',
    fault: { kind: 'plan', plan: () => ({ status: 301, redirectTo: 'http://127.0.0.1:9/v1/batch' }) },
    retried: false,
    persists: 'rejected',
    says: /HTTP 301.*redirect: set endpoint to the final URL/,
    does: 'not followed (it would re-send the write key elsewhere, or turn the POST into a GET): fails with `rejected`',
    status: 301,
  },
  {
    name: '307 redirect',
    fault: { kind: 'plan', plan: () => ({ redirectTo: 'http://127.0.0.1:9/v1/batch' }) },
    retried: false,
    persists: 'rejected',
    says: /HTTP 307.*redirect: set endpoint to the final URL/,
    does: 'not followed: fails with `rejected`, naming the fix',
    status: 307,
  },
  {
    name: 'connection refused (server down)',
    fault: { kind: 'refused' },
    retried: true,
    persists: 'retries_exhausted',
    says: /ECONNREFUSED/,
    does: RETRIED,
  },
  {
    name: 'connection reset after the request arrived',
    fault: { kind: 'plan', plan: () => ({ action: 'reset' }) },
    retried: true,
    persists: 'retries_exhausted',
    says: /network error/,
    does: `${RETRIED}, with the same messageIds (the server may have the batch)`,
  },
  {
    name: 'response never arrives',
    fault: { kind: 'plan', plan: () => ({ action: 'hang' }) },
    timesOut: true,
    retried: true,
    persists: 'retries_exhausted',
    says: /request timed out/,
    does: `given up after \`timeout\`; ${RETRIED}, same messageIds`,
  },
  {
    name: 'status and headers, then the connection closes',
    fault: { kind: 'plan', plan: () => ({ status: 503, action: 'close-after-headers' }) },
    retried: true,
    persists: 'retries_exhausted',
    // Whether undici reports the status before it notices the missing body is a race; both retry.
    says: /network error|HTTP 503/,
    does: `the truncated answer counts as a failure; ${RETRIED}`,
  },
]

const code = (text: string) => `\`${text}\``

/** Requests (or connection attempts) the SDK makes for one batch while the fault persists. */
export function attemptsIfPersists(row: FaultCase): number {
  // Split to single messages: the whole batch, then every half down to one message each.
  if (row.split) return 2 * MATRIX.messages - 1
  return row.retried ? MATRIX.maxRetries + 1 : 1
}

/** Requests for one batch when the fault happens once and the next answer is a 200. */
export function attemptsIfClears(row: FaultCase): number {
  if (row.split) return 3 // the batch, then its two halves, which are delivered
  return row.retried ? 2 : 1
}

/** What each message ends with when the fault happens once and the next answer is a 200. */
export function outcomeIfClears(row: FaultCase): 'delivered' | 'rejected' | 'retries_exhausted' {
  return row.retried || row.split ? 'delivered' : row.persists
}

/** What each message ends with under `close({ timeout })` while the fault persists. */
export function outcomeUnderClose(row: FaultCase): 'delivered' | 'rejected' | 'deadline' {
  if (row.persists === 'delivered') return 'delivered'
  return row.retried ? 'deadline' : 'rejected'
}

function outcomeCell(attempts: number, outcome: string, row: FaultCase): string {
  const unit = row.fault.kind === 'refused' ? 'attempt' : 'request'
  const shown = outcome === 'delivered' ? 'delivered' : code(outcome)
  return `${attempts} ${unit}${attempts === 1 ? '' : 's'} → ${shown}`
}

/** The README's fault table, rendered from FAULT_CASES. */
export function renderFaultTable(): string {
  const header = [
    '| fault | what the SDK does | fault persists | fault clears after one answer | `close({ timeout })` meanwhile |',
    '|---|---|---|---|---|',
  ]
  const rows = FAULT_CASES.map((row) => {
    const clears = outcomeIfClears(row)
    const close = outcomeUnderClose(row)
    return `| ${row.name} | ${row.does} | ${outcomeCell(attemptsIfPersists(row), row.persists, row)} | ${outcomeCell(attemptsIfClears(row), clears, row)} | ${close === 'delivered' ? 'delivered' : code(close)}, within the deadline |`
  })
  return [...header, ...rows].join('\n')
}
