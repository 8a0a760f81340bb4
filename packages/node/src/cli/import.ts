/**
 * `cdp-analytics import FILE|-`: a backfill of NDJSON, one message per line, each keeping its own
 * `timestamp` and `messageId`. Streams: reading pauses while too many lines or bytes wait for an
 * outcome (read-ahead.ts), so memory stays flat whatever the file's size and the client's queue
 * never refuses a line. See checkpoint.ts for what `--resume` guarantees.
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import type { AnalyticsError, DeliveryError, MessageType } from '@cdp-analytics/core'
import type { Analytics, NodeAnalyticsOptions } from '../analytics.js'
import { createHttpTransport } from '../http-transport.js'
import { Checkpoint, Frontier } from './checkpoint.js'
import { checkConflicts, checkScope, EXIT, integerFlag, numberFlag, stringFlag, UsageError, type Values } from './options.js'
import { startProgress } from './progress.js'
import { IMPORT_QUEUE, readAhead } from './read-ahead.js'
import { RejectedFile } from './rejected-file.js'
import { TYPES } from './send.js'
import { type Problem, printSummary, type Tally } from './summary.js'

/** Requests in flight at once (the client's default). */
const IN_FLIGHT = 4
/** Lines kept in the summary; all of them go to the --rejected file. */
const LISTED = 100

type MakeClient = (overrides: Partial<NodeAnalyticsOptions>) => Analytics

/** Failures that are the line's own fault: reported, and the import goes on past them. */
function isRejection(error: AnalyticsError): boolean {
  if (error.reason === 'invalid' || error.reason === 'unserializable' || error.reason === 'too_large') return true
  const status = (error as DeliveryError).status
  return error.reason === 'rejected' && (status === 400 || status === 413)
}

export async function runImport(input: string | undefined, values: Values, makeClient: MakeClient): Promise<number> {
  checkScope(values, 'import')
  checkConflicts(values)
  if (!input) throw new UsageError('import needs a file of NDJSON, or - for stdin')
  if (input !== '-' && !existsSync(input)) throw new UsageError(`no such file: ${input}`)
  const dryRun = values['dry-run'] === true
  const batchSize = integerFlag(values, 'batch-size', 1) ?? 1000
  const rate = numberFlag(values, 'rate', 0.001)
  const progressInterval = numberFlag(values, 'progress-interval', 0) ?? 10
  const resumePath = stringFlag(values, 'resume')
  const rejectedPath = stringFlag(values, 'rejected')

  // The checkpoint names its input (absolute, so a re-run from another folder still matches).
  const checkpoint = resumePath ? Checkpoint.open(resumePath, input === '-' ? '-' : resolve(input)) : undefined
  const skip = checkpoint?.start ?? 0
  const analytics = makeClient({
    maxBatchSize: batchSize,
    flushAt: batchSize,
    flushInterval: 1000,
    maxInFlight: IN_FLIGHT,
    // The bounds the read-ahead below stays within.
    ...IMPORT_QUEUE,
    // node:http with keep-alive: about a fifth of fetch's CPU per request (README, "Transports").
    transport: createHttpTransport(),
    // Validation only: the client builds and checks every message; nothing leaves the process.
    ...(dryRun ? { disable: true } : {}),
  })
  // Read while fewer than `high` lines (and bytes) wait for an outcome: every request slot busy and
  // one more batch ready. After a pause, read again once a batch has settled. This bounds memory,
  // and keeps the client's queue below its own limits.
  const limits = readAhead(batchSize, IN_FLIGHT, IMPORT_QUEUE)

  const tally: Tally = { read: 0, skipped: 0, delivered: 0, rejected: 0, failed: 0 }
  const rejectedList: Problem[] = []
  const failedList: Problem[] = []
  const frontier = new Frontier(skip)
  const rejectedFile = rejectedPath ? openRejectedFile(resolve(rejectedPath), checkpoint) : undefined
  let outstanding = 0
  /** UTF-8 bytes of the lines given to the client that have no outcome yet. */
  let outstandingBytes = 0
  /** Rejected lines of this run past the frontier; counted into `rejectedBehind` once it passes them. */
  const rejectedAhead = new Set<number>()
  let rejectedBehind = 0
  let counted = skip
  let lines: Interface | undefined
  let stopReason: 'interrupted' | 'failed' | undefined
  let wake: (() => void) | undefined
  const wakeUp = () => wake?.()
  // Lines held in memory: those waiting for an outcome, and rejected lines waiting for the lines
  // before them to be written to the --rejected file in order.
  const waiting = () => outstanding + (rejectedFile?.waiting ?? 0)
  const full = () => waiting() >= limits.lines.high || outstandingBytes >= limits.bytes.high
  /** Resolves when fewer than the low watermarks wait (lines and bytes), or the import stops. */
  const drain = () =>
    new Promise<void>((resolve) => {
      const check = () => {
        if ((waiting() >= limits.lines.low || outstandingBytes >= limits.bytes.low) && !stopReason) {
          wake = check
          return
        }
        wake = undefined
        resolve()
      }
      check()
    })

  const earlierRejected = checkpoint?.rejectedLines ?? 0
  const saveCheckpoint = (complete = false) =>
    checkpoint?.save(
      frontier.line,
      complete,
      rejectedFile && { path: rejectedFile.path, bytes: rejectedFile.bytes },
      earlierRejected + rejectedBehind,
    )
  let saveQueued = false
  const settle = (n: number) => {
    frontier.settle(n)
    rejectedFile?.advance(frontier.line)
    // The rejected lines up to the checkpoint's line, for a resumed run's summary and exit code.
    for (let k = counted + 1; k <= frontier.line && rejectedAhead.size > 0; k++) if (rejectedAhead.delete(k)) rejectedBehind++
    counted = frontier.line
    // One write per batch outcome: a batch's callbacks run in one synchronous loop, and this
    // microtask runs after it but before the freed request slot sends the next batch, so a kill
    // at any moment re-sends at most the batches that were on the wire.
    if (checkpoint && !saveQueued) {
      saveQueued = true
      queueMicrotask(() => {
        saveQueued = false
        saveCheckpoint()
      })
    }
  }
  const reject = (n: number, line: string, reason: string) => {
    tally.rejected++
    if (rejectedList.length < LISTED) rejectedList.push({ line: n, reason })
    rejectedFile?.add(n, line)
    rejectedAhead.add(n)
    settle(n)
  }
  const onOutcome = (n: number, line: string, bytes: number, error: AnalyticsError | undefined) => {
    outstanding--
    outstandingBytes -= bytes
    if (!error) {
      tally.delivered++
      settle(n)
    } else if (isRejection(error)) {
      reject(n, line, `${error.reason}: ${error.message}`)
    } else {
      // Not the line's fault (the API is down, the write key is wrong, ...): stop, and leave the
      // checkpoint before this line so that a re-run sends it again.
      tally.failed++
      if (failedList.length < LISTED) failedList.push({ line: n, reason: `${error.reason}: ${error.message}` })
      stopReason ??= 'failed'
      lines?.close() // a reader waiting for more input (a slow stdin) stops at once
    }
    wakeUp()
  }

  const stream: NodeJS.ReadableStream = input === '-' ? process.stdin : createReadStream(input, { highWaterMark: 256 * 1024 })
  const total = input === '-' ? undefined : statSync(input).size
  let consumed = 0
  const progress = startProgress({
    quiet: values.quiet === true,
    intervalMs: progressInterval * 1000,
    total,
    // Bytes of the lines taken so far (UTF-16 length: exact for ASCII, close otherwise), not of the read-ahead.
    bytesRead: () => consumed,
    tally: () => tally,
    dryRun,
  })

  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (interrupts > 1) {
      saveCheckpoint()
      process.stderr.write('\ninterrupted again: exiting now; the checkpoint holds what had an outcome\n')
      process.exit(EXIT.interrupted)
    }
    stopReason ??= 'interrupted'
    lines?.close()
    progress.note('stopping: no more lines are read; waiting for what is in flight (Ctrl-C again to quit now)')
    wakeUp()
  }
  process.on('SIGINT', onSigint)

  const started = Date.now()
  let sent = 0
  // Created right before the loop: lines read before the iterator exists would be lost.
  const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
  lines = reader
  try {
    for await (const line of reader) {
      if (stopReason) break
      const n = ++tally.read
      consumed += line.length + 1
      if (n <= skip) {
        tally.skipped++
        continue
      }
      if (line.trim() === '') {
        settle(n)
        continue
      }
      let message: unknown
      try {
        message = JSON.parse(line)
      } catch (error) {
        reject(n, line, `not JSON (${(error as Error).message})`)
        continue
      }
      if (message === null || typeof message !== 'object' || Array.isArray(message)) {
        reject(n, line, 'not a JSON object')
        continue
      }
      const { type, ...params } = message as Record<string, unknown>
      if (!TYPES.includes(type as MessageType)) {
        reject(n, line, `"type" must be one of ${TYPES.join(', ')} (got ${JSON.stringify(type) ?? 'none'})`)
        continue
      }
      // A line without a messageId gets one derived from its content, so that a line sent again
      // after a resume keeps its id and the API can de-duplicate it.
      if (params.messageId === undefined) params.messageId = lineId(line)
      const bytes = Buffer.byteLength(line)
      outstanding++
      outstandingBytes += bytes
      const call = analytics[type as MessageType] as (params: unknown, callback: (error: AnalyticsError | undefined) => void) => void
      // The raw line is kept only while it may still be written to the --rejected file.
      const raw = rejectedFile === undefined ? '' : line
      call.call(analytics, params, (error) => onOutcome(n, raw, bytes, error))
      sent++
      if (full()) await drain()
      if (rate) {
        const wait = started + (sent / rate) * 1000 - Date.now()
        if (wait > 1) await sleep(wait, () => stopReason !== undefined)
      }
    }
  } catch (error) {
    process.stderr.write(`cannot read ${input}: ${(error as Error).message}\n`)
    stopReason ??= 'failed'
  } finally {
    reader.close()
  }

  if (stopReason === 'failed') await analytics.close({ timeout: 5000 })
  else await analytics.flush()
  await analytics.close()
  process.off('SIGINT', onSigint)
  progress.stop()
  rejectedFile?.close()
  saveCheckpoint(!stopReason)

  printSummary({ input, tally, earlierRejected, rejectedList, failedList, dryRun, checkpoint, frontier, rejectedPath, stopReason })
  if (stopReason === 'interrupted') return EXIT.interrupted
  if (stopReason === 'failed' || tally.failed > 0) return EXIT.failed
  // The whole file's result: lines rejected by earlier runs of a resumed import count too.
  return tally.rejected + earlierRejected > 0 ? EXIT.rejected : EXIT.ok
}

/**
 * A fresh import starts the rejected file empty. A resumed one keeps what its checkpoint recorded
 * for this file and cuts off the rest (written past the checkpoint by the run that stopped); with
 * no record of this file (an older checkpoint, another --rejected path), it appends.
 */
function openRejectedFile(path: string, checkpoint: Checkpoint | undefined): RejectedFile {
  const from = checkpoint?.start ?? 0
  if (from === 0) return RejectedFile.open(path, 0, 0)
  const recorded = checkpoint?.rejected
  return RejectedFile.open(path, from, recorded?.path === path ? recorded.bytes : 'all')
}

/** A stable messageId for a line that has none: identical lines share it (and count once). */
function lineId(line: string): string {
  return `line-${createHash('sha256').update(line).digest('base64url').slice(0, 27)}`
}

function sleep(ms: number, cancelled: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    // Short steps, so Ctrl-C does not wait for a long rate-limit pause.
    const step = () => {
      if (cancelled() || ms <= 0) return resolve()
      const chunk = Math.min(ms, 200)
      ms -= chunk
      setTimeout(step, chunk)
    }
    step()
  })
}
