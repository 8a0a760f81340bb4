/**
 * Shared by the runners: medians, markdown tables, the machine line, and BENCHMARKS.md, whose
 * sections each runner replaces between its own markers so one never erases the other.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

export const BENCHMARKS_MD = fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url))

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n')
}

export function machine() {
  let model = cpus()[0]?.model ?? 'unknown cpu'
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return `${model}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}`
}

const TEMPLATE = `# Benchmarks

Side-by-side comparison of cdp-analytics with the SDKs users would pick instead, and a floor
(plain \`JSON.stringify\` + \`fetch\`). How to run it and how to read each column:
[packages/bench/README.md](packages/bench/README.md). These machines are noisy: read the
ratios and medians, never a lone absolute time.

<!-- e2e:start -->
<!-- e2e:end -->

<!-- latency:start -->
<!-- latency:end -->

<!-- enqueue:start -->
<!-- enqueue:end -->

<!-- size:start -->
<!-- size:end -->
`

/** Replaces the section between `<!-- name:start -->` and `<!-- name:end -->`. */
export function writeSection(name, body, file = BENCHMARKS_MD) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : TEMPLATE
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  if (!text.includes(start)) text += `\n${start}\n${end}\n`
  const before = text.slice(0, text.indexOf(start) + start.length)
  const after = text.slice(text.indexOf(end))
  writeFileSync(file, `${before}\n${body.trim()}\n${after}`)
}

export const fmt = {
  s: (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–'),
  us: (v) => (Number.isFinite(v) ? v.toFixed(1) : '–'),
  mb: (bytes) => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(1) : '–'),
  int: (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–'),
  x: (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–'),
}
