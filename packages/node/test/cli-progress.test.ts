// The import's progress display: the text both displays share and the terminal line fitted to a
// width, as tables, and the terminal display drawn on a stream that says it is a terminal.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { barLine, countsText, duration, positionText, type ProgressStream, startProgress, terminalColumns } from '../src/cli/progress.js'
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

/** Erase to the end of the line, which ends every drawing. */
const ERASE = '\u001b[K'
const COUNTS = '123,456 lines · 123,000 delivered · 7 rejected · 5,000/s' // 56 columns
const TEXT = `42.0% · ETA 1m05s · ${COUNTS}` // 76 columns

describe('barLine', () => {
  it.each([
    // fraction, text, terminal columns, line
    [0.5, TEXT, 200, `${'█'.repeat(12)}${'░'.repeat(12)} ${TEXT}`], // the widest bar: 24
    [1, TEXT, 102, `${'█'.repeat(24)} ${TEXT}`], // 101 columns: the last one stays empty
    [0, TEXT, 90, `${'░'.repeat(12)} ${TEXT}`], // the bar shrinks to fit
    [0.5, TEXT, 86, `${'█'.repeat(4)}${'░'.repeat(4)} ${TEXT}`], // the narrowest bar: 8
    [0.5, TEXT, 85, TEXT], // no room for a bar: the text alone
    [0.5, TEXT, 40, `${TEXT.slice(0, 38)}…`], // the text cut to 39 columns
    [undefined, COUNTS, 80, COUNTS], // no size known (stdin): no bar
    [undefined, COUNTS, 30, `${COUNTS.slice(0, 28)}…`],
    [2, 'x', 12, '█████████ x'], // a fraction past 1 (UTF-16 count overshoot) draws a full bar
  ] as const)('%s, %j, %i columns → %j', (fraction, text, columns, line) => {
    expect(barLine(fraction, text, columns)).toBe(line)
  })

  it('never reaches the last column, whatever the width', () => {
    for (let columns = 1; columns <= 300; columns++) {
      for (const fraction of [undefined, 0, 0.37, 1])
        expect(barLine(fraction, TEXT, columns).length).toBeLessThanOrEqual(Math.max(columns - 1, 1))
    }
  })
})

describe('terminalColumns', () => {
  it.each([
    [120, undefined, 120],
    [0, '132', 132], // a terminal that does not say: $COLUMNS
    [undefined, undefined, 80],
    [undefined, 'wide', 80],
  ] as const)('columns %s, $COLUMNS %s → %i', (columns, env, expected) => {
    const saved = process.env.COLUMNS
    if (env === undefined) delete process.env.COLUMNS
    else process.env.COLUMNS = env
    try {
      expect(terminalColumns({ columns } as ProgressStream)).toBe(expected)
    } finally {
      if (saved === undefined) delete process.env.COLUMNS
      else process.env.COLUMNS = saved
    }
  })
})

describe('on a terminal', () => {
  function terminal(columns: number) {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns }) as PassThrough & ProgressStream
    let written = ''
    stream.on('data', (chunk) => (written += chunk))
    return { stream, written: () => written }
  }
  const flushed = () => new Promise((resolve) => setImmediate(resolve))

  it('draws one line in place, fitted to the width, redraws it when the terminal is resized, and clears it on stop', async () => {
    const { stream, written } = terminal(40)
    const progress = startProgress({
      quiet: false,
      intervalMs: 10_000,
      total: 1000,
      bytesRead: () => 500,
      tally: () => tally(123_456, 123_000, 7),
      dryRun: false,
      stream,
    })
    await flushed()
    stream.columns = 120
    stream.emit('resize')
    progress.stop()
    await flushed()
    // Each drawing: a carriage return, the line, then erase to the end of the line.
    const drawings = written().split('\r').slice(1)
    expect(drawings.every((drawing) => drawing.endsWith(ERASE))).toBe(true)
    const [narrow, wide, cleared] = drawings.map((drawing) => drawing.slice(0, -ERASE.length))
    expect(narrow).toMatch(/^50\.0% · (ETA \S+ · )?123,456 lines · [^█░]*…$/) // 39 columns, no bar
    expect(narrow).toHaveLength(39)
    expect(wide).toMatch(/^█{12}░{12} 50\.0% · (ETA \S+ · )?123,456 lines · 123,000 delivered · 7 rejected · [\d,]+\/s$/)
    expect(cleared).toBe('') // the line is cleared for the summary
    expect(drawings).toHaveLength(3)
  })

  it('a note stops the display, so that the note is not overwritten', async () => {
    const { stream, written } = terminal(200)
    const progress = startProgress({
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
    await flushed()
    const [line, rest] = written().split('\r').slice(1)
    expect(line).toMatch(/^5 lines · 5 delivered · 0 rejected · \d+\/s/)
    expect(line?.endsWith(ERASE)).toBe(true)
    expect(rest).toBe(`${ERASE}stopping\n`) // cleared, then the note on a line of its own
    expect(stream.listenerCount('resize')).toBe(0)
  })
})
