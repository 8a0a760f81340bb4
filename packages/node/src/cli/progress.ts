/**
 * Import progress on stderr. On a terminal: one line redrawn in place (a bar, percent and ETA for a
 * file, then the counts), fitted to the terminal's width and redrawn when the terminal is resized.
 * Otherwise (a log, CI): a plain line every `intervalMs`, which a log keeps readable. No
 * dependency: the whole display is the few functions below (issue 20: cli-progress and its five
 * dependencies did less, and cut the line at 80 columns).
 */
import type { Tally } from './summary.js'

export interface ProgressOptions {
  quiet: boolean
  /** Between plain lines (not on a terminal), in ms; 0: none. */
  intervalMs: number
  /** Input size in bytes, when known (a file; not stdin). */
  total: number | undefined
  bytesRead: () => number
  tally: () => Tally
  dryRun: boolean
  /** Where progress goes. @default process.stderr */
  stream?: ProgressStream
}

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number }

export interface Progress {
  /** Writes a line of its own, which the progress display does not overwrite. */
  note(text: string): void
  stop(): void
}

/** How often the bar takes new counts, in ms (it redraws only when its text changed). */
const BAR_UPDATE_MS = 250
/** Widths of the bar itself, in columns: it shrinks to make room for the text, and goes below the least. */
const BAR_WIDTH = { most: 24, least: 8 } as const
/** Columns assumed when a terminal does not say (`columns` 0 or missing) and `$COLUMNS` is not set. */
const DEFAULT_COLUMNS = 80
/** Erases from the cursor to the end of the line: after `\r` and a shorter text, nothing of the drawing before stays. */
const ERASE_LINE = '\u001b[K'

/** Starts the display that suits the stream: a bar on a terminal, plain lines otherwise. */
export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr
  if (options.quiet) return new PlainLines(options, stream, 0)
  if (stream.isTTY === true) return new Bar(options, stream)
  return new PlainLines(options, stream, options.intervalMs)
}

/** "1,234 lines · 1,200 delivered · 3 rejected · 5,000/s": the counts both displays show. */
export function countsText(tally: Tally, seconds: number, dryRun: boolean): string {
  const done = tally.delivered + tally.rejected + tally.failed
  const rate = seconds > 0 ? done / seconds : 0
  return [
    `${tally.read.toLocaleString('en-US')} lines`,
    `${tally.delivered.toLocaleString('en-US')} ${dryRun ? 'valid' : 'delivered'}`,
    `${tally.rejected.toLocaleString('en-US')} rejected`,
    `${Math.round(rate).toLocaleString('en-US')}/s`,
  ].join(' · ')
}

/** "42.0% · ETA 1m05s": how far into a file of `total` bytes a plain line is (no ETA at the end). */
export function positionText(read: number, total: number, seconds: number): string {
  const fraction = Math.min(read / total, 1)
  const parts = [`${(fraction * 100).toFixed(1)}%`]
  const bytesPerSecond = seconds > 0 ? read / seconds : 0
  if (bytesPerSecond > 0 && fraction < 1) parts.push(`ETA ${duration((total - read) / bytesPerSecond)}`)
  return parts.join(' · ')
}

/** "45s", "3m07s", "2h05m". */
export function duration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** Not a terminal: `progress: <counts> · <position>` every `everyMs`, each on its own line. */
class PlainLines implements Progress {
  private readonly timer: NodeJS.Timeout | undefined
  private readonly started = Date.now()

  constructor(
    private readonly options: ProgressOptions,
    private readonly stream: ProgressStream,
    everyMs: number,
  ) {
    if (everyMs <= 0) return
    this.timer = setInterval(() => this.stream.write(`progress: ${this.line()}\n`), everyMs)
    this.timer.unref()
  }

  note(text: string): void {
    this.stream.write(`${text}\n`)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }

  private line(): string {
    const { total, dryRun } = this.options
    const seconds = (Date.now() - this.started) / 1000
    const counts = countsText(this.options.tally(), seconds, dryRun)
    return total ? `${counts} · ${positionText(this.options.bytesRead(), total, seconds)}` : counts
  }
}

/**
 * The terminal line: `fraction` (when the size is known) draws a bar, then `text`. It fits in
 * `columns - 1` (a character in the last column would wrap the cursor to the next line, and the
 * next redraw could not overwrite it): the bar shrinks, then goes, then the text is cut with "…".
 */
export function barLine(fraction: number | undefined, text: string, columns: number): string {
  const room = Math.max(columns - 1, 1)
  if (fraction !== undefined) {
    const width = Math.min(BAR_WIDTH.most, room - text.length - 1)
    if (width >= BAR_WIDTH.least) {
      const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width)
      return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${text}`
    }
  }
  return text.length <= room ? text : `${text.slice(0, room - 1)}…`
}

/** The width to fit: the terminal's, else `$COLUMNS`, else 80. */
export function terminalColumns(stream: ProgressStream): number {
  if (stream.columns !== undefined && stream.columns > 0) return stream.columns
  const fromEnv = Number(process.env.COLUMNS)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_COLUMNS
}

/** A terminal: one line, redrawn in place when its text changes or the terminal is resized. */
class Bar implements Progress {
  private readonly timer: NodeJS.Timeout
  private readonly started = Date.now()
  private readonly redraw = () => this.draw(true)
  private drawn: string | undefined
  private active = true

  constructor(
    private readonly options: ProgressOptions,
    private readonly stream: ProgressStream,
  ) {
    this.timer = setInterval(() => this.draw(false), BAR_UPDATE_MS)
    this.timer.unref()
    stream.on('resize', this.redraw)
    this.draw(false)
  }

  note(text: string): void {
    this.stop()
    this.stream.write(`${text}\n`)
  }

  stop(): void {
    if (!this.active) return
    this.active = false
    clearInterval(this.timer)
    this.stream.off('resize', this.redraw)
    if (this.drawn !== undefined) this.stream.write(`\r${ERASE_LINE}`) // the line is left empty for what follows
  }

  private draw(always: boolean): void {
    const { total, dryRun } = this.options
    const seconds = (Date.now() - this.started) / 1000
    const counts = countsText(this.options.tally(), seconds, dryRun)
    const read = this.options.bytesRead()
    const text = total ? `${positionText(read, total, seconds)} · ${counts}` : counts
    const line = barLine(total ? read / total : undefined, text, terminalColumns(this.stream))
    if (line === this.drawn && !always) return
    this.drawn = line
    this.stream.write(`\r${line}${ERASE_LINE}`)
  }
}
