// The page script for analytics-next. `cdnSettings` comes in whole from the bench (see segmentSettings()
// in run.mjs), so the page never asks Segment's CDN for settings: this machine cannot reach it.
import { AnalyticsBrowser } from '@segment/analytics-next'
import { harness } from './harness.mjs'

harness({
  start: async ({ writeKey, cdnSettings }) => {
    const [analytics] = await AnalyticsBrowser.load({ writeKey, cdnSettings })
    return analytics
  },
  track: (analytics, properties) => void analytics.track('Clicked', properties),
})
