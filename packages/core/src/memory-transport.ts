/**
 * A Transport that keeps requests in memory, for users' own tests: it records every body and
 * answers from a script (default: 200), so a test can assert on what would have been sent.
 */
import { bodyText } from './compress.js'
import type { Transport, TransportRequest, TransportResult } from './transport.js'

export interface RecordedRequest {
  url: string
  headers: Record<string, string>
  body: { batch: Record<string, unknown>[]; sentAt: string; [key: string]: unknown }
  /** The JSON text, decoded when the body was gzipped (`compress: true`). */
  raw: string
  /** Whether the body went out gzipped (`Content-Encoding: gzip`). */
  gzipped: boolean
}

/** A scripted answer: a status (with optional Retry-After), or a network error. */
export type ScriptedResult = number | { status: number; retryAfter?: string } | { networkError: string; timedOut?: boolean }

export class MemoryTransport implements Transport {
  readonly requests: RecordedRequest[] = []
  private readonly script: ScriptedResult[] = []

  /** Answers for the next requests, in order; once used up every request gets 200. */
  respondWith(...results: ScriptedResult[]): this {
    this.script.push(...results)
    return this
  }

  /** Every message of every request, in the order sent (retries appear again). */
  get messages(): Record<string, unknown>[] {
    return this.requests.flatMap((request) => request.body.batch)
  }

  async send(request: TransportRequest): Promise<TransportResult> {
    if (request.signal.aborted) return { kind: 'network-error', error: request.signal.reason, timedOut: false, aborted: true }
    const raw = await bodyText(request.body, request.headers)
    this.requests.push({
      url: request.url,
      headers: request.headers,
      body: JSON.parse(raw),
      raw,
      gzipped: typeof request.body !== 'string',
    })
    const next = this.script.shift() ?? 200
    if (typeof next === 'number') return { kind: 'response', status: next }
    if ('networkError' in next) return { kind: 'network-error', error: new Error(next.networkError), timedOut: next.timedOut ?? false }
    return { kind: 'response', status: next.status, retryAfter: next.retryAfter ?? null }
  }
}
