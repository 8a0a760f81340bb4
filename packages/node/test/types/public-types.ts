// Compiled by tsc in test/types.test.ts: each `@ts-expect-error` must be an error, and every other
// line must compile. These are the public types a user writes against.
import { Analytics, type AnalyticsError, type Message } from '../../src/index.js'

const analytics = new Analytics({ writeKey: 'wk' })

// On success the callback's message is a Message, not Message | undefined.
analytics.track({ userId: 'u', event: 'e' }, (error, message) => {
  if (!error) {
    const delivered: Message = message
    void delivered.messageId
  } else {
    const reason: string = error.reason
    // @ts-expect-error on failure the message may be missing (invalid input, closed client)
    const maybe: Message = message
    void [reason, maybe]
  }
})

// A callback written with the wide signature still fits, and so do ones that read less.
const wide = (error: AnalyticsError | undefined, message: Message | undefined) => void [error, message]
analytics.identify({ userId: 'u' }, wide)
analytics.track({ userId: 'u', event: 'e' }, (error) => void error?.reason)
analytics.track({ userId: 'u', event: 'e' }, () => {})
const onlyError = (error: AnalyticsError | undefined) => void error
analytics.page({ userId: 'u' }, onlyError)
// @ts-expect-error the error is an AnalyticsError or undefined, never a string
analytics.track({ userId: 'u', event: 'e' }, (error: string) => void error)

// `request` and `retry` events count messages under a name that says so.
analytics.on('request', ({ messageCount, bytes }) => void [messageCount.toFixed(), bytes])
analytics.on('retry', ({ messageCount, delay }) => void [messageCount.toFixed(), delay])
// @ts-expect-error `messages` read as an array; the count is `messageCount`
analytics.on('request', ({ messages }) => void messages)

// @ts-expect-error maxBatchSize is a number
void new Analytics({ writeKey: 'wk', maxBatchSize: '1000' })
