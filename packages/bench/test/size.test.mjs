/**
 * The edge bundle budget of issue #5, in CI: every check of .size-limit.mjs (the edge package
 * and its dependencies, bundled by esbuild for a worker, minified, gzipped) must stay within
 * its limit. Fails over budget with the size and the biggest inputs, so the fix is obvious.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { measureChecks } from '../src/size.mjs'

const dists = ['edge', 'browser'].map((name) => fileURLToPath(new URL(`../../${name}/dist/index.js`, import.meta.url)))

describe('edge worker and browser page bundle sizes', () => {
  it.each(dists)('has a built package to measure (turbo builds it before tests): %s', (dist) => {
    expect(existsSync(dist), `${dist} is missing: build it first`).toBe(true)
  })

  it('stays within the .size-limit.mjs budgets (gzip)', async () => {
    const results = await measureChecks()
    expect(results.length).toBeGreaterThan(0)
    for (const r of results) {
      const biggest = r.inputs
        .slice(0, 4)
        .map((i) => `${i.file.replace(/.*node_modules\//, '')} ${i.bytesInOutput} B`)
        .join(', ')
      expect(
        r.gzip,
        `${r.name}: ${r.gzip} B gzip, over ${r.limitText} (minified ${r.minified} B; biggest inputs: ${biggest})`,
      ).toBeLessThanOrEqual(r.limit)
    }
  })
})

describe('size-limit itself', () => {
  it('passes every check of .size-limit.mjs (the same budgets, measured by the size-limit CLI)', async () => {
    const { execFile } = await import('node:child_process')
    const { promisify } = await import('node:util')
    const cwd = fileURLToPath(new URL('..', import.meta.url))
    const bin = fileURLToPath(new URL('../node_modules/.bin/size-limit', import.meta.url))
    // size-limit exits 1 when a check is over budget; its JSON report is on stdout either way.
    const { stdout } = await promisify(execFile)(bin, ['--json'], { cwd }).catch((error) => error)
    const checks = JSON.parse(stdout)
    expect(checks.length).toBeGreaterThan(0)
    for (const check of checks) expect(check, `${check.name}: ${check.size} B gzip`).toMatchObject({ passed: true })
  }, 60_000)
})
