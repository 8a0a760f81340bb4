// The public types, as a user's compiler sees them: test/types/*.ts (a client with a tracking plan,
// bind(ctx) included) must compile with each of their `@ts-expect-error` lines an error. And no
// `@internal` member (the hooks withAnalytics uses) reaches the published .d.ts.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

describe('public types', () => {
  it('compile as documented (tsc)', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    const config = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url))
    const result = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  }, 60_000)
})

describe('published types', () => {
  it.each(['../dist/index.d.ts', '../dist/index.d.cts'])('%s declares no @internal member', (file) => {
    const text = readFileSync(new URL(file, import.meta.url), 'utf8')
    expect(text).not.toMatch(/@internal|\benterScope\b|\bexitScope\b/)
  })
})
