// Issue 18: a bounded spool. Over maxBytes (or when the disk itself is full: a real 1 MB tmpfs),
// calls get queue_full outcomes and the process lives; close()'s deadline leaves what is left in
// the spool for the next start; a spool larger than the in-memory queue is replayed as room frees.
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { AnalyticsError, Analytics } from '../src/index.js'
import { encodeSegment } from '../src/spool/record.js'
import { segmentName } from '../src/spool/segment.js'
import { client, collector, WRITE_KEY } from './helpers/setup.js'
import { segmentFiles, spoolDir, spooledMessages } from './helpers/spool.js'

const pad = 'x'.repeat(300)

/** Tracks `count` events (ids e-<i>); resolves with each one's outcome once all have one. */
function trackAll(analytics: Analytics, count: number, from = 0): Promise<(string | undefined)[]> {
  const outcomes: (string | undefined)[] = new Array(count)
  let settled = 0
  return new Promise((resolve) => {
    for (let i = 0; i < count; i++) {
      analytics.track({ userId: 'u', event: 'Filled', messageId: `e-${from + i}`, properties: { pad } }, (error) => {
        outcomes[i] = (error as AnalyticsError | undefined)?.reason
        if (++settled === count) resolve(outcomes)
      })
    }
  })
}

const dirBytes = (dir: string) => segmentFiles(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0)

describe('spool: bounded by maxBytes', () => {
  it("'drop_newest' (default): over 1 MB the newest calls fail with queue_full; the spool holds the oldest, within the bound", async () => {
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    const dir = spoolDir()
    const analytics = client(local.url, { spool: { dir, maxBytes: 1_000_000 }, maxRetries: 1000 })
    const outcomes = trackAll(analytics, 4000)
    await new Promise((resolve) => setImmediate(resolve))
    const kept = spooledMessages(dir).map((m) => m.messageId)
    expect(kept.length).toBeGreaterThan(1000)
    expect(kept.length).toBeLessThan(4000)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `e-${i}`)) // the oldest
    expect(dirBytes(dir)).toBeLessThanOrEqual(1_000_000)
    await analytics.close({ timeout: 0 })
    const reasons = await outcomes
    expect(reasons.slice(kept.length).every((reason) => reason === 'queue_full')).toBe(true)
    expect(reasons.slice(0, kept.length).every((reason) => reason === 'deadline')).toBe(true)
    expect(analytics.spool!.dropped).toBe(4000 - kept.length)
  })

  it("'drop_oldest': the oldest waiting messages make room (queue_full outcomes); the newest are kept", async () => {
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    const dir = spoolDir()
    // maxInFlight 1, flushAt 1000: one batch is being retried, the rest waits in the queue.
    const analytics = client(local.url, { spool: { dir, maxBytes: 1_000_000, whenFull: 'drop_oldest' }, maxRetries: 1000, maxInFlight: 1 })
    const outcomes = trackAll(analytics, 4000)
    await new Promise((resolve) => setImmediate(resolve))
    const kept = spooledMessages(dir).map((m) => Number(m.messageId.slice(2)))
    expect(kept.at(-1)).toBe(3999) // the newest
    expect(dirBytes(dir)).toBeLessThanOrEqual(1_000_000)
    await analytics.close({ timeout: 0 })
    const reasons = await outcomes
    const dropped = reasons.flatMap((reason, i) => (reason === 'queue_full' ? [i] : []))
    expect(dropped.length).toBeGreaterThan(1000)
    // Whole segments from the oldest waiting on: every dropped message is older than every kept one.
    expect(Math.max(...dropped)).toBeLessThan(Math.min(...kept.filter((i) => reasons[i] === 'deadline')))
    expect(analytics.spool!.dropped).toBe(dropped.length)
  })
})

describe('spool: the disk is full (a real 1 MB tmpfs)', () => {
  const mounted: string[] = []
  afterEach(() => {
    for (const dir of mounted.splice(0)) execFileSync('umount', ['-l', dir])
  })

  it('writes that fail with ENOSPC become queue_full outcomes; nothing is thrown; the process lives and goes on', async () => {
    const dir = spoolDir()
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' })
    } catch (error) {
      throw new Error(`this test mounts a 1 MB tmpfs and needs root (CAP_SYS_ADMIN): run the tests as root, as CI does (${String(error)})`)
    }
    mounted.push(dir)
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    const errors: string[] = []
    const logger = { debug() {}, info() {}, warn() {}, error: (line: string) => errors.push(line) }
    const analytics = client(local.url, { spool: { dir }, logger, maxRetries: 1000 })
    // 2.5 MB of calls in turns of 100: the tmpfs fills during them.
    const outcomes: Promise<(string | undefined)[]>[] = []
    for (let turn = 0; turn < 60; turn++) {
      outcomes.push(trackAll(analytics, 100, turn * 100))
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(analytics.spool!.writeErrors).toBeGreaterThanOrEqual(1)
    expect(errors[0]).toMatch(
      /spool: cannot write to .* \(ENOSPC\): \d+ message\(s\) of this turn are sent from memory but not on disk; new calls fail with queue_full/,
    )
    await analytics.close({ timeout: 0 })
    const reasons = (await Promise.all(outcomes)).flat()
    expect(reasons).toHaveLength(6000)
    const full = reasons.filter((reason) => reason === 'queue_full').length
    expect(full).toBeGreaterThan(0)
    expect(full).toBe(analytics.spool!.dropped)
    // Every other call was accepted: it ended with the close deadline and stays in the spool.
    expect(reasons.filter((reason) => reason === 'deadline')).toHaveLength(6000 - full)
    expect(spooledMessages(dir).length).toBeGreaterThan(0)
  })
})

describe("spool: the directory stops being writable (EACCES, a real process without root's override)", () => {
  it('writes that fail with EACCES become queue_full outcomes; nothing is thrown; the process lives and ends normally', async () => {
    const dir = spoolDir()
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    // Root writes anywhere (CAP_DAC_OVERRIDE): as root, the child runs without that capability, so a
    // read-only directory refuses it as it would any other user (setpriv is in util-linux, essential on Debian).
    const fixture = fileURLToPath(new URL('./fixtures/spool-eacces.mjs', import.meta.url))
    const args = [process.execPath, fixture, dir, local.url, WRITE_KEY]
    const asRoot = process.getuid?.() === 0
    const child = spawn(
      asRoot ? 'setpriv' : args[0]!,
      asRoot ? ['--bounding-set=-dac_override,-dac_read_search', '--', ...args] : args.slice(1),
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const ended = once(child, 'close')
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', () => stdout.includes('ready\n') && resolve())
      child.on('close', () => resolve())
    })
    try {
      await ready
      expect(stdout, stderr).toContain('ready\n')
      chmodSync(dir, 0o555)
      child.stdin.write('go\n')
      const [code] = await ended
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    } finally {
      chmodSync(dir, 0o755)
    }
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      reasons: Record<string, number>
      settled: number
      writeErrors: number
      dropped: number
      logged: string[]
    }
    // Every call has exactly one outcome: refused with queue_full once the spool could not write,
    // else accepted (and failed by close()'s deadline, the API answering 503).
    expect(summary.settled).toBe(2100)
    expect(summary.reasons.queue_full).toBeGreaterThan(0)
    expect(summary.reasons.queue_full).toBe(summary.dropped)
    expect(summary.reasons.queue_full! + summary.reasons.deadline!).toBe(2100)
    expect(summary.writeErrors).toBeGreaterThanOrEqual(1)
    expect(summary.logged.join('\n')).toMatch(
      /spool: cannot write to .* \(EACCES\): \d+ message\(s\) of this turn are sent from memory but not on disk/,
    )
  })
})

describe('spool: close() and replay', () => {
  it("messages failed with 'deadline' at close() stay in the spool; the next client delivers them", async () => {
    const down = await collector()
    down.setDefaultResponse({ status: 503 })
    const dir = spoolDir()
    const first = client(down.url, { spool: { dir } })
    const outcomes = trackAll(first, 10)
    await first.close({ timeout: 100 })
    expect(await outcomes).toEqual(new Array(10).fill('deadline'))
    expect(first.spool).toMatchObject({ keptForNextStart: 10, unsettled: 10 })
    expect(spooledMessages(dir).map((m) => m.messageId)).toEqual(Array.from({ length: 10 }, (_, i) => `e-${i}`))
    const local = await collector()
    const second = client(local.url, { spool: { dir } })
    await second.flush()
    expect(local.messages.map((m) => m.messageId)).toEqual(Array.from({ length: 10 }, (_, i) => `e-${i}`))
    await second.close()
    expect(readdirSync(dir)).toEqual([])
  })

  it('a spool larger than the in-memory queue: what does not fit is queued as room frees; flush() waits for all of it', async () => {
    const dir = spoolDir()
    const stored = (i: number) =>
      JSON.stringify({ type: 'track', event: 'Old', userId: 'u', messageId: `s-${i}`, timestamp: '2024-01-01T00:00:00.000Z' })
    for (let segment = 0; segment < 3; segment++) {
      writeFileSync(join(dir, segmentName(segment + 1)), encodeSegment(Array.from({ length: 20 }, (_, k) => stored(segment * 20 + k))))
    }
    const local = await collector()
    // One request at a time, so arrival order is queue order.
    const analytics = client(local.url, { spool: { dir }, maxQueueSize: 15, flushAt: 5, maxInFlight: 1 })
    expect(analytics.stats.queued).toBeLessThanOrEqual(15)
    await analytics.flush()
    expect(local.messages.map((m) => m.messageId)).toEqual(Array.from({ length: 60 }, (_, i) => `s-${i}`))
    expect(analytics.spool).toMatchObject({ replayed: 60, segments: 0 })
  })

  it.each(['always', 'interval', 'never'] as const)("sync: '%s' delivers and leaves nothing behind", async (sync) => {
    const local = await collector()
    const dir = spoolDir()
    const analytics = client(local.url, { spool: { dir, sync, syncIntervalMs: 5 }, flushAt: 10 })
    expect(await trackAll(analytics, 50)).toEqual(new Array(50).fill(undefined))
    expect(local.messages).toHaveLength(50)
    await analytics.close()
    expect(readdirSync(dir)).toEqual([])
  })

  it('a directory that cannot be created is a ConfigError at construction', async () => {
    const dir = spoolDir()
    writeFileSync(join(dir, 'file'), '')
    mkdirSync(join(dir, 'ok'))
    expect(() => client('http://127.0.0.1:1', { spool: { dir: join(dir, 'file', 'spool') } })).toThrow(/spool.dir .*: cannot create it/)
  })
})
