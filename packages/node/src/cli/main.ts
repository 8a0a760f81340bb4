#!/usr/bin/env node
/**
 * The `cdp-analytics` command: `send` (one call, waits for its outcome), `import` (a streaming,
 * resumable backfill of NDJSON) and `forward` (delivers a Redis stream). Flags: options.ts;
 * `cdp-analytics --help`.
 */
import { setFlagsFromString } from 'node:v8'
import { ConfigError } from '@cdp-analytics/core'
import { Analytics, type NodeAnalyticsOptions } from '../analytics.js'
import { VERSION } from '../version.js'
import { type ApiSettings, runForward } from './forward.js'
import { runImport } from './import.js'
import { EXIT, helpText, integerFlag, parse, stringFlag, UsageError, type Values } from './options.js'
import { send } from './send.js'

/** The write key, endpoint, region and request settings every command takes, from the flags or the environment. */
function apiSettings(values: Values, dryRun: boolean): ApiSettings {
  const writeKey = stringFlag(values, 'write-key') ?? (process.env.CDP_WRITE_KEY || undefined) ?? (dryRun ? 'dry-run' : undefined)
  if (!writeKey) throw new UsageError('no write key: set CDP_WRITE_KEY or pass --write-key')
  const endpoint = stringFlag(values, 'endpoint') ?? (process.env.CDP_ENDPOINT || undefined)
  const region = stringFlag(values, 'region') ?? (process.env.CDP_REGION || undefined)
  const maxRetries = integerFlag(values, 'max-retries', 0)
  const timeout = integerFlag(values, 'request-timeout', 1)
  return {
    writeKey,
    ...(endpoint ? { endpoint } : {}),
    // The client checks it: anything but us/eu, or an endpoint of the other region, is a ConfigError.
    ...(region ? { region: region as 'us' | 'eu' } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
  }
}

function clientFactory(values: Values, dryRun: boolean) {
  return (overrides: Partial<NodeAnalyticsOptions> = {}): Analytics =>
    new Analytics({ ...apiSettings(values, dryRun), flushOnExit: false, ...overrides })
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parse(argv)
  const [command, target, ...extra] = positionals
  if (values.version) {
    process.stdout.write(`cdp-analytics ${VERSION}\n`)
    return EXIT.ok
  }
  // Help asked for goes to stdout (to page or grep it); help instead of a command is a usage error.
  if (values.help || command === 'help') {
    process.stdout.write(`${helpText()}\n`)
    return EXIT.ok
  }
  if (command === undefined) {
    process.stderr.write(`${helpText()}\n`)
    return EXIT.usage
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`)
  if (command === 'send') return send(target, values, clientFactory(values, false))
  if (command === 'import') {
    // A backfill allocates a few short-lived objects per line. V8's default young generation
    // (16 MB semi-spaces) let RSS climb to 194 MB on a 1 GB file; 4 MB kept it at 184 MB
    // at the same rate (fetch transport; 164 MB with node:http) (BENCHMARKS.md, "Import"). It applies to this process only.
    setFlagsFromString('--max-semi-space-size=4')
    return runImport(target, values, clientFactory(values, values['dry-run'] === true))
  }
  if (command === 'forward') return runForward(target, values, () => apiSettings(values, false))
  throw new UsageError(`unknown command ${JSON.stringify(command)}: use send, import or forward`)
}

// The client's timers are unref'd (a library must not hold a process open); the command waits
// for outcomes across retry back-offs, so it holds the event loop itself until it is done.
setInterval(() => undefined, 2 ** 30)
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`cdp-analytics: ${error.message}\nRun cdp-analytics --help for the flags.\n`)
      process.exit(EXIT.usage)
    }
    process.stderr.write(`cdp-analytics: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`)
    process.exit(EXIT.failed)
  },
)
