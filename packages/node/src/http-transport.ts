/**
 * A Transport over node:http / node:https with a keep-alive Agent: no fetch, no Request or
 * Response objects, no streams of its own. It moves the same bytes as the fetch transport for a
 * fraction of the CPU (README, "Transports"). Same contract (checkTransport): every status is a
 * response with its Retry-After, bodies are always drained, redirects are never followed, the
 * timeout bounds the whole exchange, the close signal aborts, and it never throws.
 */
import { type Agent, type ClientRequest, Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { urlToHttpOptions } from 'node:url'
import type { Transport, TransportRequest, TransportResult } from '@cdp-analytics/core'

export interface HttpTransportOptions {
  /**
   * The Agent every request goes through, for example a proxy agent (`https-proxy-agent`) or one of
   * your own. @default a keep-alive Agent per protocol, with `maxSockets` sockets
   */
  agent?: Agent
  /**
   * Sockets the default Agents keep open per origin. Each client given this transport adds its
   * `maxInFlight` (clients sharing it add up), and the Agents get that many when it is more, so a
   * request never waits for a socket while its timeout runs. @default 4
   */
  maxSockets?: number
}

/** How much of an error response to keep for the error message (as the fetch transport). */
const DETAIL_CHARS = 500

/** Lets the Node client size the default Agents to its `maxInFlight`. */
export const SIZE_TRANSPORT: unique symbol = Symbol.for('cdp-analytics.sizeTransport')

export interface HttpTransport extends Transport {
  /** @internal */
  [SIZE_TRANSPORT](maxInFlight: number): void
}

export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  let maxSockets = options.maxSockets ?? 4
  /** The `maxInFlight` of every client using this transport, added up. */
  let inFlight = 0
  const agents: { http?: HttpAgent; https?: HttpsAgent } = {}
  const agentFor = (protocol: string): Agent => {
    if (options.agent) return options.agent
    if (protocol === 'https:') {
      agents.https ??= new HttpsAgent({ keepAlive: true, maxSockets })
      return agents.https
    }
    agents.http ??= new HttpAgent({ keepAlive: true, maxSockets })
    return agents.http
  }
  // A client sends every request to one URL: parse it once, not per request.
  let target: { url: string; options: ReturnType<typeof urlToHttpOptions> } | undefined
  const optionsFor = (url: string) => {
    if (target?.url !== url) target = { url, options: urlToHttpOptions(new URL(url)) }
    return target.options
  }
  return {
    send: (request) => send(request, agentFor, optionsFor),
    [SIZE_TRANSPORT](maxInFlight: number) {
      inFlight += maxInFlight
      maxSockets = Math.max(maxSockets, inFlight)
      for (const agent of [agents.http, agents.https]) if (agent) agent.maxSockets = maxSockets
    },
  }
}

function send(
  request: TransportRequest,
  agentFor: (protocol: string) => Agent,
  optionsFor: (url: string) => ReturnType<typeof urlToHttpOptions>,
): Promise<TransportResult> {
  return new Promise<TransportResult>((resolve) => {
    let timedOut = false
    let settled = false
    let req: ClientRequest | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    const onAbort = () => req?.destroy(abortError(request.signal.reason))
    const finish = (result: TransportResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      request.signal.removeEventListener('abort', onAbort)
      resolve(result)
    }
    /** Set once the status line arrived: from then on a cut connection still reports that status. */
    let answered: ((complete: boolean) => TransportResult) | undefined
    const fail = (error: unknown) =>
      finish(answered ? answered(false) : { kind: 'network-error', error, timedOut, aborted: request.signal.aborted })
    if (request.signal.aborted) return fail(abortError(request.signal.reason))
    try {
      const url = optionsFor(request.url)
      const { body } = request
      // A string is written as UTF-8 by the socket itself: no copy into a Buffer first.
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
      req = (url.protocol === 'https:' ? httpsRequest : httpRequest)({
        ...url,
        method: 'POST',
        agent: agentFor(url.protocol!),
        headers: { ...request.headers, 'Content-Length': String(length) },
      })
      req.on('error', fail)
      req.on('response', (res) => {
        const status = res.statusCode ?? 0
        const retryAfter = res.headers['retry-after'] ?? null
        // A 2xx body is read and dropped (the API answers `{}`); an error body keeps its start.
        const keep = status < 200 || status >= 300
        const chunks: Buffer[] = []
        let kept = 0
        if (keep) {
          res.on('data', (chunk: Buffer) => {
            if (kept < DETAIL_CHARS * 4) {
              chunks.push(chunk)
              kept += chunk.length
            }
          })
        } else {
          res.resume()
        }
        answered = (complete: boolean): TransportResult => {
          const text = complete && keep ? Buffer.concat(chunks).toString('utf8').trim() : ''
          return { kind: 'response', status, retryAfter, ...(text ? { detail: text.slice(0, DETAIL_CHARS) } : {}) }
        }
        res.on('end', () => finish(answered!(true)))
        // The timeout or close() cut the body short: the status still counts, as with fetch.
        res.on('error', () => {})
        res.on('close', () => finish(answered!(false)))
      })
      timer = setTimeout(() => {
        timedOut = true
        req!.destroy(new Error(`request timed out after ${request.timeout} ms`))
      }, request.timeout)
      request.signal.addEventListener('abort', onAbort)
      req.end(body)
    } catch (error) {
      // An invalid URL or header value throws synchronously; it is a network error like any other.
      req?.destroy()
      fail(error)
    }
  })
}

function abortError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error('aborted by close()', { cause: reason })
}
