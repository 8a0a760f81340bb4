// No `@internal` member (the hooks withAnalytics uses) reaches the published .d.ts.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

describe('published types', () => {
  it.each(['../dist/index.d.ts', '../dist/index.d.cts'])('%s declares no @internal member', (file) => {
    const text = readFileSync(new URL(file, import.meta.url), 'utf8')
    expect(text).not.toMatch(/@internal|\benterScope\b|\bexitScope\b/)
  })
})
