// The edge entry, bundled the way a Worker build does it (esbuild, platform neutral, the
// workerd/worker/browser conditions), needs no Node polyfills and references no Node globals.
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { EDGE_CONDITIONS } from './helpers/bundle.js'

const packageDir = new URL('..', import.meta.url).pathname

async function bundleEntry(conditions: string[]) {
  const result = await build({
    // Resolved through package.json `exports` (a self-reference), as a user's bundler would.
    absWorkingDir: packageDir,
    stdin: { contents: "export * from '@cdp-analytics/edge'", resolveDir: packageDir },
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    platform: 'neutral',
    format: 'esm',
    target: 'es2022',
    conditions,
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  })
  return { code: result.outputFiles[0]!.text, inputs: Object.keys((result.metafile as Metafile).inputs) }
}

describe('edge bundle', () => {
  for (const [name, conditions] of [
    ['Cloudflare (workerd)', EDGE_CONDITIONS],
    ['Vercel (edge-light)', ['edge-light', 'worker', 'browser']],
  ] as const) {
    it(`${name}: resolves the edge build and nanoid's browser entry, no Node built-ins`, async () => {
      const { code, inputs } = await bundleEntry([...conditions])
      expect(inputs).toContain('dist/index.js') // this package's edge build (paths are relative to resolveDir)
      expect(inputs.some((input) => /nanoid[/\\]index\.browser\.js$/.test(input))).toBe(true)
      expect(code).not.toMatch(/\bnode:/)
      expect(code).not.toMatch(/\brequire\(/)
      expect(code).not.toMatch(/\bprocess\b/)
      expect(code).not.toMatch(/\bBuffer\b/)
      expect(code).not.toMatch(/\bfrom\s*["'][^"']+["']/) // nothing left to import at run time
    })
  }

  it('stays small: minified and gzipped size is reported and bounded', async () => {
    const { code } = await bundleEntry(EDGE_CONDITIONS)
    const gzipped = gzipSync(code).length
    console.info(`edge bundle: ${code.length} bytes minified, ${gzipped} bytes gzipped`)
    expect(gzipped).toBeLessThan(20_000)
  })
})
