/**
 * Sends one batch until it has an outcome: delivered, rejected, out of retries, or cut off by
 * the close deadline. Retry decisions come from the pure policy in retry-policy.ts. A batch the
 * API refuses for its body (400, 413) goes again in halves until the refused messages stand alone
 * (`shouldSplit`), so one bad message never fails its neighbours (issue 19).
 */
import { Batch } from './batch.js'
import { type AnalyticsError, DeliveryError, QueueFullError } from './errors.js'
import type { RateGate } from './rate-gate.js'
import { clientWidePause, decideAttempt, shouldSplit, type RetrySettings } from './retry-policy.js'
import type { Transport, TransportRequest, TransportResult } from './transport.js'
import type { TimerHost } from './types.js'

export interface RequestInfo {
  attempt: number
  /** How many messages the request carried. */
  messageCount: number
  bytes: number
  durationMs: number
  /** HTTP status, when a response arrived. */
  status?: number
  /** Why no response arrived, when none did. */
  error?: string
}

export interface RetryInfo {
  attempt: number
  delay: number
  reason: string
  /** How many messages will be re-sent. */
  messageCount: number
}

/** The body and headers of one attempt, encoded (compress.ts's `encodeBody`: gzip). Never rejects. */
export type BodyEncoder = (
  body: string,
  headers: Record<string, string>,
) => Promise<{ body: string | Uint8Array; headers: Record<string, string> }>

export interface DeliveryContext {
  transport: Transport
  url: string
  headers: Record<string, string>
  timeout: number
  retry: RetrySettings
  timers: TimerHost
  now: () => Date
  onRequest: (info: RequestInfo) => void
  onRetry: (info: RetryInfo) => void
  /**
   * Called exactly once per batch, with no error on delivery; once per half instead, for a batch
   * split to isolate the messages the API refused.
   */
  settle: (batch: Batch, error: AnalyticsError | undefined) => void
  /** Text never to repeat in errors or events (the write key and its Basic encoding). */
  secrets?: readonly string[]
  /** With `compress: true`: the runtime's encoder (compress.ts's `encodeBody`, for bodies of MIN_COMPRESS_BYTES and more). */
  compress?: BodyEncoder
  /** The client-wide rate-limit pause, shared by every batch of the client. */
  gate?: RateGate
}

/**
 * `signal`: this batch's, aborted by the close() deadline. `split` counts the requests spent on
 * halves of the batch that was cut from the queue (shared by its halves).
 */
export async function deliverBatch(batch: Batch, ctx: DeliveryContext, signal: AbortSignal, split = { spent: 0 }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // A rate limit another batch met holds this attempt too (the pause may grow while waiting).
    for (let wait = ctx.gate?.remaining() ?? 0; wait > 0 && !signal.aborted; wait = ctx.gate!.remaining()) {
      await sleep(wait, signal, ctx.timers)
    }
    if (signal.aborted) {
      return ctx.settle(batch, deadlineError(attempt - 1))
    }
    const started = Date.now()
    const result = scrub(await sendSafely(ctx, batch, signal), ctx.secrets)
    ctx.onRequest({
      attempt,
      messageCount: batch.count,
      bytes: batch.bodyBytes,
      durationMs: Date.now() - started,
      ...(result.kind === 'response'
        ? { status: result.status }
        : { error: result.kind === 'full' ? 'full' : result.timedOut ? 'timeout' : String(result.error) }),
    })
    const outcome = decideAttempt(result, attempt, ctx.retry, ctx.now().getTime(), Math.random())
    if (outcome.action === 'delivered') return ctx.settle(batch, undefined)
    // Before the outcome is settled: a rate limit met on a batch's last attempt holds the client too.
    ctx.gate?.pause(clientWidePause(result, outcome))
    if (outcome.action === 'fail') {
      const status = result.kind === 'response' ? result.status : undefined
      if (outcome.reason === 'queue_full') return ctx.settle(batch, new QueueFullError(outcome.detail))
      if (status !== undefined && shouldSplit(status, batch.count, split.spent)) {
        // One after the other, in the batch's request slot; each half has its own outcome.
        split.spent += 2
        const middle = Math.ceil(batch.count / 2)
        for (const items of [batch.items.slice(0, middle), batch.items.slice(middle)]) {
          const half = new Batch(batch.first)
          for (const item of items) half.add(item)
          await deliverBatch(half, ctx, signal, split)
        }
        batch.reported = true
        return
      }
      const message =
        outcome.reason === 'deadline'
          ? `not delivered before the close() deadline (${outcome.detail})`
          : `delivery failed: ${outcome.detail}`
      // A network error's own object (with undici's `cause` inside) stays reachable as `cause`.
      const cause = result.kind === 'network-error' ? { cause: result.error } : undefined
      return ctx.settle(batch, new DeliveryError(message, outcome.reason, status, attempt, cause))
    }
    ctx.onRetry({ attempt, delay: outcome.delay, reason: outcome.detail, messageCount: batch.count })
    await sleep(outcome.delay, signal, ctx.timers)
  }
}

export function deadlineError(attempts: number): DeliveryError {
  return new DeliveryError('not delivered before the close() deadline', 'deadline', undefined, attempts)
}

/** Secrets this short would scrub ordinary words; real write keys are far longer. */
const MIN_SECRET_LENGTH = 8

/**
 * A server or proxy may echo the request, credentials included, in its error body (or a network
 * error may quote it). Scrub the secrets out before the text reaches error messages and events.
 */
function scrub(result: TransportResult, secrets: readonly string[] | undefined): TransportResult {
  const words = secrets?.filter((secret) => secret.length >= MIN_SECRET_LENGTH)
  if (!words?.length) return result
  const redact = (text: string) => words.reduce((out, secret) => out.split(secret).join('[redacted]'), text)
  if (result.kind === 'response') return result.detail ? { ...result, detail: redact(result.detail) } : result
  if (result.kind === 'full') return result
  const text = result.error instanceof Error ? result.error.message : String(result.error)
  return words.some((secret) => text.includes(secret)) ? { ...result, error: new Error(redact(text)) } : result
}

/** A transport must not throw, but a user-supplied one might: treat that as a network error. */
async function sendSafely(ctx: DeliveryContext, batch: Batch, signal: AbortSignal): Promise<TransportResult> {
  try {
    const json = batch.body(ctx.now().toISOString())
    const request: TransportRequest = {
      url: ctx.url,
      headers: ctx.headers,
      body: json,
      timeout: ctx.timeout,
      signal,
      messages: batch.items,
    }
    if (ctx.compress) Object.assign(request, await ctx.compress(json, ctx.headers))
    return await ctx.transport.send(request)
  } catch (error) {
    return { kind: 'network-error', error, timedOut: false, aborted: signal.aborted }
  }
}

/** Waits `ms`, or less if the signal aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal, timers: TimerHost): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      cancel()
      signal.removeEventListener('abort', done)
      resolve()
    }
    const cancel = timers(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
