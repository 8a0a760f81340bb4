// The Transport contract (checkTransport from @cdp-analytics/node/testing) over the edge transports,
// run in Node against the local collector: the edge transport with and without gzip, and ky's.
import { checkTransport } from '@cdp-analytics/node/testing'
import { describe, expect, it } from 'vitest'
import { createEdgeTransport, type Transport } from '../src/index.js'
import { createKyTransport } from '../src/ky.js'

const EDGE_TRANSPORTS: [string, () => Transport][] = [
  ['createEdgeTransport()', () => createEdgeTransport()],
  ['createEdgeTransport({ compress: true })', () => createEdgeTransport({ compress: true })],
  ['createKyTransport() from @cdp-analytics/edge/ky', () => createKyTransport()],
]

describe('checkTransport: every edge transport conforms', () => {
  it.each(EDGE_TRANSPORTS)('%s', async (_name, make) => {
    expect(await checkTransport(make())).toEqual([])
  })
})
