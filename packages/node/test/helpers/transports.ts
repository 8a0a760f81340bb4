// Every Node transport, by name: the contract test, the fault matrix and the proxy tests run over this table.
import { createFetchTransport, createHttpTransport, type Transport } from '../../src/index.js'

export const NODE_TRANSPORTS: { name: string; make: () => Transport }[] = [
  { name: 'fetch', make: () => createFetchTransport() },
  { name: 'http', make: () => createHttpTransport() },
]
