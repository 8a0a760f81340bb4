// The part of both page scripts that is not the SDK: `window.benchStart` (the options the page was
// served with) starts a client on load, and the bench drives it through `window.bench`. Every
// pageshow's `persisted` is kept, so the bench can tell a page restored from the back/forward cache
// from one loaded anew.

/** `start(options)` returns the client (or a promise of it); `track(client, properties)` sends one event. */
export function harness({ start, track }) {
  window.shows = []
  addEventListener('pageshow', (event) => window.shows.push(event.persisted))
  window.bench = { ready: false, error: undefined }
  const options = window.benchStart
  if (!options) return
  Promise.resolve()
    .then(() => start(options))
    .then(
      (client) => {
        window.bench.track = (prefix, count, padding) => {
          for (let i = 0; i < count; i++) {
            track(client, padding ? { bench_id: `${prefix}-${i}`, padding: 'x'.repeat(padding) } : { bench_id: `${prefix}-${i}` })
          }
        }
        window.bench.ready = true
      },
      (error) => {
        window.bench.error = String(error?.stack ?? error)
      },
    )
}
