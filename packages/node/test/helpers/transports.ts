// Every Node transport, by name: the contract test, the client tests and the proxy tests run over this table.
import { createFetchTransport, createHttpTransport, type Transport } from '../../src/index.js'
import { createKyTransport } from '../../src/ky.js'

export const NODE_TRANSPORTS: { name: string; make: () => Transport }[] = [
  { name: 'fetch', make: () => createFetchTransport() },
  { name: 'http', make: () => createHttpTransport() },
  { name: 'ky', make: () => createKyTransport() },
]
