/**
 * The spool benchmark (issue 18), written into BENCHMARKS.md between the `spool` markers:
 *
 * 1. Burst: 100,000 `track()` calls in one synchronous loop with each client's defaults, without
 *    the spool and with it in each sync mode: wall, CPU, peak RSS, µs per call in the loop.
 *    Interleaved rounds, medians (run-child.mjs / child.mjs, as `bench`).
 * 2. Replay: a process spools N events it cannot deliver and exits; a new one reads them back and
 *    queues them (messages/s), then delivers them to the sink.
 * 3. Steady: `--rate` events/s for `--seconds` s with the API `--rtt` ms away, without and with the
 *    spool: p99 call-to-arrival and drops (as `bench:latency`).
 *
 *   node src/spool.mjs [--n 100000] [--rounds 3] [--replay-n 100000] [--rate 8000] [--seconds 30]
 *                      [--rtt 60] [--steady-rounds 1] [--parts burst,replay,steady] [--dry-run]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { contenders } from './contenders.mjs'
import { fmt, machine, median, table, writeSection } from './report.mjs'
import { runChild } from './run-child.mjs'
import { startSink } from './sink-client.mjs'

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    n: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    'replay-n': { type: 'string', default: '100000' },
    rate: { type: 'string', default: '8000' },
    seconds: { type: 'string', default: '30' },
    rtt: { type: 'string', default: '60' },
    'steady-rounds': { type: 'string', default: '1' },
    parts: { type: 'string', default: 'burst,replay,steady' },
    'dry-run': { type: 'boolean', default: false },
  },
})
const parts = new Set(args.parts.split(','))
const n = Number(args.n)
const rounds = Number(args.rounds)
const started = Date.now()
const sink = await startSink()
const BURST = ['cdp', 'cdp-spool', 'cdp-spool-never', 'cdp-spool-always']
const rotate = (list, k) => list.map((_, i) => list[(i + k) % list.length])

const burst = []
if (parts.has('burst')) {
  for (let round = 0; round < rounds; round++) {
    for (const contender of rotate(BURST, round)) {
      const { closed, done, stats, error } = await runChild(
        sink,
        { contender, n, mode: 'burst', batch: { kind: 'default' } },
        { timeoutMs: 300_000 },
      )
      const wallMs = closed ? Math.max(closed.closedAt, stats.lastEventAt) - closed.startAt : NaN
      const run = {
        contender,
        wallMs,
        cpuMs: done ? (done.cpuUserUs + done.cpuSystemUs) / 1000 : NaN,
        rssBytes: done ? done.maxRssKb * 1024 : NaN,
        loopUs: closed ? ((closed.callsEndAt - closed.startAt) * 1000) / n : NaN,
        lost: stats.lost,
        error,
      }
      burst.push(run)
      console.error(
        `burst r${round} ${contender.padEnd(16)} wall ${fmt.s(run.wallMs)} s, cpu ${fmt.s(run.cpuMs)} s, rss ${fmt.mb(run.rssBytes)} MB, loop ${fmt.us(run.loopUs)} µs/call, lost ${run.lost}${error ? `, ${error}` : ''}`,
      )
    }
  }
}

const replays = []
const replayN = Number(args['replay-n'])
if (parts.has('replay')) {
  const child = new URL('./spool-replay-child.mjs', import.meta.url).pathname
  for (let round = 0; round < rounds; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'cdp-bench-replay-'))
    try {
      const fill = JSON.parse(execFileSync(process.execPath, [child, 'fill', dir, String(replayN)], { encoding: 'utf8' }))
      await sink.call({ cmd: 'reset', n: replayN, rttMs: 0 })
      const replay = JSON.parse(execFileSync(process.execPath, [child, 'replay', dir, String(replayN), sink.url], { encoding: 'utf8' }))
      const stats = await sink.call({ cmd: 'stats' })
      const run = {
        ...fill,
        ...replay,
        delivered: stats.unique,
        queuedPerSecond: (replay.replayed / replay.queueMs) * 1000,
        deliveredPerSecond: (stats.unique / replay.deliverMs) * 1000,
      }
      replays.push(run)
      console.error(
        `replay r${round}: ${fmt.int(run.replayed)} read back and queued in ${fmt.int(run.queueMs)} ms (${fmt.int(run.queuedPerSecond)}/s), delivered ${fmt.int(run.delivered)} in ${fmt.s(run.deliverMs)} s`,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

const steady = []
const rate = Number(args.rate)
const seconds = Number(args.seconds)
const rttMs = Number(args.rtt)
if (parts.has('steady')) {
  for (let round = 0; round < Number(args['steady-rounds']); round++) {
    for (const contender of rotate(['cdp', 'cdp-spool'], round)) {
      const total = rate * seconds
      const { closed, stats, error } = await runChild(
        sink,
        { contender, n: total, mode: 'rate', rate, batch: { kind: 'default' } },
        { timeoutMs: 300_000 + seconds * 1000, rttMs },
      )
      const callsMs = closed ? closed.callsEndAt - closed.startAt : NaN
      const run = {
        contender,
        p50Ms: stats.p50Ms,
        p99Ms: stats.p99Ms,
        dropped: stats.lost,
        callsPerSecond: (total / callsMs) * 1000,
        error,
      }
      steady.push(run)
      console.error(
        `steady r${round} ${contender.padEnd(10)} p50 ${fmt.s(run.p50Ms)} s, p99 ${fmt.s(run.p99Ms)} s, dropped ${run.dropped}, calls ${fmt.int(run.callsPerSecond)}/s${error ? `, ${error}` : ''}`,
      )
    }
  }
}
sink.stop()

const markdown = render()
console.log(markdown)
if (!args['dry-run']) writeSection('spool', markdown)

function render() {
  const out = []
  const flags = process.argv.slice(2).filter((arg) => arg !== '--' && arg !== '--dry-run')
  out.push(`## The on-disk spool (issue 18): ${new Date().toISOString().slice(0, 10)}`)
  out.push('')
  out.push(
    `- Command: \`pnpm --filter @cdp-analytics/bench bench:spool${flags.length ? ` ${flags.join(' ')}` : ''}\` (took ${((Date.now() - started) / 60000).toFixed(1)} min)`,
  )
  out.push(`- Machine: ${machine()}; spool directories under ${tmpdir()} (${fsType(tmpdir())})`)
  out.push('')
  const m = (name, key) => median(burst.filter((r) => r.contender === name).map((r) => r[key]))
  if (burst.length) {
    out.push(`### ${fmt.int(n)} events, burst, defaults (medians of ${rounds} interleaved rounds)`)
    out.push('')
    out.push(
      table(
        ['Client', 'Wall s', 'CPU s', 'Peak RSS MB', 'track() µs/call in the loop', 'Lost (worst)', 'Wall × no spool', 'CPU × no spool'],
        BURST.map((name) => [
          contenders[name].label,
          fmt.s(m(name, 'wallMs')),
          fmt.s(m(name, 'cpuMs')),
          fmt.mb(m(name, 'rssBytes')),
          fmt.us(m(name, 'loopUs')),
          fmt.int(Math.max(...burst.filter((r) => r.contender === name).map((r) => r.lost))),
          fmt.x(m(name, 'wallMs') / m('cdp', 'wallMs')),
          fmt.x(m(name, 'cpuMs') / m('cdp', 'cpuMs')),
        ]),
      ),
    )
    out.push('')
  }
  const r = (key) => median(replays.map((run) => run[key]))
  if (replays.length) {
    out.push(`### Replay after a restart: ${fmt.int(replayN)} events (medians of ${rounds} rounds)`)
    out.push('')
    out.push(
      table(
        ['Spool on disk', 'Segments', 'Read back and queued', 'Messages/s', 'Delivered to the sink (200 at once)', 'Delivered/s'],
        [
          [
            `${fmt.mb(r('bytes'))} MB`,
            fmt.int(r('segments')),
            `${fmt.int(r('queueMs'))} ms`,
            fmt.int(r('queuedPerSecond')),
            `${fmt.s(r('deliverMs'))} s`,
            fmt.int(r('deliveredPerSecond')),
          ],
        ],
      ),
    )
    out.push('')
  }
  const s = (name, key) => median(steady.filter((run) => run.contender === name).map((run) => run[key]))
  if (steady.length) {
    out.push(`### Steady ${fmt.int(rate)} events/s for ${seconds} s, API ${rttMs} ms away, defaults`)
    out.push('')
    out.push(
      table(
        ['Client', 'Calls kept /s', 'p50 call-to-arrival s', 'p99 s', 'Dropped'],
        ['cdp', 'cdp-spool'].map((name) => [
          contenders[name].label,
          fmt.int(s(name, 'callsPerSecond')),
          fmt.s(s(name, 'p50Ms')),
          fmt.s(s(name, 'p99Ms')),
          fmt.int(s(name, 'dropped')),
        ]),
      ),
    )
    out.push('')
  }
  out.push('### Targets of issue 18')
  out.push('')
  const check = (ok, text) => out.push(`- ${ok ? '✅ met' : '❌ not met'}: ${text}`)
  if (burst.length) {
    const cpu = m('cdp-spool', 'cpuMs') / m('cdp', 'cpuMs')
    const wall = m('cdp-spool', 'wallMs') / m('cdp', 'wallMs')
    check(cpu <= 1.3, `burst CPU with the spool ≤ 1.3× without: ${fmt.x(cpu)}`)
    check(wall <= 1.3, `burst wall with the spool ≤ 1.3× without: ${fmt.x(wall)}`)
    check(m('cdp-spool', 'loopUs') <= 8, `track() in the burst loop ≤ 8 µs per call: ${fmt.us(m('cdp-spool', 'loopUs'))} µs`)
    check(
      m('cdp-spool', 'rssBytes') <= m('cdp', 'rssBytes'),
      `peak RSS no more than without: ${fmt.mb(m('cdp-spool', 'rssBytes'))} vs ${fmt.mb(m('cdp', 'rssBytes'))} MB`,
    )
  }
  if (replays.length)
    check(r('queuedPerSecond') >= 50_000, `replay ≥ 50,000 messages/s read back and queued: ${fmt.int(r('queuedPerSecond'))}/s`)
  if (steady.length) {
    const gap = s('cdp-spool', 'p99Ms') - s('cdp', 'p99Ms')
    check(
      s('cdp-spool', 'dropped') === 0,
      `steady ${fmt.int(rate)}/s for ${seconds} s: nothing dropped: ${fmt.int(s('cdp-spool', 'dropped'))}`,
    )
    check(gap <= 200, `p99 call-to-arrival within 0.2 s of no spool: ${fmt.s(s('cdp-spool', 'p99Ms'))} s vs ${fmt.s(s('cdp', 'p99Ms'))} s`)
  }
  return out.join('\n')
}

function fsType(path) {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', path], { encoding: 'utf8' }).trim()
  } catch {
    return 'filesystem unknown'
  }
}
