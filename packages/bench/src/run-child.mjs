/**
 * One run of one contender in a fresh child process (child.mjs) against the sink: starts it,
 * waits for its close() to resolve, then for the sink to hold every event (or for 2 s without a
 * new one), then collects the child's CPU and peak RSS. Shared by run.mjs and latency.mjs.
 */
import { fork } from 'node:child_process'

/**
 * `args` go to child.mjs (contender, n, mode, batch, and for mode 'rate': rate). `rttMs` sets
 * the sink's latency profile. Stats are asked with `until` = the end of the calls (when the
 * child reports it), so the sink can count what had arrived by then.
 */
export async function runChild(sink, args, { timeoutMs, rttMs = 0 }) {
  await sink.call({ cmd: 'reset', n: args.n, rttMs })
  const child = fork(new URL('./child.mjs', import.meta.url), [JSON.stringify({ ...args, url: sink.url })], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)))
  const messages = []
  let wake
  child.on('message', (m) => {
    messages.push(m)
    wake?.()
  })
  child.on('exit', () => wake?.())
  const next = (phase, ms) =>
    new Promise((resolve) => {
      const deadline = setTimeout(() => resolve(undefined), ms)
      const check = () => {
        const found = messages.find((m) => m.phase === phase)
        if (found || child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(deadline)
          wake = undefined
          resolve(found)
        } else {
          wake = check
        }
      }
      check()
    })

  const closed = await next('closed', timeoutMs)
  let error
  if (!closed) error = child.exitCode === null ? 'timed out' : `exited ${child.exitCode}: ${stderr.trim().split('\n').pop()}`
  const query = () => sink.call({ cmd: 'stats' })
  // close() resolved (or gave up): wait for the sink to hold everything, or for 2 s of silence.
  let stats = await query()
  if (closed) {
    let lastChange = Date.now()
    let unique = stats.unique
    while (stats.lost > 0 && Date.now() - lastChange < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      stats = await query()
      if (stats.unique !== unique) {
        unique = stats.unique
        lastChange = Date.now()
      }
    }
    // Answers still delayed by the sink's RTT have not "arrived" yet: let them.
    if (rttMs > 0) await new Promise((resolve) => setTimeout(resolve, rttMs + 20))
    // With the end of the calls, the sink also counts what had arrived by then and the latencies.
    if (closed.callsEndAt !== undefined) stats = await sink.call({ cmd: 'stats', until: closed.callsEndAt })
  }
  child.send?.({ cmd: 'finish' }, () => undefined)
  const done = closed ? await next('done', 10_000) : undefined
  if (child.exitCode === null) child.kill('SIGKILL')
  return { closed, done, stats, error }
}
