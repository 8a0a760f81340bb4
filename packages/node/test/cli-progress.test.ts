// The import's progress display: the text both displays share, as tables, and the terminal bar
// (the real cli-progress) drawn on a stream that says it is a 40-column terminal.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { countsText, duration, positionText, type ProgressStream, startProgress } from '../src/cli/progress.js'
import type { Tally } from '../src/cli/summary.js'

const tally = (read: number, delivered: number, rejected = 0, failed = 0): Tally => ({ read, skipped: 0, delivered, rejected, failed })

describe('countsText', () => {
  it.each([
    // tally, seconds, dry run, text
    [tally(0, 0), 0, false, '0 lines · 0 delivered · 0 rejected · 0/s'],
    [tally(12_345, 12_000, 300, 45), 2, false, '12,345 lines · 12,000 delivered · 300 rejected · 6,173/s'],
    [tally(10, 9, 1), 4, true, '10 lines · 9 valid · 1 rejected · 3/s'], // the rate counts every outcome
  ])('%o after %is (dry run: %s) → %s', (counts, seconds, dryRun, text) => {
    expect(countsText(counts, seconds, dryRun)).toBe(text)
  })
})

describe('positionText', () => {
  it.each([
    // bytes read, total bytes, seconds, text
    [0, 1000, 0, '0.0%'], // no rate yet: no ETA
    [250, 1000, 5, '25.0% · ETA 15s'],
    [1000, 1000, 5, '100.0%'], // read to the end: no ETA
    [1200, 1000, 5, '100.0%'], // a line's length counted in UTF-16 can overshoot the bytes
    [1, 1_000_000, 1, '0.0% · ETA 277h46m'],
  ])('%i of %i bytes after %is → %s', (read, total, seconds, text) => {
    expect(positionText(read, total, seconds)).toBe(text)
  })
})

describe('duration', () => {
  it.each([
    [0, '0s'],
    [59.4, '59s'],
    [59.6, '1m00s'],
    [187, '3m07s'],
    [7500, '2h05m'],
  ])('%is → %s', (seconds, text) => {
    expect(duration(seconds)).toBe(text)
  })
})

describe('on a terminal', () => {
  function terminal(columns: number) {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns }) as PassThrough & ProgressStream
    let written = ''
    stream.on('data', (chunk) => (written += chunk))
    return { stream, written: () => written }
  }

  it('draws the bar cut to the terminal width (a wrapped line could not be redrawn), and clears it on stop', async () => {
    const { stream, written } = terminal(40)
    const progress = await startProgress({
      quiet: false,
      intervalMs: 10_000,
      total: 1000,
      bytesRead: () => 500,
      tally: () => tally(123_456, 123_000, 7),
      dryRun: false,
      stream,
    })
    progress.stop()
    await new Promise((resolve) => setImmediate(resolve))
    const [first] = written().split('\u001b[1G').slice(1) // each drawing starts at the first column
    // 39 columns (one spare, so the cursor never wraps), then erase to the end of the line.
    expect(first!.startsWith('░░░░░░░░░░░░ 0% · ETA ? · 123,456 lines\u001b[0K')).toBe(true)
    expect(written().endsWith('\u001b[1G\u001b[2K')).toBe(true) // the line is cleared for the summary
  })

  it('a note stops the bar, so that the note is not overwritten', async () => {
    const { stream, written } = terminal(200)
    const progress = await startProgress({
      quiet: false,
      intervalMs: 10_000,
      total: undefined, // stdin: no size, so no bar, percent or ETA; the counts only
      bytesRead: () => 0,
      tally: () => tally(5, 5),
      dryRun: false,
      stream,
    })
    progress.note('stopping')
    progress.stop()
    await new Promise((resolve) => setImmediate(resolve))
    expect(written()).toContain('\u001b[1G5 lines · 5 delivered · 0 rejected · ')
    expect(written().endsWith('\u001b[2Kstopping\n')).toBe(true)
  })
})
