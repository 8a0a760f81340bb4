/**
 * The side-by-side benchmark (issue #5). For every configuration (N × mode × batch) and round,
 * each contender runs once in its own child process against one sink in another process,
 * interleaved A B C A B C, so a noisy neighbour hits every contender alike. Prints markdown
 * tables of medians and paired ratios and writes them into BENCHMARKS.md.
 *
 *   node src/run.mjs [--n 100000,10000] [--rounds 3] [--modes burst,paced] [--batch 20,max,default]
 *                    [--contenders cdp,segment,customerio,posthog,floor] [--timeout 180]
 *                    [--json results.json] [--dry-run]
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { contenders, maxBatchCount } from './contenders.mjs'
import { fmt, machine, median, table, writeSection } from './report.mjs'
import { runChild } from './run-child.mjs'
import { startSink } from './sink-client.mjs'
import { paramsBytes } from './workload.mjs'

const { values: args } = parseArgs({
  // pnpm 10 passes a `--` separator through to the script; it means nothing here.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    n: { type: 'string', default: '100000,10000' },
    rounds: { type: 'string', default: '3' },
    modes: { type: 'string', default: 'burst,paced' },
    batch: { type: 'string', default: '20,max,default' },
    contenders: { type: 'string', default: 'cdp,cdp-http,cdp-ky,segment,customerio,posthog,floor,floor-http' },
    timeout: { type: 'string', default: '180' },
    json: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
})
const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
const ns = list(args.n).map(Number)
const rounds = Number(args.rounds)
const modes = list(args.modes)
const batches = list(args.batch).map((b) => (b === 'max' || b === 'default' ? { kind: b } : { kind: 'count', flushAt: Number(b) }))
const names = list(args.contenders)
const runTimeoutMs = Number(args.timeout) * 1000
for (const name of names) if (!contenders[name]) throw new Error(`unknown contender ${name}; known: ${Object.keys(contenders).join(', ')}`)
const batchLabel = (b) => (b.kind === 'max' ? 'max batch' : b.kind === 'default' ? 'SDK defaults' : `flushAt ${b.flushAt}`)

const sink = await startSink()
const results = []
const started = Date.now()
const configs = []
for (const n of ns) for (const batch of batches) for (const mode of modes) configs.push({ n, mode, batch })
console.error(`# ${configs.length} configurations × ${rounds} rounds × ${names.length} contenders on ${machine()}`)

for (const config of configs) {
  for (let round = 1; round <= rounds; round++) {
    // Rotate the order each round so no contender always runs first (or right after the slowest).
    const order = names.map((_, i) => names[(i + round - 1) % names.length])
    for (const contender of order) {
      const result = await runOnce({ contender, ...config, round })
      results.push(result)
      console.error(
        `${config.n} ${config.mode} ${batchLabel(config.batch)} r${round} ${contender.padEnd(10)} wall ${fmt.s(result.wallMs)} s, cpu ${fmt.s(result.cpuMs)} s, rss ${fmt.mb(result.rssBytes)} MB, ${result.requests} req, lost ${result.lost}, dup ${result.duplicates}${result.error ? `, ${result.error}` : ''}`,
      )
    }
  }
}
sink.stop()

const markdown = render()
console.log(markdown)
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2))
if (!args['dry-run']) writeSection('e2e', markdown)

async function runOnce({ contender, n, mode, batch, round }) {
  const base = { contender, n, mode, batch: batchLabel(batch), round }
  const { closed, done, stats, error } = await runChild(sink, { contender, n, mode, batch }, { timeoutMs: runTimeoutMs })
  const deliveredAt = Math.max(stats.lastEventAt, 0)
  const wallMs = closed ? Math.max(closed.closedAt, deliveredAt) - closed.startAt : NaN
  const cpuMs = done ? (done.cpuUserUs + done.cpuSystemUs) / 1000 : NaN
  return {
    ...base,
    wallMs,
    closeMs: closed ? closed.closedAt - closed.startAt : NaN,
    // The N calls themselves (the synchronous loop in burst mode), per call.
    loopUsPerCall: closed ? ((closed.callsEndAt - closed.startAt) * 1000) / n : NaN,
    cpuMs,
    cpuUsPerEvent: (cpuMs * 1000) / n,
    rssBytes: done ? done.maxRssKb * 1024 : NaN,
    requests: stats.requests,
    wireBytes: stats.wireBytes,
    bodyBytes: stats.bodyBytes,
    delivered: stats.unique,
    lost: stats.lost,
    duplicates: stats.duplicates,
    unknown: stats.unknown,
    badBodies: stats.badBodies,
    ...(error ? { error } : {}),
  }
}

function render() {
  const out = []
  const flags = process.argv.slice(2).filter((arg) => arg !== '--' && arg !== '--dry-run')
  const command = `pnpm --filter @cdp-analytics/bench bench${flags.length ? ` ${flags.join(' ')}` : ''}`
  out.push(`## End to end: ${new Date().toISOString().slice(0, 10)}`)
  out.push('')
  out.push(`- Command: \`${command}\` (took ${((Date.now() - started) / 60000).toFixed(1)} min)`)
  out.push(`- Machine: ${machine()}`)
  out.push(
    `- Workload: N \`track\` calls of ${paramsBytes()} bytes of JSON each; medians of ${rounds} interleaved rounds; "max batch" = each SDK's own byte cap (PostHog: ${maxBatchCount()} events).`,
  )
  out.push('')
  for (const { n, mode, batch } of configs) {
    const label = batchLabel(batch)
    const rows = results.filter((r) => r.n === n && r.mode === mode && r.batch === label)
    const by = (name) => rows.filter((r) => r.contender === name)
    out.push(`### ${n.toLocaleString('en-US')} events, ${mode}, ${label}`)
    out.push('')
    out.push(
      table(
        ['Contender', 'Wall s', 'CPU s', 'CPU µs/event', 'Peak RSS MB', 'Requests', 'Wire MB', 'Lost (worst)', 'Dups (worst)'],
        names.map((name) => {
          const runs = by(name)
          const m = (key) => median(runs.map((r) => r[key]))
          const worst = (key) => Math.max(...runs.map((r) => r[key]))
          const failures = runs.filter((r) => r.error).length
          return [
            contenders[name].label + (failures ? ` (${failures} run(s) failed: ${runs.find((r) => r.error).error})` : ''),
            fmt.s(m('wallMs')),
            fmt.s(m('cpuMs')),
            fmt.us(m('cpuUsPerEvent')),
            fmt.mb(m('rssBytes')),
            fmt.int(m('requests')),
            fmt.mb(m('wireBytes')),
            fmt.int(worst('lost')),
            fmt.int(worst('duplicates')),
          ]
        }),
      ),
    )
    out.push('')
    if (names.includes('cdp') && names.length > 1) {
      // Ratios are medians of per-round pairs (same round, so the same noise), ours / theirs.
      const ratio = (other, key) =>
        median(
          by('cdp').map((ours) => {
            const theirs = by(other).find((r) => r.round === ours.round)
            return theirs ? ours[key] / theirs[key] : NaN
          }),
        )
      out.push(
        table(
          ['cdp-analytics ÷', 'Wall', 'CPU', 'Peak RSS', 'Wire bytes'],
          names
            .filter((name) => name !== 'cdp')
            .map((name) => [
              contenders[name].label,
              fmt.x(ratio(name, 'wallMs')),
              fmt.x(ratio(name, 'cpuMs')),
              fmt.x(ratio(name, 'rssBytes')),
              fmt.x(ratio(name, 'wireBytes')),
            ]),
        ),
      )
      out.push('')
    }
  }
  out.push(targets())
  return out.join('\n')
}

/** The targets of issue #5, checked on the 100k burst flushAt 20 configuration when it ran. */
function targets() {
  const rows = results.filter((r) => r.n === 100_000 && r.mode === 'burst' && r.batch === 'flushAt 20')
  const by = (name) => rows.filter((r) => r.contender === name)
  if (by('cdp').length === 0) return ''
  const pairedOf = (mine, other, key) =>
    median(by(mine).map((ours) => ours[key] / (by(other).find((r) => r.round === ours.round)?.[key] ?? NaN)))
  const paired = (other, key) => pairedOf('cdp', other, key)
  const lines = ['### Targets (100,000 events, burst, flushAt 20)', '']
  const check = (ok, text) => lines.push(`- ${Number.isNaN(ok) ? '?' : ok ? '✅' : '❌'} ${text}`)
  if (by('floor').length) {
    const w = paired('floor', 'wallMs')
    const c = paired('floor', 'cpuMs')
    check(w <= 1.25, `wall ≤ 1.25× floor: ${fmt.x(w)}`)
    check(c <= 1.25, `CPU ≤ 1.25× floor: ${fmt.x(c)}`)
  }
  if (by('segment').length) {
    const w = 1 / paired('segment', 'wallMs')
    const r = paired('segment', 'rssBytes')
    check(w >= 4, `≥ 4× faster than Segment (wall): ${fmt.x(w)} faster`)
    check(r <= 0.5, `peak RSS ≤ ½ of Segment's: ${fmt.x(r)}`)
  }
  const lost = Math.max(...by('cdp').map((r) => r.lost + (r.error ? 1 : 0)))
  check(lost === 0, `zero lost: worst run lost ${lost}`)
  // Issue 8's targets, where their contenders ran.
  if (by('floor').length) {
    const w = paired('floor', 'wallMs')
    const c = paired('floor', 'cpuMs')
    check(w <= 1.15 && c <= 1.15, `issue 8: default client (fetch) wall and CPU ≤ 1.15× the fetch floor: ${fmt.x(w)} wall, ${fmt.x(c)} CPU`)
    const r = paired('floor', 'rssBytes')
    check(r <= 1, `issue 8: peak RSS ≤ the fetch floor's: ${fmt.x(r)}`)
  }
  const loop = median(by('cdp').map((r) => r.loopUsPerCall))
  check(loop <= 5, `issue 8: the burst loop (the N calls themselves) ≤ 5 µs per call: ${fmt.us(loop)} µs`)
  if (by('cdp-http').length && by('floor').length) {
    const w = pairedOf('cdp-http', 'floor', 'wallMs')
    const c = pairedOf('cdp-http', 'floor', 'cpuMs')
    check(w <= 0.5 && c <= 0.5, `issue 8: http transport wall and CPU ≤ 0.5× the fetch floor: ${fmt.x(w)} wall, ${fmt.x(c)} CPU`)
  }
  if (by('cdp-http').length && by('floor-http').length) {
    const w = pairedOf('cdp-http', 'floor-http', 'wallMs')
    const c = pairedOf('cdp-http', 'floor-http', 'cpuMs')
    check(w <= 1.25 && c <= 1.25, `issue 8: http transport ≤ 1.25× the node:http floor: ${fmt.x(w)} wall, ${fmt.x(c)} CPU`)
  }
  return lines.join('\n')
}
