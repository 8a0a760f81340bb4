/**
 * The edge bundle budget of issue #5, in CI: every check of .size-limit.mjs (the edge package
 * and its dependencies, bundled by esbuild for a worker, minified, gzipped) must stay within
 * its limit. Fails over budget with the size and the biggest inputs, so the fix is obvious.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { measureChecks } from '../src/size.mjs'

const edgeDist = fileURLToPath(new URL('../../edge/dist/index.js', import.meta.url))

describe('edge worker bundle size', () => {
  it('has a built edge package to measure (turbo builds it before tests)', () => {
    expect(existsSync(edgeDist), `${edgeDist} is missing: build @cdp-analytics/edge first`).toBe(true)
  })

  it('stays within the .size-limit.mjs budgets (gzip)', async () => {
    const results = await measureChecks()
    expect(results.length).toBeGreaterThan(0)
    for (const r of results) {
      const biggest = r.inputs
        .slice(0, 4)
        .map((i) => `${i.file.replace(/.*node_modules\//, '')} ${i.bytesInOutput} B`)
        .join(', ')
      expect(r.gzip, `${r.name}: ${r.gzip} B gzip, over ${r.limitText} (minified ${r.minified} B; biggest inputs: ${biggest})`).toBeLessThanOrEqual(r.limit)
    }
  })
})
