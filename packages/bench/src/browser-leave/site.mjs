// The pages of one origin (a 127.0.0.1 port of their own) while the collector is another, so every
// request an SDK makes is cross-origin, as from a real site to the API. `/<path>?sdk=<name>` loads
// that SDK's bundled page script; without `sdk` the page has no script at all. A client's options
// are written into the page (`window.benchStart`) and the URL carries only their number: analytics-next
// copies the page URL into every event (context.page), so a long query would inflate its events.
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const benchDir = fileURLToPath(new URL('../..', import.meta.url))

/** Each SDK's page script, bundled by esbuild for a browser (the `browser` condition, as a site's bundler). */
export async function bundlePages(names) {
  const scripts = {}
  for (const name of names) {
    const result = await build({
      absWorkingDir: benchDir,
      entryPoints: [`src/browser-leave/pages/${name}.mjs`],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      logLevel: 'silent',
    })
    scripts[name] = result.outputFiles[0].text
  }
  return scripts
}

export async function startSite(scripts) {
  const starts = []
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://site')
    const script = url.pathname.match(/^\/sdk\/(\w+)\.js$/)?.[1]
    if (script) {
      if (!scripts[script]) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' })
      return void res.end(scripts[script])
    }
    const sdk = url.searchParams.get('sdk')
    const start = starts[Number(url.searchParams.get('start'))]
    const options = sdk && start ? `<script>window.benchStart=${JSON.stringify(start).replaceAll('<', '\\u003c')}</script>` : ''
    const tag = sdk ? `${options}<script src="/sdk/${sdk}.js"></script>` : ''
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(`<!doctype html><meta charset="utf-8"><title>${url.pathname}</title>${tag}<p>${url.pathname}</p>`)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  return {
    origin,
    /** A page of this origin; with `sdk`, its script; with `start`, a client started on load. */
    url: (path, sdk, start) => {
      const query = new URLSearchParams()
      if (sdk) query.set('sdk', sdk)
      if (start) query.set('start', String(starts.push(start) - 1))
      const text = query.toString()
      return `${origin}${path}${text ? `?${text}` : ''}`
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
