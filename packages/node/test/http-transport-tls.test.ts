// createHttpTransport over https: a TLS server on 127.0.0.1 with a self-signed certificate made for
// the test (openssl), trusted through the transport's `agent`. The API is https-only, so this is the
// path every production request of this transport takes.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, createServer, type Server } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpTransport } from '../src/index.js'
import { client, outcomes } from './helpers/setup.js'

let server: Server
let url = ''
let ca = ''
const received: { body: string; encoding?: string; authorization?: string }[] = []
const connections: unknown[] = []

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdp-tls-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8')
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          encoding: req.headers['content-encoding'],
          authorization: req.headers.authorization,
        })
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      })
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  server.on('secureConnection', (socket) => connections.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as { port: number }).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('createHttpTransport over https', () => {
  it('delivers every batch over kept-alive TLS connections', async () => {
    const agent = new Agent({ keepAlive: true, ca })
    const analytics = client(url, { transport: createHttpTransport({ agent }), flushAt: 5 })
    const { callback, settled, results } = outcomes(20)
    for (let i = 0; i < 20; i++) analytics.track({ userId: `u-${i}`, event: 'tls' }, callback)
    await settled
    expect(results.map((r) => r.error)).toEqual(Array(20).fill(undefined))
    const events = received.flatMap((r) => (JSON.parse(r.body) as { batch: { event: string }[] }).batch.map((m) => m.event))
    expect(events).toEqual(Array(20).fill('tls'))
    expect(received.every((r) => r.authorization?.startsWith('Basic '))).toBe(true)
    expect(connections.length).toBeLessThanOrEqual(4)
    agent.destroy()
  })

  it('an untrusted certificate is a network error, retried, never a throw', async () => {
    const analytics = client(url, { transport: createHttpTransport(), flushAt: 1, maxRetries: 1 })
    const { callback, settled, results } = outcomes(1)
    analytics.track({ userId: 'u', event: 'untrusted' }, callback)
    await settled
    expect(results[0]!.error).toMatchObject({ reason: 'retries_exhausted' })
    expect(results[0]!.error!.message).toMatch(/self[- ]signed|certificate/i)
  })
})
