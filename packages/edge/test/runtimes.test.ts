// The core's smoke suite (test/smoke/suite.ts), bundled like an edge build and run inside real
// runtimes: edge-runtime, Deno and Bun, each against the local collector.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startCollector, type Collector } from '@cdp-analytics/node/testing'
import { EdgeRuntime } from 'edge-runtime'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { SmokeResult } from './smoke/suite.js'
import { RESULT_PREFIX } from './smoke/suite.js'
import { bundle } from './helpers/bundle.js'

const run = promisify(execFile)
const WRITE_KEY = 'smoke-write-key'
const bin = (name: string) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname
let collector: Collector
let dir: string

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
  dir = await mkdtemp(join(tmpdir(), 'cdp-edge-smoke-'))
})

afterAll(async () => {
  await collector?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

beforeEach(() => {
  collector.reset()
  // Scripted answers for the suite's first checks: two retryable failures, a success, then a 400.
  collector.enqueueResponses({ status: 503 }, { status: 429, retryAfter: 0 }, {}, { status: 400 })
})

const define = () => ({ __SMOKE_CONFIG__: JSON.stringify({ endpoint: collector.url, writeKey: WRITE_KEY }) })
const entry = (name: string) => new URL(`./smoke/${name}`, import.meta.url).pathname

async function script(name: string, conditions: string[]): Promise<string> {
  const file = join(dir, `${name}.mjs`)
  await writeFile(file, await bundle(entry('cli.ts'), { conditions, define: define() }))
  return file
}

function parse(stdout: string): SmokeResult {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
  if (!line) throw new Error(`no result line in output:\n${stdout}`)
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as SmokeResult
}

/** What every runtime must show, in its own results and at the collector. */
function expectSmoke(result: SmokeResult, { gzip }: { gzip: boolean }) {
  for (const check of result.checks) expect(check, check.name).toMatchObject({ ok: true })
  expect(result.checks.length).toBeGreaterThanOrEqual(11)
  // Everything the collector accepted was valid, and retried messages were not duplicated.
  const accepted = collector.requests.filter((r) => r.status === 200)
  expect(accepted.every((r) => r.valid)).toBe(true)
  expect(collector.duplicateMessageIds().size).toBe(0)
  const compressed = collector.requests.filter((r) => (r.body as { batch?: { event?: string }[] })?.batch?.[0]?.event === 'compressed')
  expect(compressed).toHaveLength(1)
  expect(compressed[0]!.headers['content-encoding']).toBe(gzip ? 'gzip' : undefined)
  // No message ever carries the collector's scripted failures twice, and none came from the rejected ones.
  expect(collector.messages.some((m) => m.event === 'rejected')).toBe(false)
  expect(collector.messages.filter((m) => m.event === 'retried')).toHaveLength(1)
}

describe('core smoke suite in real runtimes', () => {
  it('edge-runtime (Vercel Edge)', async () => {
    const initialCode = await bundle(entry('edge-runtime-entry.ts'), {
      format: 'iife',
      conditions: ['edge-light', 'worker', 'browser'],
      define: define(),
    })
    const runtime = new EdgeRuntime({ initialCode })
    const response = await runtime.dispatchFetch('http://smoke/')
    const result = (await response.json()) as SmokeResult
    await response.waitUntil()
    expect(result.runtime).toEqual({ process: 'undefined', Buffer: 'undefined', CompressionStream: 'undefined' })
    expectSmoke(result, { gzip: false })
  })

  it('Deno', async () => {
    const file = await script('deno', ['deno', 'worker', 'browser'])
    const { stdout } = await run(bin('deno'), ['run', '--allow-net=127.0.0.1', '--no-prompt', file], {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', DENO_DIR: join(dir, 'deno-cache') },
      timeout: 60_000,
    })
    const result = parse(stdout)
    expect(result.runtime.CompressionStream).toBe('function')
    expectSmoke(result, { gzip: true })
  })

  it('Bun', async () => {
    const file = await script('bun', ['bun', 'worker', 'browser'])
    const { stdout } = await run(bin('bun'), ['run', file], { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
    const result = parse(stdout)
    expect(result.runtime.CompressionStream).toBe('function')
    expectSmoke(result, { gzip: true })
  })
})
