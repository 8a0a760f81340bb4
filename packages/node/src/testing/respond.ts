// Turns a verdict plus an optional scripted plan into an answer, and acts the answer out on the wire,
// including the failure modes an SDK's transport must survive (resets, hangs, truncated responses).
import { STATUS_CODES, validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http'
import type { ResponseAction, ResponsePlan } from './types.js'

export interface Answer {
  status: number
  headers: Record<string, string>
  body: string
  action: ResponseAction | undefined
  delayMs: number
}

/** Runs `run` after `ms`, on a timer the collector can cancel when it closes. */
export type Later = (ms: number, run: () => void) => void

const SLOW_BODY_DEFAULT_MS = 1000
// Enough pieces that a client sees the body arrive gradually, few enough to stay cheap.
const SLOW_BODY_PIECES = 10

function defaultBody(status: number, errors: readonly string[]): string {
  if (status >= 200 && status < 300) return '{}'
  const reasons = errors.length > 0 ? errors : [STATUS_CODES[status] ?? `HTTP ${status}`]
  return JSON.stringify({ meta: { errors: reasons } })
}

/** The plan's fields win; whatever it leaves out comes from the verdict. */
export function planAnswer(verdict: { status: number; errors: readonly string[] }, plan: ResponsePlan = {}): Answer {
  const status = plan.status ?? (plan.redirectTo === undefined ? verdict.status : 307)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (plan.retryAfter !== undefined) headers['retry-after'] = String(plan.retryAfter)
  if (plan.redirectTo !== undefined) headers.location = plan.redirectTo
  const defaultDelay = plan.action === 'slow-body' ? SLOW_BODY_DEFAULT_MS : 0
  return {
    status,
    headers: { ...headers, ...plan.headers },
    body: plan.body ?? defaultBody(status, verdict.errors),
    action: plan.action,
    delayMs: plan.delayMs ?? defaultDelay,
  }
}

const ACTIONS: readonly ResponseAction[] = ['reset', 'hang', 'close-after-headers', 'slow-body']

/**
 * Throws a TypeError for a plan node:http would refuse to send. Called when the plan is scripted, so
 * the mistake fails the test that made it instead of surfacing later inside a socket callback.
 */
export function checkPlan(plan: ResponsePlan): void {
  const { status, delayMs, action } = plan
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 999)) {
    throw new TypeError(`ResponsePlan.status must be an integer from 100 to 999, got ${status}`)
  }
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
    throw new TypeError(`ResponsePlan.delayMs must be a finite number of ms >= 0, got ${delayMs}`)
  }
  if (action !== undefined && !ACTIONS.includes(action)) {
    throw new TypeError(`ResponsePlan.action must be one of ${ACTIONS.join(', ')}, got ${String(action)}`)
  }
  for (const [name, value] of Object.entries(planAnswer({ status: 200, errors: [] }, plan).headers)) {
    try {
      validateHeaderName(name)
      validateHeaderValue(name, value)
    } catch (error) {
      throw new TypeError(`ResponsePlan header ${JSON.stringify(name)} cannot be sent: ${(error as Error).message}`)
    }
  }
}

/** The status the client will see, or 0 when the answer sends no status line. */
export function answeredStatus(answer: Answer): number {
  return answer.action === 'reset' || answer.action === 'hang' ? 0 : answer.status
}

function writeHead(res: ServerResponse, answer: Answer): void {
  // Content-Length is always the full body, so a truncated answer is visibly truncated to the client.
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) })
}

function trickle(res: ServerResponse, answer: Answer, later: Later): void {
  writeHead(res, answer)
  res.flushHeaders()
  const body = Buffer.from(answer.body)
  const pieces = Math.max(1, Math.min(SLOW_BODY_PIECES, body.length))
  const size = Math.ceil(body.length / pieces)
  const step = (index: number): void => {
    later(answer.delayMs / pieces, () => {
      const piece = body.subarray(index * size, (index + 1) * size)
      if (index + 1 >= pieces) res.end(piece)
      else {
        res.write(piece)
        step(index + 1)
      }
    })
  }
  step(0)
}

/** Acts out `answer` on one request. Never throws: the client may already be gone. */
export function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer, later: Later): void {
  switch (answer.action) {
    case 'hang':
      return
    case 'slow-body':
      return trickle(res, answer, later)
    case 'reset':
      // resetAndDestroy sends a TCP RST, which is what a crashed proxy looks like; plain destroy sends FIN.
      return later(answer.delayMs, () => req.socket.resetAndDestroy())
    case 'close-after-headers':
      return later(answer.delayMs, () => {
        writeHead(res, answer)
        res.flushHeaders()
        // end() flushes the queued headers before the FIN; the promised body never comes.
        req.socket.end()
      })
    default:
      return later(answer.delayMs, () => {
        writeHead(res, answer)
        res.end(answer.body)
      })
  }
}
