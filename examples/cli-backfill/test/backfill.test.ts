// Runs backfill.mjs (the `cdp-analytics import FILE --resume FILE.checkpoint` command) against
// the local collector, in a temporary folder with a copy of events.ndjson: first with a wrong write
// key (the import stops, nothing is lost), then with the right one (every line arrives once, keeping
// its timestamp and messageId), then the command itself through node_modules/.bin, as the README
// gives it (nothing is sent twice).
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'

const WRITE_KEY = 'cli-backfill-example'
const here = fileURLToPath(new URL('..', import.meta.url))
const lines = readFileSync(join(here, 'events.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line))
let collector: Collector
let dir: string

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
  dir = mkdtempSync(join(tmpdir(), 'cli-backfill-'))
  copyFileSync(join(here, 'events.ndjson'), join(dir, 'events.ndjson'))
})
afterAll(async () => {
  await collector?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** `node backfill.mjs events.ndjson` (the start script) in the folder `cwd`. */
function runStart(writeKey: string, cwd = dir): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(here, 'backfill.mjs'), 'events.ndjson'], {
    cwd,
    env: { ...process.env, CDP_WRITE_KEY: writeKey, CDP_ENDPOINT: collector.url },
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })))
}

/** `./node_modules/.bin/cdp-analytics ARGS` (the README's direct command) in the folder `cwd`. */
function runCommand(writeKey: string, args: string[], cwd = dir): Promise<{ code: number | null; output: string }> {
  const child = spawn(join(here, 'node_modules', '.bin', 'cdp-analytics'), args, {
    cwd,
    env: { ...process.env, CDP_WRITE_KEY: writeKey, CDP_ENDPOINT: collector.url },
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })))
}

it('a wrong write key stops the import with exit 1; the re-run delivers every line once; a third run sends nothing', async () => {
  const failed = await runStart('not-the-key')
  expect(failed.code).toBe(1)
  expect(collector.messages).toHaveLength(0) // the collector answered 401 to the batch
  expect(existsSync(join(dir, 'events.ndjson.checkpoint'))).toBe(true)

  collector.reset()
  const done = await runStart(WRITE_KEY)
  expect(done.code, done.output).toBe(0)
  expect(done.output).toMatch(/delivered\D*10/)
  expect(collector.messages.map((m) => [m.type, m.messageId, m.timestamp])).toEqual(lines.map((l) => [l.type, l.messageId, l.timestamp]))
  expect(collector.messages[9]).toMatchObject({ integrations: { All: false, 'Customer.io': true } })
  expect(collector.requests.every((r) => r.valid)).toBe(true)

  // The README's third command: the workspace's own bin, run directly, with the same checkpoint.
  collector.reset()
  const again = await runCommand(WRITE_KEY, [
    'import',
    'events.ndjson',
    '--resume',
    'events.ndjson.checkpoint',
    '--rejected',
    'events.ndjson.rejected.ndjson',
  ])
  expect(again.code, again.output).toBe(0)
  expect(again.output).toContain('skipped 10 (already done, per the checkpoint)')
  expect(collector.requests).toHaveLength(0)
}, 20_000)

it('a line the API would refuse is reported with its line number and written to the rejected file; the others arrive (exit 3)', async () => {
  collector.reset()
  const other = mkdtempSync(join(tmpdir(), 'cli-backfill-rejected-'))
  try {
    const bad = '{"type":"track","userId":"u-1","properties":{}}' // no "event"
    writeFileSync(join(other, 'events.ndjson'), `${JSON.stringify(lines[0])}\n${bad}\n${JSON.stringify(lines[1])}\n`)
    const run = await runStart(WRITE_KEY, other)
    expect(run.code, run.output).toBe(3)
    expect(run.output).toMatch(/line 2\b.*event/)
    expect(readFileSync(join(other, 'events.ndjson.rejected.ndjson'), 'utf8')).toBe(`${bad}\n`)
    expect(collector.messages.map((m) => m.messageId)).toEqual(['backfill-0001', 'backfill-0002'])
  } finally {
    rmSync(other, { recursive: true, force: true })
  }
}, 20_000)
