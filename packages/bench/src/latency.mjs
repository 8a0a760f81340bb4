/**
 * The latency benchmark (issue 13): the API is RTT ms away (the sink delays every answer) and
 * the calls come at a fixed rate, as on a busy server. Every contender runs with its defaults
 * (`cdp:20` is ours with `flushAt: 20, maxBatchSize: 20`: fixed-size requests, the shape before
 * backlog coalescing). Two parts, both written into BENCHMARKS.md:
 *
 * 1. Paced: `--rate` calls/s for `--seconds` s at each `--rtt`: events arrived by the end of the
 *    calls, sustained events/s, p50/p99 call-to-arrival, close() time, requests, sockets, drops.
 * 2. Highest sustained rate (`--max-rtt`, skipped with `--max-rates ''`): each contender at
 *    rising rates for `--max-seconds` s; the highest where every event arrived, p99 ≤ 5 s and
 *    the calls kept their pace (≥ 97% of the rate). Stops at a contender's first failing rate.
 *
 *   node src/latency.mjs [--rtt 60,150] [--rate 8000] [--seconds 10]
 *                        [--contenders cdp,cdp:20,segment,customerio,posthog]
 *                        [--max-rtt 60] [--max-rates 8000,16000,...,64000] [--max-seconds 30]
 *                        [--max-contenders cdp,segment,customerio,posthog] [--timeout 300] [--json f] [--dry-run]
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { contenders } from './contenders.mjs'
import { fmt, machine, table, writeSection } from './report.mjs'
import { runChild } from './run-child.mjs'
import { startSink } from './sink-client.mjs'

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rtt: { type: 'string', default: '60,150' },
    rate: { type: 'string', default: '8000' },
    seconds: { type: 'string', default: '10' },
    contenders: { type: 'string', default: 'cdp,cdp:20,segment,customerio,posthog' },
    'max-rtt': { type: 'string', default: '60' },
    'max-rates': { type: 'string', default: '8000,16000,24000,32000,40000,48000,56000,64000' },
    'max-seconds': { type: 'string', default: '30' },
    'max-contenders': { type: 'string', default: 'cdp,segment,customerio,posthog' },
    timeout: { type: 'string', default: '300' },
    json: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
})
const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
const P99_LIMIT_MS = 5000
const PACE_KEPT = 0.97

/** `cdp:20` → ours with fixed requests of 20; a plain name → that SDK's defaults. */
function parseContender(spec) {
  const [name, size] = spec.split(':')
  if (!contenders[name]) throw new Error(`unknown contender ${name}; known: ${Object.keys(contenders).join(', ')}`)
  const batch = size ? { kind: 'count', flushAt: Number(size) } : { kind: 'default' }
  const label = size ? `${contenders[name].label}, flushAt = maxBatchSize = ${size}` : `${contenders[name].label}, defaults`
  return { spec, name, batch, label }
}

const paced = list(args.contenders).map(parseContender)
const maxed = list(args['max-contenders']).map(parseContender)
const rtts = list(args.rtt).map(Number)
const rate = Number(args.rate)
const seconds = Number(args.seconds)
const maxRates = list(args['max-rates']).map(Number)
const timeoutMs = Number(args.timeout) * 1000 + Math.max(seconds, Number(args['max-seconds'])) * 1000
const started = Date.now()

const sink = await startSink()
const results = []

async function runPaced(contender, rttMs, ratePerSecond, durationSeconds) {
  const n = Math.round(ratePerSecond * durationSeconds)
  const { closed, done, stats, error } = await runChild(
    sink,
    { contender: contender.name, n, mode: 'rate', rate: ratePerSecond, batch: contender.batch },
    { timeoutMs, rttMs },
  )
  const callsMs = closed ? closed.callsEndAt - closed.startAt : NaN
  const result = {
    contender: contender.spec,
    rttMs,
    rate: ratePerSecond,
    seconds: durationSeconds,
    n,
    callsPerSecond: (n / callsMs) * 1000,
    arrivedByEnd: stats.arrivedBy ?? NaN,
    sustained: ((stats.arrivedBy ?? NaN) / callsMs) * 1000,
    p50Ms: stats.p50Ms ?? NaN,
    p99Ms: stats.p99Ms ?? NaN,
    closeMs: closed ? closed.closedAt - closed.callsEndAt : NaN,
    requests: stats.requests,
    sockets: stats.sockets,
    delivered: stats.unique,
    dropped: stats.lost,
    duplicates: stats.duplicates,
    cpuMs: done ? (done.cpuUserUs + done.cpuSystemUs) / 1000 : NaN,
    rssBytes: done ? done.maxRssKb * 1024 : NaN,
    ...(stats.noTimestamp ? { noTimestamp: stats.noTimestamp } : {}),
    ...(error ? { error } : {}),
  }
  results.push(result)
  console.error(
    `${contender.spec.padEnd(11)} rtt ${rttMs} ms, ${ratePerSecond}/s × ${durationSeconds} s: arrived by end ${fmt.int(result.arrivedByEnd)}/${fmt.int(n)}, p99 ${fmt.int(result.p99Ms)} ms, close ${fmt.s(result.closeMs)} s, ${result.requests} req, ${result.sockets} sockets, dropped ${result.dropped}${error ? `, ${error}` : ''}`,
  )
  return result
}

const passes = (r) => !r.error && r.dropped === 0 && r.p99Ms <= P99_LIMIT_MS && r.callsPerSecond >= PACE_KEPT * r.rate

for (const rttMs of rtts) for (const contender of paced) await runPaced(contender, rttMs, rate, seconds)

const highest = []
const maxRtt = Number(args['max-rtt'])
for (const contender of maxRates.length ? maxed : []) {
  let best
  for (const target of maxRates) {
    const result = await runPaced(contender, maxRtt, target, Number(args['max-seconds']))
    result.search = true
    if (!passes(result)) break
    best = result
  }
  highest.push({ contender, best, tried: results.filter((r) => r.search && r.contender === contender.spec) })
}
sink.stop()

const markdown = render()
console.log(markdown)
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2))
if (!args['dry-run']) writeSection('latency', markdown)

function render() {
  const out = []
  const flags = process.argv.slice(2).filter((arg) => arg !== '--' && arg !== '--dry-run')
  out.push(`## Across a network: ${new Date().toISOString().slice(0, 10)}`)
  out.push('')
  out.push(
    `- Command: \`pnpm --filter @cdp-analytics/bench bench:latency${flags.length ? ` ${flags.join(' ')}` : ''}\` (took ${((Date.now() - started) / 60000).toFixed(1)} min)`,
  )
  out.push(`- Machine: ${machine()}`)
  out.push(
    '- The sink answers every request RTT ms late; an event *arrives* when its request is answered. Calls come at a fixed rate on a 1 ms clock; call-to-arrival is measured from each event\'s own `timestamp`. One run per row. "Sockets" are TCP connections the sink accepted.',
  )
  out.push('')
  for (const rttMs of rtts) {
    out.push(`### ${fmt.int(rate)} events/s for ${seconds} s, API ${rttMs} ms away`)
    out.push('')
    out.push(
      table(
        ['Contender', 'Arrived by end of calls', 'Sustained events/s', 'p50 s', 'p99 s', 'close() s', 'Requests', 'Sockets', 'Dropped'],
        paced.map((contender) => {
          const r = results.find((x) => !x.search && x.rttMs === rttMs && x.contender === contender.spec)
          return [
            contender.label + (r.error ? ` (${r.error})` : ''),
            `${fmt.int(r.arrivedByEnd)} (${((100 * r.arrivedByEnd) / r.n).toFixed(1)}%)`,
            fmt.int(r.sustained),
            fmt.s(r.p50Ms),
            fmt.s(r.p99Ms),
            fmt.s(r.closeMs),
            fmt.int(r.requests),
            fmt.int(r.sockets),
            fmt.int(r.dropped),
          ]
        }),
      ),
    )
    out.push('')
  }
  if (highest.length) {
    out.push(`### Highest rate sustained for ${args['max-seconds']} s, API ${maxRtt} ms away (p99 ≤ 5 s, nothing dropped, pace kept)`)
    out.push('')
    out.push(
      table(
        ['Contender', 'Highest passing rate /s', 'p99 s there', 'Sockets there', 'First failing rate', 'Why it failed'],
        highest.map(({ contender, best, tried }) => {
          const failed = tried.find((r) => !passes(r))
          const why = failed
            ? [
                failed.error,
                failed.dropped ? `${fmt.int(failed.dropped)} dropped` : '',
                failed.p99Ms > P99_LIMIT_MS ? `p99 ${fmt.s(failed.p99Ms)} s` : '',
                failed.callsPerSecond < PACE_KEPT * failed.rate ? `calls kept ${fmt.int(failed.callsPerSecond)}/s` : '',
              ]
                .filter(Boolean)
                .join(', ')
            : '–'
          return [
            contender.label,
            best ? fmt.int(best.rate) : `< ${fmt.int(maxRates[0])}`,
            best ? fmt.s(best.p99Ms) : '–',
            best ? fmt.int(best.sockets) : '–',
            failed ? fmt.int(failed.rate) : `none up to ${fmt.int(maxRates.at(-1))}`,
            why,
          ]
        }),
      ),
    )
    out.push('')
  }
  out.push(targets())
  return out.join('\n')
}

/** The targets of issue 13, on the default client. */
function targets() {
  const ours = results.find((r) => !r.search && r.contender === 'cdp' && r.rttMs === 60 && r.rate === 8000 && r.seconds === 10)
  const lines = ['### Targets of issue 13 (defaults)', '']
  const check = (ok, text) => lines.push(`- ${ok ? '✅' : '❌'} ${text}`)
  if (ours) {
    check(
      ours.arrivedByEnd / ours.n >= 0.95,
      `60 ms, 8,000/s for 10 s: ≥ 95% arrived when the calls stop: ${((100 * ours.arrivedByEnd) / ours.n).toFixed(1)}%`,
    )
    check(ours.p99Ms <= 1500, `p99 call-to-arrival ≤ 1.5 s: ${fmt.s(ours.p99Ms)} s`)
    check(ours.closeMs <= 2000, `close() afterwards ≤ 2 s: ${fmt.s(ours.closeMs)} s`)
    check(ours.sockets <= 16, `≤ 16 connections opened: ${ours.sockets}`)
    check(ours.dropped === 0, `nothing dropped: ${ours.dropped}`)
  }
  const best = highest.find((h) => h.contender.spec === 'cdp')
  if (best)
    check(
      (best.best?.rate ?? 0) >= 40_000,
      `highest sustained rate at ${maxRtt} ms ≥ 40,000/s: ${best.best ? fmt.int(best.best.rate) : 'none'}/s`,
    )
  return lines.join('\n')
}
