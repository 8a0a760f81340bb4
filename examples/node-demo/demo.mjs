// The cdp-analytics demo: sends all six calls and shows what arrived.
//
//   pnpm demo                                   # local collector on 127.0.0.1, no account needed
//   CDP_WRITE_KEY=... pnpm demo                 # your Customer.io workspace (US)
//   CDP_WRITE_KEY=... CDP_REGION=eu pnpm demo    # a workspace in the EU data center (or CDP_ENDPOINT=<url>)
import { Analytics } from '@cdp-analytics/node'
import { startCollector } from '@cdp-analytics/node/testing'

const LOCAL_KEY = 'demo-write-key'
const writeKey = process.env.CDP_WRITE_KEY
const collector = writeKey ? undefined : await startCollector({ writeKey: LOCAL_KEY })
const endpoint = collector?.url ?? (process.env.CDP_ENDPOINT || undefined)
const region = collector ? undefined : process.env.CDP_REGION || undefined

const analytics = new Analytics({ writeKey: writeKey ?? LOCAL_KEY, endpoint, region, flushInterval: 1000 })
console.log(
  collector
    ? `Local collector listening at ${collector.url} (set CDP_WRITE_KEY to send to Customer.io)`
    : `Sending to ${endpoint ?? (region === 'eu' ? 'https://cdp-eu.customer.io' : 'https://cdp.customer.io')}`,
)
const outcomes = []
const report = (call) => (error, message) => outcomes.push({ call, error, messageId: message?.messageId })

// The calls from Customer.io's own examples (the issue's public API).
analytics.identify(
  { userId: '019mr8mf4r', traits: { name: 'Cool Person', email: 'cool.person@example.com', plan: 'Enterprise' } },
  report('identify'),
)
analytics.track({ userId: 'f4ca124298', event: 'added_to_cart', properties: { product: 'shoes', price: 39.95 } }, report('track'))
analytics.page(
  { userId: '019mr8mf4r', name: 'Customer.io CDP', category: 'Docs', properties: { url: 'https://customer.io/cdp/' } },
  report('page'),
)
analytics.screen({ userId: '019mr8mf4r', name: 'Home', properties: { variation: 'blue' } }, report('screen'))
analytics.group(
  { userId: '019mr8mf4r', groupId: '56', objectTypeId: '1', traits: { name: 'Acme Inc', industry: 'Technology', employees: 420 } },
  report('group'),
)
analytics.alias({ previousId: 'anon-9f2c', userId: '019mr8mf4r' }, report('alias'))

await analytics.close({ timeout: 10_000 })

for (const { call, error, messageId } of outcomes) {
  console.log(`${error ? 'FAILED   ' : 'delivered'} ${call.padEnd(8)} ${messageId ?? ''}${error ? `  ${error.message}` : ''}`)
}

let ok = outcomes.length === 6 && outcomes.every((o) => !o.error)
if (collector) {
  console.log(`\nThe collector received ${collector.requests.length} request(s):`)
  for (const request of collector.requests) {
    const verdict = request.valid ? 'valid against batch.schema.json' : `INVALID: ${request.errors.join('; ')}`
    console.log(`  POST ${request.path}  ${request.bytes} bytes  -> ${request.status}  ${verdict}`)
    ok &&= request.valid
  }
  for (const message of collector.messages) {
    const who = message.userId ?? message.anonymousId
    const what = message.event ?? message.name ?? message.groupId ?? message.previousId ?? ''
    console.log(`  ${String(message.type).padEnd(8)} ${String(who).padEnd(11)} ${what}`)
  }
  ok &&= collector.messages.length === 6
  await collector.close()
}

console.log(ok ? '\nAll 6 messages delivered and valid.' : '\nSomething went wrong: see above.')
process.exitCode = ok ? 0 : 1
