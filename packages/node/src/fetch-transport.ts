/**
 * The Node flavour of the core's fetch transport: the same, plus `dispatcher`, which Node's fetch
 * (undici) takes to send through a forward proxy (`new ProxyAgent(url)` from the `undici` package).
 */
import {
  createFetchTransport as createCoreFetchTransport,
  type FetchTransportOptions,
  readDetailUntilAborted,
  type Transport,
} from '@cdp-analytics/core'

export interface NodeFetchTransportOptions extends FetchTransportOptions {
  /**
   * An undici `Dispatcher` passed as fetch's `dispatcher` option, for example `new ProxyAgent(url)`
   * to send through a forward proxy. @default Node's global dispatcher
   */
  dispatcher?: unknown
}

export function createFetchTransport(options: NodeFetchTransportOptions = {}): Transport {
  const { dispatcher, ...rest } = options
  // A fetch of your own may not carry the abort on to the body (ky's does not, at times; see
  // readDetailUntilAborted), so its body read cancels itself on timeout or deadline. Node's own
  // fetch takes our signal as it is: the plain read, which costs less per request, is enough.
  const readBody = rest.fetch ? readDetailUntilAborted : undefined
  if (dispatcher === undefined) return createCoreFetchTransport(rest, readBody)
  const viaDispatcher: typeof fetch = (input, init) => (rest.fetch ?? globalThis.fetch)(input, { ...init, dispatcher } as RequestInit)
  return createCoreFetchTransport({ ...rest, fetch: viaDispatcher }, readBody)
}
