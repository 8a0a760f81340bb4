import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LIBRARY, VERSION } from '../src/version.js'

describe('version', () => {
  it('is the package.json version, sent as context.library', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string }
    expect(VERSION).toBe(manifest.version)
    expect(LIBRARY).toEqual({ name: manifest.name, version: manifest.version })
  })
})
