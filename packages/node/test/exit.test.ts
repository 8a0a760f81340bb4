import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { collector, WRITE_KEY } from './helpers/setup.js'

const script = fileURLToPath(new URL('./fixtures/forgotten-close.mjs', import.meta.url))
const run = (...args: string[]) => promisify(execFile)(process.execPath, [script, ...args], { timeout: 20_000 })

describe('a script that forgets close()', () => {
  it('delivers its queued events on exit, without waiting for flushInterval, and exits by itself', async () => {
    const local = await collector()
    const started = Date.now()
    const { stdout, stderr } = await run(local.url, WRITE_KEY, '25', '10000', '50')
    expect(stdout).toContain('queued')
    expect(stderr).toBe('')
    expect(local.messages).toHaveLength(25)
    // The script's flushInterval is 60 s: exiting sooner shows the exit hook flushed.
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it('with the endpoint failing, exits after closeTimeout and reports each lost event', async () => {
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    const started = Date.now()
    const { stderr } = await run(local.url, WRITE_KEY, '3', '800', '300')
    expect(Date.now() - started).toBeLessThan(8000)
    expect(stderr.match(/failed: deadline/g)).toHaveLength(3)
    expect(stderr).toContain('not delivered before the close() deadline')
    // The callbacks handled every failure: the SDK does not log them a second time.
    expect(stderr).not.toMatch(/cdp-analytics: .*message\(s\) failed/)
  })
})
