/**
 * Import progress on stderr. On a terminal: one line redrawn in place (carriage return + erase
 * line) with the rate and, for a file, percent and ETA. Otherwise (a log, CI): a plain line every
 * `intervalMs`. A progress library (cli-progress) would add string-width and its dependencies for
 * what is one line of text, so the line is written here.
 */
import type { Tally } from './summary.js'

export interface ProgressOptions {
  quiet: boolean
  intervalMs: number
  /** Input size in bytes, when known (a file; not stdin). */
  total: number | undefined
  bytesRead: () => number
  tally: () => Tally
  dryRun: boolean
}

export class Progress {
  private readonly timer: NodeJS.Timeout | undefined
  private readonly tty = process.stderr.isTTY === true
  private readonly started = Date.now()
  private drawn = false

  constructor(private readonly options: ProgressOptions) {
    const every = this.tty ? 250 : options.intervalMs
    if (options.quiet || every <= 0) return
    this.timer = setInterval(() => this.draw(), every)
    this.timer.unref()
  }

  /** A line of its own (not overwritten by the progress line). */
  note(text: string): void {
    this.clear()
    process.stderr.write(`${text}\n`)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.clear()
  }

  line(): string {
    const { total, dryRun } = this.options
    const tally = this.options.tally()
    const seconds = (Date.now() - this.started) / 1000
    const done = tally.delivered + tally.rejected + tally.failed
    const rate = seconds > 0 ? done / seconds : 0
    const parts = [
      `${tally.read.toLocaleString('en-US')} lines`,
      `${tally.delivered.toLocaleString('en-US')} ${dryRun ? 'valid' : 'delivered'}`,
      `${tally.rejected.toLocaleString('en-US')} rejected`,
      `${Math.round(rate).toLocaleString('en-US')}/s`,
    ]
    if (total) {
      const read = this.options.bytesRead()
      const fraction = Math.min(read / total, 1)
      parts.push(`${(fraction * 100).toFixed(1)}%`)
      const bytesPerSecond = seconds > 0 ? read / seconds : 0
      if (bytesPerSecond > 0 && fraction < 1) parts.push(`ETA ${duration((total - read) / bytesPerSecond)}`)
    }
    return parts.join(' · ')
  }

  private draw(): void {
    if (this.tty) {
      process.stderr.write(`\r\x1b[K${this.line()}`)
      this.drawn = true
    } else {
      process.stderr.write(`progress: ${this.line()}\n`)
    }
  }

  private clear(): void {
    if (this.drawn) process.stderr.write('\r\x1b[K')
    this.drawn = false
  }
}

function duration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}
