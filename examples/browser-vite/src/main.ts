// One client per page load: it also sends what an earlier page of this site could not send before
// it went (kept in localStorage), with the original messageIds.
import { Analytics } from '@cdp-analytics/browser'

const analytics = new Analytics({
  // A JavaScript source's write key: it is public in any page, so never a server key.
  writeKey: import.meta.env.VITE_CDP_WRITE_KEY ?? 'your-js-source-write-key',
  // Unset: Customer.io (US); set VITE_CDP_ENDPOINT for a proxy or the local collector.
  endpoint: import.meta.env.VITE_CDP_ENDPOINT || undefined,
  // The anonymousId stays in memory (this page only) until the visitor consents to more.
  identity: 'memory',
})

analytics.page({ name: document.title })

document.querySelector('#buy')?.addEventListener('click', () => {
  // No preventDefault, no waiting: the browser navigates at once, and the event still arrives.
  analytics.track({ event: 'Clicked Buy', properties: { plan: 'pro' } })
})
