/**
 * Import progress on stderr. On a terminal: a bar redrawn in place by cli-progress, with percent
 * and ETA for a file. The library is imported only then, so neither `@cdp-analytics/node`'s entry
 * nor an import whose stderr is a log or a pipe ever loads it. Otherwise (a log, CI): a plain line
 * every `intervalMs`, which a log keeps readable.
 */
import type { GenericFormatter, SingleBar } from 'cli-progress'
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

/** Starts the display that suits the stream: a bar on a terminal, plain lines otherwise. */
export async function startProgress(options: ProgressOptions): Promise<Progress> {
  const stream = options.stream ?? process.stderr
  if (options.quiet) return new PlainLines(options, stream, 0)
  if (stream.isTTY === true) return Bar.start(options, stream)
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

/** A terminal: cli-progress draws the bar, its percent and its ETA (from the bytes read) in place. */
class Bar implements Progress {
  private readonly timer: NodeJS.Timeout
  private readonly started = Date.now()
  private active = true

  private constructor(
    private readonly options: ProgressOptions,
    private readonly stream: ProgressStream,
    private readonly bar: SingleBar,
  ) {
    bar.start(options.total ?? 0, 0, { counts: this.counts() })
    this.timer = setInterval(() => bar.update(options.bytesRead(), { counts: this.counts() }), BAR_UPDATE_MS)
    this.timer.unref()
  }

  static async start(options: ProgressOptions, stream: ProgressStream): Promise<Bar> {
    // cli-progress is CommonJS: its classes are properties of the default export.
    const { default: cliProgress } = await import('cli-progress')
    const tokens = options.total ? '{bar} {percentage}% · ETA {eta_formatted} · {counts}' : '{counts}'
    // The line is cut to the terminal's width rather than wrapped: a wrapped line could not be
    // redrawn in place. (cli-progress's own no-wrap mode switches the terminal's wrapping off,
    // which a kill would leave off.)
    const format: GenericFormatter = (barOptions, params, payload) =>
      cliProgress.Format.Formatter({ ...barOptions, format: tokens }, params, payload).slice(0, Math.max(params.maxWidth - 1, 1))
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format,
        formatTime: (seconds) => (typeof seconds === 'number' ? duration(seconds) : '?'), // 'NULL' or 'INF' before a rate is known
        barsize: 12,
        etaBuffer: 40, // 10 s of updates: a steadier ETA than the default 10 (2.5 s)
        linewrap: true,
        clearOnComplete: true,
        gracefulExit: false, // the import handles Ctrl-C itself
      },
      cliProgress.Presets.shades_classic,
    )
    return new Bar(options, stream, bar)
  }

  note(text: string): void {
    this.stop()
    this.stream.write(`${text}\n`)
  }

  stop(): void {
    clearInterval(this.timer)
    if (this.active) this.bar.stop()
    this.active = false
  }

  private counts(): string {
    return countsText(this.options.tally(), (Date.now() - this.started) / 1000, this.options.dryRun)
  }
}
