/** The summary `cdp-analytics import` prints on stdout when it ends, and the counts it is made of. */
import type { Checkpoint, Frontier } from './checkpoint.js'

/** A line that did not get through: its 1-based number and why. */
export interface Problem {
  line: number
  reason: string
}

export interface Tally {
  read: number
  skipped: number
  delivered: number
  rejected: number
  failed: number
}

export interface SummaryInput {
  input: string
  tally: Tally
  /** Lines that earlier runs of a resumed import rejected (from the checkpoint). */
  earlierRejected: number
  rejectedList: Problem[]
  failedList: Problem[]
  dryRun: boolean
  checkpoint: Checkpoint | undefined
  frontier: Frontier
  rejectedPath: string | undefined
  stopReason: 'interrupted' | 'failed' | undefined
}

/** "rejected 4 (written to bad.ndjson)", or with a resumed import's earlier runs: "rejected 6: 4 in this run, 2 in earlier runs ...". */
export function rejectedLine(s: Pick<SummaryInput, 'tally' | 'earlierRejected' | 'rejectedPath'>): string {
  const now = s.tally.rejected
  const total = now + s.earlierRejected
  const file = s.rejectedPath && total > 0 ? `written to ${s.rejectedPath}` : ''
  if (s.earlierRejected === 0) return `rejected ${now}${file ? ` (${file})` : ''}`
  const where = `listed in the earlier summaries${file ? `, ${file}` : ''}`
  const split = now === 0 ? `all ${total} in earlier runs` : `${now} in this run, ${s.earlierRejected} in earlier runs`
  return `rejected ${total}: ${split} (${where})`
}

export function printSummary(s: SummaryInput): void {
  const { tally } = s
  const out: string[] = []
  const name = s.input === '-' ? 'stdin' : s.input
  out.push(`import ${name}${s.dryRun ? ' (dry run: nothing sent)' : ''}: ${tally.read} lines read`)
  if (tally.skipped) out.push(`skipped ${tally.skipped} (already done, per the checkpoint)`)
  out.push(`${s.dryRun ? 'valid' : 'delivered'} ${tally.delivered}`)
  out.push(rejectedLine(s))
  for (const problem of s.rejectedList) out.push(`  line ${problem.line}: ${problem.reason}`)
  if (tally.rejected > s.rejectedList.length) out.push(`  ... and ${tally.rejected - s.rejectedList.length} more`)
  out.push(`failed ${tally.failed}`)
  for (const problem of s.failedList) out.push(`  line ${problem.line}: ${problem.reason}`)
  if (s.stopReason === 'interrupted') out.push('interrupted: stopped after what was in flight')
  if (s.stopReason === 'failed') out.push('stopped: delivery failed (lines without an outcome are sent again by a re-run)')
  if (s.checkpoint) {
    out.push(`checkpoint ${s.checkpoint.path}: every line up to ${s.frontier.line} has an outcome`)
    if (s.stopReason) out.push('re-run the same command to continue from there')
  } else if (s.stopReason && !s.dryRun) {
    out.push('pass --resume FILE to continue from where an import stopped')
  }
  process.stdout.write(`${out.join('\n')}\n`)
}
