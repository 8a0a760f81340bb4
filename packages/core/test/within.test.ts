// within(): a wait bounded by a deadline and an abort signal (the Queue producer's sendBatch, the
// Redis forwarder's commands), with fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { within } from '../src/index.js'

class TooLate extends Error {}
const never = () => new Promise<string>(() => undefined)

describe('within', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('gives the answer that comes in time', async () => {
    await expect(within(Promise.resolve('ok'), 100, (ms) => new TooLate(`${ms}`))).resolves.toBe('ok')
  })

  it('rejects with the timeout error once the time has passed', async () => {
    const waiting = within(never(), 100, (ms) => new TooLate(`after ${ms} ms`))
    const caught = waiting.catch((error) => error)
    await vi.advanceTimersByTimeAsync(99)
    await vi.advanceTimersByTimeAsync(1)
    expect(await caught).toEqual(new TooLate('after 100 ms'))
  })

  it.each([
    ['aborted while waiting', false],
    ['aborted before', true],
  ])('rejects with the signal’s reason: %s', async (_name, before) => {
    const controller = new AbortController()
    if (before) controller.abort(new Error('closing'))
    const caught = within(never(), 10_000, () => new TooLate(), controller.signal).catch((error) => error)
    if (!before) controller.abort(new Error('closing'))
    expect(await caught).toEqual(new Error('closing'))
  })

  it('a promise given up on that rejects later is no unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    let fail!: (error: Error) => void
    const late = new Promise<string>((_, reject) => (fail = reject))
    const caught = within(late, 10, () => new TooLate()).catch((error) => error)
    await vi.advanceTimersByTimeAsync(10)
    expect(await caught).toBeInstanceOf(TooLate)
    fail(new Error('late'))
    vi.useRealTimers()
    await new Promise((resolve) => setTimeout(resolve, 20))
    process.off('unhandledRejection', onUnhandled)
    expect(unhandled).toEqual([])
  })
})
