import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { collector, WRITE_KEY } from './helpers/setup.js'

const script = fileURLToPath(new URL('./fixtures/awaited-flush.mjs', import.meta.url))
const run = (...args: string[]) => promisify(execFile)(process.execPath, [script, ...args], { timeout: 30_000 })

// Issue 22, bug 1: the retry wait is an unref'd timer, so a script awaiting flush() (the API in
// another process, as in production) had nothing keeping its event loop alive: 'beforeExit' fired,
// the exit hook closed the client under the awaiting script, and its next call failed `closed`
// (or, without the hook, the process exited with code 13 and the message was lost).
describe('a script waiting for an outcome while a retry waits', () => {
  it.each([
    { flushOnExit: 'true', wait: 'flush', first: 'flush settled' },
    { flushOnExit: 'false', wait: 'flush', first: 'flush settled' },
    // Only the exit hook's drain moves this one along: it must deliver and leave the client open.
    { flushOnExit: 'true', wait: 'callback', first: 'callback settled' },
  ])(
    'stays alive until it settles, and the client stays open (flushOnExit $flushOnExit, awaiting $wait)',
    async ({ flushOnExit, wait, first }) => {
      const local = await collector()
      local.enqueueResponses({ status: 503 })
      const { stdout, stderr } = await run(local.url, WRITE_KEY, flushOnExit, wait)
      expect(stdout.trim().split('\n')).toEqual(['first: delivered', first, 'second: delivered', 'second flush settled'])
      expect(stderr).toBe('')
      expect(local.messages.map((message) => message.event)).toEqual(['first', 'second'])
    },
  )

  it('awaiting close() the same way delivers and exits cleanly', async () => {
    const local = await collector()
    local.enqueueResponses({ status: 503 }, { status: 503 })
    const { stdout, stderr } = await run(local.url, WRITE_KEY, 'false', 'close')
    expect(stdout.trim().split('\n')).toEqual(['first: delivered', 'flush settled', 'close settled'])
    expect(stderr).toBe('')
  })
})
