// The public types, as a user's compiler sees them: test/types/public-types.ts must compile with
// each of its `@ts-expect-error` lines an error. And no `@internal` member reaches a .d.ts.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

describe('public types', () => {
  it('compile as documented (tsc)', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    const result = spawnSync(process.execPath, [tsc, '-p', here('./types/tsconfig.json')], { encoding: 'utf8' })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  }, 60_000)

  it.each([
    ['@cdp-analytics/core', '../../core/dist/index.d.ts'],
    ['@cdp-analytics/node', '../dist/index.d.ts'],
    ['@cdp-analytics/node/redis', '../dist/redis.d.ts'],
  ])('%s declares no @internal member', (_name, file) => {
    const text = readFileSync(here(file), 'utf8')
    expect(text).not.toMatch(/@internal/)
    expect(text).not.toMatch(/\bwarnUndelivered\b/)
  })
})
