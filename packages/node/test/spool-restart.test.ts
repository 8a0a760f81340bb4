// Issue 18: nothing accepted is lost when the process dies. A real child process tracks against a
// collector answering 503, is killed with SIGKILL, and a client started on the same directory
// delivers what it had spooled, first, with the original messageIds and timestamps.
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Analytics } from '../src/index.js'
import { client, collector, WRITE_KEY } from './helpers/setup.js'
import { segmentFiles, spoolDir, startWriter, timestampOf } from './helpers/spool.js'

/** A restarted client on `dir`: its events, and what it logged as warnings or errors. */
function restart(endpoint: string, dir: string) {
  const logged: string[] = []
  const logger = { debug() {}, info() {}, warn: (line: string) => logged.push(line), error: (line: string) => logged.push(line) }
  // One request at a time, so the order of arrival is the order of the queue.
  const analytics: Analytics = client(endpoint, { spool: { dir }, logger, retryBackoff: () => 20, maxInFlight: 1 })
  const failed: string[] = []
  analytics.on('failed', ({ error }) => failed.push(error.reason))
  return { analytics, logged, failed }
}

describe('spool: a process killed with SIGKILL loses nothing it spooled', () => {
  it('20,000 events tracked against a 503, SIGKILL 1 s after the last call: the next process delivers all 20,000 with their original timestamps, and the directory is left empty', async () => {
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    const dir = spoolDir()
    const writer = startWriter(dir, local.url, WRITE_KEY, 20_000)
    await writer.spooled(20_000)
    // The scenario of the issue: the process lives on for a second, retrying against the 503s.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    await writer.kill()
    expect(local.messages).toHaveLength(0) // every request was answered 503
    expect(segmentFiles(dir).length).toBeGreaterThan(0)

    local.setDefaultResponse(undefined) // 200 from now on
    const { analytics, logged, failed } = restart(local.url, dir)
    // Started: the earlier process's messages are queued, and come before any new call.
    analytics.track({ userId: 'after-restart', event: 'New', messageId: 'new-1' })
    await analytics.flush()
    const delivered = local.messages
    const byId = new Map(delivered.map((message) => [message.messageId, message.timestamp]))
    expect(byId.size).toBe(20_001)
    for (let i = 0; i < 20_000; i++) expect(byId.get(`m-${i}`)).toBe(timestampOf(i))
    expect(delivered.at(-1)!.messageId).toBe('new-1')
    expect(delivered.findIndex((message) => message.messageId === 'new-1')).toBe(delivered.length - 1)
    expect(analytics.stats).toMatchObject({ restored: 20_000, delivered: 20_001, failed: 0 })
    expect(analytics.spool).toMatchObject({ replayed: 20_000, damagedSegments: 0, lostBytes: 0, segments: 0, unsettled: 0 })
    expect(failed).toEqual([])
    // The only line: the dead process's lock was taken over.
    expect(logged).toEqual([expect.stringMatching(/took over .*lock from process \d+, which is no longer running/)])
    await analytics.close()
    expect(readdirSync(dir)).toEqual([])
  })

  it.each([1, 2, 3])(
    'killed at a random moment during the calls (run %i): everything spooled is delivered, the restart never fails',
    async () => {
      const local = await collector()
      local.setDefaultResponse({ status: 503 })
      const dir = spoolDir()
      // Small turns, so the kill lands between and inside turns alike.
      const writer = startWriter(dir, local.url, WRITE_KEY, 20_000, 137)
      const target = 500 + Math.floor(Math.random() * 18_000)
      await writer.spooled(target)
      await writer.kill()
      const spooled = writer.lastSpooled()
      expect(spooled).toBeGreaterThanOrEqual(target)

      local.setDefaultResponse(undefined)
      const { analytics, logged } = restart(local.url, dir)
      await analytics.flush()
      const byId = new Map(local.messages.map((message) => [message.messageId, message.timestamp]))
      // Every message whose turn had ended is there, as it was; nothing else but later calls of the
      // same process (written in a turn that ended before the kill, though not yet announced).
      for (let i = 0; i < spooled; i++) expect(byId.get(`m-${i}`), `m-${i} (spooled ${spooled}, target ${target})`).toBe(timestampOf(i))
      for (const [id, timestamp] of byId) expect(timestamp).toBe(timestampOf(Number(String(id).slice(2))))
      expect(byId.size).toBeLessThanOrEqual(20_000)
      expect(analytics.stats.failed).toBe(0)
      expect(logged.filter((line) => !/took over/.test(line))).toEqual([])
      await analytics.close()
      expect(readdirSync(dir)).toEqual([])
    },
  )
})
