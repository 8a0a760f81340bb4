/**
 * `@cdp-analytics/core/ky`: a Transport through a ky instance, yours with its hooks, `fetch` and
 * headers. ky is an optional peer dependency: only this entry imports it, so nobody who does not
 * use it installs it, and the default bundles never contain it.
 *
 * Retries, timeouts and the close deadline stay the core's (one policy for every transport), so
 * ky's own are turned off: `retry: 0`, `timeout: false`, `throwHttpErrors: false` (every status is
 * a response), `redirect: 'manual'` (a redirect would re-send the write key elsewhere).
 */
import defaultKy, { type KyInstance, type Options } from 'ky'
import { createFetchTransport } from './fetch-transport.js'
import { readDetailUntilAborted } from './read-until-aborted.js'
import type { Transport } from './transport.js'

export interface KyTransportOptions {
  /** Your configured instance (`ky.create({ hooks, fetch, headers })`); its hooks run on every request. @default ky */
  ky?: KyInstance
}

/** What the core owns, whatever the instance says. `prefixUrl: ''`: requests carry the full URL. */
const CORE_OWNS: Options = { retry: 0, timeout: false, throwHttpErrors: false, redirect: 'manual', prefixUrl: '' }

export function createKyTransport(options: KyTransportOptions = {}): Transport {
  const ky = (options.ky ?? defaultKy).extend(CORE_OWNS)
  // The fetch transport brings the per-attempt timeout, the close signal and the body reading,
  // which must cancel itself: ky's own signal does not always carry the abort to the body.
  return createFetchTransport({ fetch: (input, init) => ky(input as string, init as Options) }, readDetailUntilAborted)
}
