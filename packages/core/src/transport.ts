/**
 * The one seam between the core and a runtime: a Transport moves one request body and
 * reports what happened. It never throws and never retries; the core decides what a
 * result means (see retry-policy.ts), so that policy is written and tested once.
 */
import type { StoreItem } from './store.js'

export interface TransportRequest {
  /** Full URL, for example `https://cdp.customer.io/v1/batch`. */
  url: string
  /**
   * Includes `Authorization` and `Content-Type`, and `Content-Encoding: gzip` when the body is
   * gzipped. Never log these: they hold the write key.
   */
  headers: Record<string, string>
  /**
   * The JSON body, already serialized: a string, or the gzipped bytes of it (then the headers say
   * `Content-Encoding: gzip`) when the client's `compress` option is on. Send it as it is.
   */
  body: string | Uint8Array
  /** Per-request timeout in milliseconds. */
  timeout: number
  /** Aborted when the client's close deadline passes. */
  signal: AbortSignal
  /**
   * The messages `body` carries, in order, as the runtime's store sees them (`json`, `bytes`, and
   * `stored`, the store's token). Most transports ignore it; the browser's records which messages
   * ride on a keepalive request, so that leaving the page keeps only the others (issue 21).
   */
  messages?: readonly StoreItem[]
}

export type TransportResult =
  /** A response arrived (any status). `retryAfter` is the raw `Retry-After` header, if any. */
  | { kind: 'response'; status: number; retryAfter?: string | null; detail?: string }
  /** No response: connection refused or reset, DNS failure, timeout, or aborted by the client. */
  | { kind: 'network-error'; error: unknown; timedOut: boolean; aborted?: boolean }
  /**
   * The store this transport writes to is at its bound (a Redis stream at its `maxStreamLength`):
   * the batch fails with reason `queue_full` at once, as a call into a full queue does; no retry.
   * `detail` says which bound.
   */
  | { kind: 'full'; detail: string }

export interface Transport {
  send(request: TransportRequest): Promise<TransportResult>
  /**
   * Largest request body, in bytes, that this transport delivers as one unit (all or nothing); the
   * client cuts no larger batch, so one result always stands for every message of a batch. For a
   * transport that must split a body, such as a Queue's. @default the API's 500,000
   */
  readonly maxBatchBytes?: number
}
