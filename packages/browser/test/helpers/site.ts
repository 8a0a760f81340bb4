// The pages of one origin (a 127.0.0.1 port of their own), while the collector is another origin:
// every request the SDK makes is cross-origin, as from a real site to the API.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))

/** The fixture page script, bundled from the package's `exports` (its dist/), for a browser. */
export async function bundlePageScript(): Promise<string> {
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: ['test/fixtures/page.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

export interface Site {
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** A page of this origin; with `client`, it starts a client with these options on load. */
  page(path: string, client?: Record<string, unknown>, extra?: string): string
  close(): Promise<void>
}

export async function startSite(script: string): Promise<Site> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' })
      return void res.end(script)
    }
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(`<!doctype html><meta charset="utf-8"><title>${req.url}</title><script src="/client.js"></script><p>${req.url}</p>`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    page: (path, client, extra) => {
      const query = [client && `client=${encodeURIComponent(JSON.stringify(client))}`, extra].filter(Boolean).join('&')
      return `${origin}${path}${query ? `?${query}` : ''}`
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Another server of the page's own: it takes a POST and answers only after `delayMs`, so a 60 kB
 * keepalive request to it stays in flight and holds most of the page's keepalive budget.
 */
export async function startSlowServer(delayMs: number): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      received++
      const timer = setTimeout(() => {
        timers.delete(timer)
        res.writeHead(200, { 'access-control-allow-origin': req.headers.origin ?? '*' })
        res.end('{}')
      }, delayMs)
      timers.add(timer)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/foreign`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
