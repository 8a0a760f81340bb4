// The page script for `@cdp-analytics/browser`, bundled from the package's build as a user's bundler would.
import { Analytics } from '@cdp-analytics/browser'
import { harness } from './harness.mjs'

harness({
  start: ({ writeKey, endpoint, options }) => new Analytics({ writeKey, endpoint, ...options }),
  track: (client, properties) => client.track({ anonymousId: 'a-1', event: 'Clicked', properties }),
})
