/**
 * The CLI's flags, in one table: `util.parseArgs` reads them (Node's own parser, no dependency)
 * and `--help` is generated from the same rows, so the help cannot miss a flag.
 */
import { parseArgs } from 'node:util'
import { nearestName } from '@cdp-analytics/core'

export const EXIT = {
  ok: 0,
  /** Not delivered (send), or the import stopped on a delivery failure: re-run to resume. */
  failed: 1,
  /** Bad flags or input that cannot be read. */
  usage: 2,
  /** The import finished, but some lines were rejected (see the summary / --rejected file). */
  rejected: 3,
  /** Stopped by Ctrl-C (SIGINT) after what was in flight. */
  interrupted: 130,
} as const

export class UsageError extends Error {}

type Scope = 'all' | 'send' | 'import' | 'forward'
interface Flag {
  type: 'string' | 'boolean'
  scope: Scope
  value?: string
  help: string
  short?: string
  /** Said when the flag is given to a command that does not take it. */
  elsewhere?: string
}

export const FLAGS = {
  'write-key': { type: 'string', scope: 'all', value: 'KEY', help: 'API key of the HTTP source (default: $CDP_WRITE_KEY)' },
  endpoint: {
    type: 'string',
    scope: 'all',
    value: 'URL',
    help: "API base URL, for a proxy or a local collector (default: $CDP_ENDPOINT, else the region's URL)",
  },
  region: {
    type: 'string',
    scope: 'all',
    value: 'us|eu',
    help: "your workspace's data center (default: $CDP_REGION, else us); data sent to the wrong one is dropped",
  },
  'max-retries': {
    type: 'string',
    scope: 'all',
    value: 'N',
    help: 'retries per request after the first attempt (default 10; forward: until the API answers)',
  },
  'request-timeout': { type: 'string', scope: 'all', value: 'MS', help: 'per-request timeout in ms (default 10000)' },
  help: { type: 'boolean', scope: 'all', short: 'h', help: 'show this help' },
  version: { type: 'boolean', scope: 'all', short: 'v', help: 'print the version' },
  // send
  'user-id': { type: 'string', scope: 'send', value: 'ID', help: 'userId (alias: the new id)' },
  'anonymous-id': { type: 'string', scope: 'send', value: 'ID', help: 'anonymousId' },
  event: { type: 'string', scope: 'send', value: 'NAME', help: 'event name (track)' },
  properties: { type: 'string', scope: 'send', value: 'JSON', help: 'properties object (track, page, screen)' },
  traits: { type: 'string', scope: 'send', value: 'JSON', help: 'traits object (identify, group)' },
  'group-id': { type: 'string', scope: 'send', value: 'ID', help: 'groupId (group; track for a group)' },
  'object-type-id': { type: 'string', scope: 'send', value: 'ID', help: 'objectTypeId (group), e.g. "1"' },
  'previous-id': { type: 'string', scope: 'send', value: 'ID', help: 'previousId (alias)' },
  name: { type: 'string', scope: 'send', value: 'NAME', help: 'page or screen name' },
  category: { type: 'string', scope: 'send', value: 'NAME', help: 'page or screen category' },
  context: { type: 'string', scope: 'send', value: 'JSON', help: 'context object' },
  integrations: { type: 'string', scope: 'send', value: 'JSON', help: 'integrations object, e.g. {"All":false}' },
  timestamp: { type: 'string', scope: 'send', value: 'TIME', help: 'when it happened, RFC 3339 with a zone (default: now)' },
  'message-id': { type: 'string', scope: 'send', value: 'ID', help: 'messageId, for de-duplication (default: generated)' },
  timeout: {
    type: 'string',
    scope: 'send',
    value: 'S',
    help: 'give up when not delivered within S seconds, retries included (default 30)',
    elsewhere: 'the per-request timeout is --request-timeout MS',
  },
  // import
  resume: {
    type: 'string',
    scope: 'import',
    value: 'FILE',
    help: 'checkpoint file (created when missing): a re-run of the same command skips every line that already has an outcome',
  },
  rejected: { type: 'string', scope: 'import', value: 'FILE', help: 'write the rejected lines there, as they were, for a re-run' },
  rate: { type: 'string', scope: 'import', value: 'N', help: 'send at most N messages a second' },
  'dry-run': { type: 'boolean', scope: 'import', help: 'validate every line, send nothing (not with --resume or --rate)' },
  'batch-size': { type: 'string', scope: 'import', value: 'N', help: 'most messages one request carries (default 1000)' },
  'progress-interval': {
    type: 'string',
    scope: 'import',
    value: 'S',
    help: 'seconds between progress lines when stderr is not a terminal (default 10; 0: none)',
  },
  quiet: { type: 'boolean', scope: 'import', short: 'q', help: 'no progress output, only the summary' },
  // forward
  stream: { type: 'string', scope: 'forward', value: 'KEY', help: 'the stream to deliver (default cdp:events)' },
  group: { type: 'string', scope: 'forward', value: 'NAME', help: 'the consumer group every forwarder joins (default cdp-forwarders)' },
  consumer: { type: 'string', scope: 'forward', value: 'NAME', help: "this forwarder's name in the group (default: host-pid-random)" },
  'dead-letter-stream': {
    type: 'string',
    scope: 'forward',
    value: 'KEY',
    help: 'where undeliverable entries go, with their error (default <stream>:dead)',
  },
  'claim-idle': {
    type: 'string',
    scope: 'forward',
    value: 'MS',
    help: 'take over entries a dead forwarder held this long (default 30000)',
  },
  'max-deliveries': {
    type: 'string',
    scope: 'forward',
    value: 'N',
    help: 'an entry delivered more often goes to the dead-letter stream (default 10)',
  },
  'read-count': { type: 'string', scope: 'forward', value: 'N', help: 'entries per XREADGROUP (default 1000)' },
  'max-held': { type: 'string', scope: 'forward', value: 'N', help: 'entries held in memory at once; reading waits beyond (default 5000)' },
  'stats-interval': {
    type: 'string',
    scope: 'forward',
    value: 'S',
    help: 'seconds between stats lines on stdout (default 10; 0: none)',
  },
} satisfies Record<string, Flag>

export type FlagName = keyof typeof FLAGS
export type Values = Partial<Record<FlagName, string | boolean>>

export function parse(argv: string[]): { positionals: string[]; values: Values } {
  const options = Object.fromEntries(
    Object.entries(FLAGS).map(([name, flag]) => [name, { type: flag.type, ...('short' in flag ? { short: flag.short } : {}) }]),
  ) as Record<string, { type: 'string' | 'boolean'; short?: string }>
  try {
    const { positionals, values } = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
    return { positionals, values: values as Values }
  } catch (error) {
    throw new UsageError(parseErrorText(error as Error & { code?: string }))
  }
}

/**
 * util.parseArgs's errors in the CLI's words: its unknown-option text ends in advice about
 * positionals with an unbalanced quote (`as in '-- "--version"`), which misleads more than it helps.
 */
export function parseErrorText(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1]
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const near = nearestFlag(option.replace(/^-+/, ''))
    return `unknown flag ${option}${near ? ` (did you mean --${near}?)` : ''}`
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `${option} needs a value`
  return error.message
}

/** The flag `name` most likely meant (a typo, another case, `_` for `-`): the core's rule for option names. */
export function nearestFlag(name: string): FlagName | undefined {
  return nearestName(name, Object.keys(FLAGS)) as FlagName | undefined
}

/** Flags given that the command does not take. */
export function checkScope(values: Values, scope: 'send' | 'import' | 'forward'): void {
  for (const name of Object.keys(values) as FlagName[]) {
    const flag: Flag = FLAGS[name]
    if (flag.scope !== 'all' && flag.scope !== scope) {
      throw new UsageError(`--${name} is not a flag of "${scope}"${flag.elsewhere ? ` (${flag.elsewhere})` : ''}`)
    }
  }
}

/**
 * Flags that contradict each other, with the reason: the command refuses them rather than let one
 * silently win (a dry run that ignored --resume looked like it had checked what a re-run would do).
 */
export const CONFLICTS: readonly [FlagName, FlagName, string][] = [
  [
    'dry-run',
    'resume',
    'a dry run sends nothing, so it must not write a checkpoint that a real run would then skip past; drop --resume to validate the whole file',
  ],
  ['dry-run', 'rate', 'a dry run sends nothing, so there is nothing to pace; drop --rate'],
]

/** Throws a UsageError naming the first pair of contradicting flags given together. */
export function checkConflicts(values: Values): void {
  for (const [first, second, why] of CONFLICTS) {
    if (values[first] !== undefined && values[second] !== undefined) {
      throw new UsageError(`--${first} and --${second} cannot be used together: ${why}`)
    }
  }
}

export function integerFlag(values: Values, name: FlagName, min: number): number | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer of at least ${min} (got ${JSON.stringify(raw)})`)
  }
  return value
}

export function numberFlag(values: Values, name: FlagName, min: number): number | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value) || value < min) {
    throw new UsageError(`--${name} must be a number of at least ${min} (got ${JSON.stringify(raw)})`)
  }
  return value
}

export function jsonFlag(values: Values, name: FlagName): Record<string, unknown> | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(String(raw))
  } catch (error) {
    throw new UsageError(`--${name} is not JSON: ${(error as Error).message}`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--${name} must be a JSON object such as '{"plan":"pro"}'`)
  }
  return parsed as Record<string, unknown>
}

export function stringFlag(values: Values, name: FlagName): string | undefined {
  const raw = values[name]
  return typeof raw === 'string' ? raw : undefined
}

const USAGE = `Usage:
  cdp-analytics send <identify|track|page|screen|group|alias> [flags]
  cdp-analytics import <FILE.ndjson | -> [flags]
  cdp-analytics forward <redis://HOST:PORT> [flags]

send     one call; waits for its outcome (at most --timeout), printing each retry on stderr. Exit 0
         when delivered, otherwise prints the reason and exits 1; after Ctrl-C says what was not
         delivered and exits 130.
import   backfill: each line of the file (or stdin with -) is one message with a "type" field,
         keeping its timestamp and messageId. Prints a summary; exit 0 when every line was delivered,
         3 when some lines were rejected (in this run or, with --resume, in earlier ones), 1 when
         delivery failed (re-run with the same --resume to continue), 130 after Ctrl-C (stops after
         what is in flight and writes the checkpoint).
forward  deliver a Redis stream that apps fill with createRedisStreamTransport (@cdp-analytics/node/redis),
         as one consumer of a group that any number of forwarders join; runs until SIGTERM or Ctrl-C,
         then delivers what it holds and exits 0 (1 when the API refuses the write key or endpoint:
         nothing is lost). Needs the ioredis or redis package installed where it runs.

Examples:
  CDP_WRITE_KEY=... cdp-analytics send track --user-id u1 --event "Signed Up" --properties '{"plan":"pro"}'
  cdp-analytics send identify --user-id u1 --traits '{"email":"u1@example.com"}' --timeout 10
  cdp-analytics import events.ndjson --resume events.checkpoint --rejected rejected.ndjson
  zcat events.ndjson.gz | cdp-analytics import - --rate 500
  cdp-analytics forward redis://localhost:6379 --stream cdp:events --region eu

Exit codes: 0 ok, 1 not delivered, 2 bad usage, 3 lines rejected (import), 130 interrupted.`

export function helpText(): string {
  const groups: [Scope, string][] = [
    ['all', 'Flags'],
    ['send', 'send flags'],
    ['import', 'import flags'],
    ['forward', 'forward flags'],
  ]
  const lines = [USAGE]
  for (const [scope, title] of groups) {
    lines.push('', `${title}:`)
    for (const [name, flag] of Object.entries(FLAGS) as [FlagName, Flag][]) {
      if (flag.scope !== scope) continue
      const left = `${flag.short ? `-${flag.short}, ` : '    '}--${name}${flag.value ? ` ${flag.value}` : ''}`
      lines.push(`  ${left.padEnd(30)} ${flag.help}`)
    }
  }
  lines.push('', 'Environment: CDP_WRITE_KEY, CDP_ENDPOINT, CDP_REGION (the flags win).')
  return lines.join('\n')
}
