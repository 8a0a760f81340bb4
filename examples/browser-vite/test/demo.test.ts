// `npm start`, as the README says: the built page in headless Chromium delivers all three events,
// the click's included although the link navigates at once, with no CORS preflight.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

describe('examples/browser-vite', () => {
  it('npm start: 3 events delivered, 0 preflights', async () => {
    const cwd = new URL('..', import.meta.url)
    const { stdout } = await promisify(execFile)('node', ['demo.mjs'], { cwd })
    expect(stdout).toMatch(/track Clicked Buy/)
    expect(stdout).toMatch(/3 events delivered to http:\/\/127\.0\.0\.1:\d+\/v1\/b, 0 CORS preflights/)
  })
})
