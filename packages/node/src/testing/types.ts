import type { IncomingHttpHeaders } from 'node:http'

/**
 * Misbehaviour to act out instead of (or while) answering:
 * - `reset`: destroy the socket with a TCP RST; the client sees a connection error and no response.
 * - `hang`: never answer; the request stays open until the client gives up or the collector closes.
 * - `close-after-headers`: send the status line and headers, then close before any body byte.
 * - `slow-body`: send the status line and headers at once, then trickle the body over `delayMs`.
 */
export type ResponseAction = 'reset' | 'hang' | 'close-after-headers' | 'slow-body'

/** How to answer one request. Fields left out fall back to the collector's own verdict. */
export interface ResponsePlan {
  /**
   * HTTP status to answer with, whatever the verdict on the request.
   * @default the verdict: 200 valid, 400 invalid, 401 bad auth; 307 when `redirectTo` is set
   */
  status?: number
  /**
   * Milliseconds to wait before answering (or before `reset` / `close-after-headers`).
   * For `slow-body`, the time over which the body trickles out.
   * @default 0, or 1000 for `slow-body`
   */
  delayMs?: number
  /** Sent as the `Retry-After` header: seconds as a number, or any string such as an HTTP date. */
  retryAfter?: string | number
  /** Extra response headers; they win over the collector's own. */
  headers?: Record<string, string>
  /**
   * Response body text.
   * @default `{}` for a 2xx answer, otherwise `{"meta":{"errors":[...]}}` (pipelines-api.md §4)
   */
  body?: string
  action?: ResponseAction
  /** Answer with a redirect to this URL, in the `Location` header. */
  redirectTo?: string
}

/** One HTTP request the collector received, and what it answered. */
export interface RecordedRequest {
  method: string
  /** The request target as sent, query string included. */
  path: string
  headers: IncomingHttpHeaders
  /** The body as UTF-8 text, after undoing `Content-Encoding: gzip`. */
  rawBody: string
  /** Length of the body on the wire in bytes, i.e. compressed when gzipped. */
  bytes: number
  /** `rawBody` parsed as JSON; absent when it is not JSON. */
  body?: unknown
  /** True when the collector found nothing wrong: route, auth, JSON, schema and byte limits. */
  valid: boolean
  /** What is wrong with the request, one line each, such as `batch[2].event: required`. */
  errors: string[]
  /** The status the collector answered; 0 when it sent none (`reset`, `hang`). */
  status: number
  /** `Date.now()` when the whole body had arrived. */
  receivedAt: number
  /**
   * Which TCP connection carried it: connections are numbered from 1 in the order the collector
   * accepted them, so requests with the same number shared a kept-alive connection.
   */
  connection: number
}

/** A message from a batch, as sent. Only checked when the collector validates. */
export type BatchMessage = Record<string, unknown>

export interface CollectorOptions {
  /** Port to listen on, on 127.0.0.1. @default 0 (any free port) */
  port?: number
  /**
   * When set, requests whose `Authorization` is not exactly `Basic base64(writeKey + ":")`
   * (pipelines-api.md §2) are answered 401.
   */
  writeKey?: string
  /**
   * Check bodies against the wire schema and byte limits, answering 400 when they fail.
   * A body that is not JSON is answered 400 either way.
   * @default true
   */
  validate?: boolean
  /**
   * Answer like the real API in its permissive mode: a body that fails validation still gets a
   * 200 (its record keeps the errors, `valid: false`) unless the request sends `X-Strict-Mode: 1`,
   * which gets the 400. Auth failures are 401 either way. @default false (every invalid body is a 400)
   */
  permissive?: boolean
}

export interface WaitOptions {
  /** How long to wait before rejecting, in ms. @default 5000 */
  timeoutMs?: number
}

/**
 * A running local stand-in for the Data Pipelines `POST /v1/batch` endpoint, and its browser form
 * `POST /v1/b` (a `text/plain` JSON body with the write key as its `writeKey`).
 */
export interface Collector {
  /** Base URL such as `http://127.0.0.1:54321`; the SDK appends `/v1/batch`. */
  readonly url: string
  readonly port: number
  /** TCP connections accepted so far (not cleared by `reset()`): a client that reuses connections opens few. */
  readonly connections: number
  /**
   * CORS preflights (OPTIONS requests with an `Origin`) answered since the start or `reset()`. A
   * page's request from another origin is answered with `Access-Control-Allow-Origin` for that
   * origin; a browser SDK that sends `text/plain` without custom headers needs no preflight.
   */
  readonly preflights: number
  /** Every request received, in arrival order (a copy). */
  readonly requests: RecordedRequest[]
  /** The requests answered 2xx: those an SDK would count as delivered. */
  readonly batches: RecordedRequest[]
  /** The messages of the 2xx-answered requests, flattened, in arrival order. */
  readonly messages: BatchMessage[]
  /**
   * Queue plans; each batch request takes the next one (FIFO) before the default applies.
   * @throws TypeError for a plan node:http could not send (bad status, header or delay).
   */
  enqueueResponses(...plans: ResponsePlan[]): void
  /** Plan used when the queue is empty; `undefined` restores the plain verdict. */
  setDefaultResponse(plan: ResponsePlan | undefined): void
  /** Resolves with all messages once at least `count` have been accepted. */
  waitForMessages(count: number, options?: WaitOptions): Promise<BatchMessage[]>
  /** Resolves with all requests once at least `count` have been received. */
  waitForRequests(count: number, options?: WaitOptions): Promise<RecordedRequest[]>
  /** messageId → times accepted, for each messageId accepted more than once. */
  duplicateMessageIds(): Map<string, number>
  /** Forget recorded requests, queued plans and the default plan. */
  reset(): void
  /** Stop listening and destroy open sockets, hung ones included. Safe to call more than once. */
  close(): Promise<void>
}
