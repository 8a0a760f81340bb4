// Graceful shutdown (issue 11): closeOnSignals delivers what is queued when a server gets SIGTERM
// or SIGINT, then the process ends as the signal would have ended it. And the serverless pattern:
// await flush() per invocation, with nothing left holding the event loop.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { collector, WRITE_KEY } from './helpers/setup.js'

const server = fileURLToPath(new URL('./fixtures/server-with-signals.mjs', import.meta.url))
const inFlight = fileURLToPath(new URL('./fixtures/server-in-flight.mjs', import.meta.url))
const lambda = fileURLToPath(new URL('./fixtures/lambda-invoke.mjs', import.meta.url))

function start(script: string, args: string[]) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal, stdout, stderr }))
  /** Resolves with the match once stdout matches `pattern`. */
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      const check = () => {
        const match = pattern.exec(stdout)
        if (!match) return
        child.stdout.off('data', check)
        resolve(match)
      }
      child.stdout.on('data', check)
      check()
    })
  const ready = waitFor(/ready/).then(() => undefined)
  return { child, exited, ready, waitFor }
}

describe('closeOnSignals', () => {
  it.each([
    // mode, signal, messages that arrive, how the process ends
    ['helper', 'SIGTERM', 5, { code: null, signal: 'SIGTERM' }],
    ['helper', 'SIGINT', 5, { code: null, signal: 'SIGINT' }],
    ['own-handler', 'SIGTERM', 5, { code: 0, signal: null }], // the app's handler closes the server; the process ends by itself
    ['none', 'SIGTERM', 0, { code: null, signal: 'SIGTERM' }], // without it the queued events are lost
  ] as const)('%s: on %s, %i queued events arrive, then the process ends as %o', async (mode, signal, arrive, ending) => {
    const local = await collector()
    const { child, exited, ready } = start(server, [local.url, WRITE_KEY, mode])
    await ready
    expect(local.requests).toHaveLength(0) // still queued: flushInterval is 60 s
    child.kill(signal)
    const result = await exited
    expect(result.stderr).toBe('')
    expect({ code: result.code, signal: result.signal }).toEqual(ending)
    expect(local.messages).toHaveLength(arrive)
    if (mode !== 'none') expect(result.stdout).toContain(`closed on ${signal}`)
  })
})

describe('closeOnSignals with beforeClose', () => {
  /** Starts the in-flight server and a request to /slow, and sends SIGTERM while it is being handled. */
  async function sigtermDuringRequest(mode: 'server-close' | 'no-hook' | 'hanging-hook') {
    const local = await collector()
    const server = start(inFlight, [local.url, WRITE_KEY, mode])
    const [, url] = await server.waitFor(/ready (\S+)/)
    const response = fetch(`${url}/slow`).then(
      async (answer) => `${answer.status} ${await answer.text()}`,
      (error: Error) => `no answer (${error.message})`,
    )
    await server.waitFor(/handling \/slow/)
    const signalled = Date.now()
    server.child.kill('SIGTERM')
    return { local, response, exited: server.exited, signalled }
  }

  it('waits for the server to answer the request in progress, so its event is delivered too; then SIGTERM ends the process', async () => {
    const { local, response, exited } = await sigtermDuringRequest('server-close')
    expect(await response).toBe('200 done')
    const result = await exited
    expect(result.stderr).toBe('')
    expect({ code: result.code, signal: result.signal }).toEqual({ code: null, signal: 'SIGTERM' })
    expect(result.stdout).not.toContain('not delivered')
    expect(result.stdout).toContain('closed on SIGTERM')
    expect(local.messages.map((m) => m.event)).toEqual(['before the signal', 'finished /slow'])
  })

  it('without it, the client closes under the request in progress: its event is lost', async () => {
    const { local, exited } = await sigtermDuringRequest('no-hook')
    const result = await exited
    expect(result.signal).toBe('SIGTERM')
    expect(local.messages.map((m) => m.event)).toEqual(['before the signal'])
  })

  it('a beforeClose that never settles is given up after beforeCloseTimeout: the client still closes and the process ends', async () => {
    const { local, exited, signalled } = await sigtermDuringRequest('hanging-hook')
    const result = await exited
    const took = Date.now() - signalled
    expect(result.stderr).toBe('')
    expect({ code: result.code, signal: result.signal }).toEqual({ code: null, signal: 'SIGTERM' })
    expect(took).toBeGreaterThanOrEqual(200) // beforeCloseTimeout was waited for
    expect(took).toBeLessThan(15_000) // and no longer: the process did not hang (it would, for ever)
    // The event of the request finished while the hook was waited for (300 ms > 200 ms) is lost;
    // what was queued at the signal is delivered.
    expect(local.messages.map((m) => m.event)).toContain('before the signal')
  })
})

describe('serverless (Lambda-style handler)', () => {
  it('await flush() per invocation delivers that invocation’s events; nothing holds the process after', async () => {
    const local = await collector()
    const started = Date.now()
    const { exited } = start(lambda, [local.url, WRITE_KEY])
    const result = await exited
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    // Each invocation found its own events at the collector when its flush() settled.
    expect(result.stdout).toBe('invocation 1: 2 delivered\ninvocation 2: 4 delivered\n')
    expect(local.messages.map((m) => m.event)).toEqual(['order 1', 'receipt 1', 'order 2', 'receipt 2'])
    // The handler's flushInterval is 60 s: exiting well before shows no timer held the event loop.
    expect(Date.now() - started).toBeLessThan(15_000)
  })
})
