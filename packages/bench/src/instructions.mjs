/**
 * What a `track()` call costs in CPU instructions, with and without the spool (issue 18), counted
 * by valgrind's callgrind: a count, not a time, so it does not depend on how busy the machine is
 * (the other benchmarks' microseconds do; this machine is often shared). Each mode runs twice per
 * round, with 0 and with `--calls` calls after the same warm-up; the difference divided by
 * `--calls` is the cost of one call, its share of the turn-end spool write included.
 *
 *   node src/instructions.mjs [--calls 20000] [--rounds 2] [--dry-run]
 *
 * Needs valgrind (Debian: `apt-get install -y valgrind`). Node runs under it about 50x slower, with
 * `--single-threaded`, so that V8's background threads add no run-to-run noise.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fmt, machine, median, table, writeSection } from './report.mjs'

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    calls: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '2' },
    'dry-run': { type: 'boolean', default: false },
  },
})
const calls = Number(args.calls)
const child = fileURLToPath(new URL('./instructions-child.mjs', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'cdp-callgrind-'))

/** Instructions callgrind counted for one child process. */
function instructions(n, mode) {
  const out = join(scratch, `${mode}-${n}.out`)
  // --single-threaded: no V8 background threads (GC, compilers), whose share of the count varies
  // from run to run with their scheduling (±20% without it, under 2% with it).
  execFileSync(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', child, String(n), mode],
    {
      stdio: 'ignore',
    },
  )
  const summary = execFileSync('callgrind_annotate', [out], { encoding: 'utf8', maxBuffer: 64 << 20 })
  const total = /([\d,]+)\s+\(100\.0%\)\s+PROGRAM TOTALS/.exec(summary) ?? /([\d,]+)\s+PROGRAM TOTALS/.exec(summary)
  return Number(total[1].replaceAll(',', ''))
}

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' })
} catch {
  console.error('valgrind is not installed: apt-get install -y valgrind')
  process.exit(1)
}

const perCall = { memory: [], spool: [] }
for (let round = 0; round < Number(args.rounds); round++) {
  for (const mode of ['memory', 'spool']) {
    const cost = (instructions(calls, mode) - instructions(0, mode)) / calls
    console.error(JSON.stringify({ round, mode, instructionsPerCall: Math.round(cost) }))
    perCall[mode].push(cost)
  }
}
rmSync(scratch, { recursive: true, force: true })

const memory = median(perCall.memory)
const spool = median(perCall.spool)
const markdown = [
  '## Instructions per `track()` call, with and without the spool (issue 18)',
  '',
  `- Machine: ${machine()}`,
  `- \`node src/instructions.mjs --calls ${calls} --rounds ${args.rounds}\`: valgrind's callgrind counts the instructions of a process that makes 2,000 warm-up calls then ${calls.toLocaleString('en-US')} more in one synchronous loop (and one event-loop turn, for the spool's write), minus the same process making none; medians of ${args.rounds} rounds. A count does not depend on how busy the machine is.`,
  '',
  table(
    ['Client', 'Instructions per call', 'Ratio'],
    [
      ['defaults (memory only)', fmt.int(memory), '1.00×'],
      ["spool (sync: 'interval')", fmt.int(spool), fmt.x(spool / memory)],
    ],
  ),
].join('\n')
console.log(markdown)
if (!args['dry-run']) writeSection('instructions', markdown)
