/**
 * Options nobody reads: a misspelt one (`flushat`, `flush_interval`) is ignored silently, and the
 * client runs with the default the user meant to change (issue 20). Each is warned about once per
 * process, naming the nearest known option.
 */
import { type AnalyticsOptions, INTEGER_OPTIONS } from './options.js'

/** The core's options besides the integers (INTEGER_OPTIONS' keys), as one string. */
const NAMES =
  'writeKey region endpoint retryBackoff defaultContext integrations headers logger verbose strict strictMode disable compress plan undeclaredEvents limits transport generateId now' as const

/** The core's options; adapters add their own (`flushOnExit`, `waitUntil`). */
export const OPTION_NAMES: readonly string[] = [...NAMES.split(' '), ...Object.keys(INTEGER_OPTIONS)]

// Types only: tsc fails here when AnalyticsOptions gains an option these lack, or they name one it has not.
type Words<S extends string> = S extends `${infer Word} ${infer Rest}` ? Word | Words<Rest> : S
type Same<A, B> = [Exclude<A, B> | Exclude<B, A>] extends [never] ? true : false
type Holds<T extends true> = T
// biome-ignore lint/correctness/noUnusedVariables: a check for tsc, never used
type OptionNamesAreComplete = Holds<Same<Words<typeof NAMES> | keyof typeof INTEGER_OPTIONS, keyof AnalyticsOptions>>

/** Names already warned about in this process: a client made per request warns once, not per request. */
const warned = new Set<string>()

/** One line per option of `options` that is not in `known` and was not warned about yet. */
export function unknownOptionWarnings(options: object, known: readonly string[]): string[] {
  const lines: string[] = []
  for (const name of Object.keys(options)) {
    if (known.includes(name) || warned.has(name)) continue
    warned.add(name)
    const near = nearestName(name, known)
    lines.push(`unknown option ${JSON.stringify(name)} is ignored${near ? `: did you mean ${near}?` : ''}`)
  }
  return lines
}

/**
 * The known name `name` most likely meant: the same letters in another case or with `_`/`-`
 * (`flush_interval`), or at most a third of its letters away (`flushIntervall`).
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[-_]/g, '')
  let best: string | undefined
  let bestDistance = Math.ceil(plain(name).length / 3) + 1
  for (const candidate of known) {
    const distance = editDistance(plain(name), plain(candidate))
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]!
}
