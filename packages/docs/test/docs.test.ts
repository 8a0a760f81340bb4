// The API reference check: `pnpm docs` (TypeDoc over core, node and edge, typedoc.json) must run
// with no warning at all (treatWarningsAsErrors), which fails on a {@link} that resolves to nothing
// and on a type that the public API uses but no entry point exports. A fixture with both mistakes
// shows that the same settings do catch them.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'

const here = fileURLToPath(new URL('..', import.meta.url))
const typedoc = join(here, 'node_modules/typedoc/bin/typedoc')
const out = mkdtempSync(join(tmpdir(), 'cdp-analytics-docs-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

function run(args: string[]) {
  const result = spawnSync(process.execPath, [typedoc, ...args], { cwd: here, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

interface Reflection {
  name: string
  children?: Reflection[]
}

it('the API reference of core, node and edge builds with no warning: no broken link, no missing export', () => {
  const { status, output } = run(['--options', 'typedoc.json', '--out', join(out, 'html'), '--json', join(out, 'api.json')])
  expect(output).not.toMatch(/\[(warning|error)\]/)
  expect(status, output).toBe(0)

  const project = JSON.parse(readFileSync(join(out, 'api.json'), 'utf8')) as Reflection
  const modules = Object.fromEntries((project.children ?? []).map((m) => [m.name, (m.children ?? []).map((c) => c.name)]))
  expect(Object.keys(modules).sort()).toEqual([
    '@cdp-analytics/core',
    '@cdp-analytics/core/ky',
    '@cdp-analytics/edge',
    '@cdp-analytics/edge/ky',
    '@cdp-analytics/node',
    '@cdp-analytics/node/ky',
    '@cdp-analytics/node/redis',
    '@cdp-analytics/node/testing',
  ])
  expect(modules['@cdp-analytics/core']).toEqual(
    expect.arrayContaining(['AnalyticsCore', 'MemoryTransport', 'AnalyticsError', 'Transport']),
  )
  expect(modules['@cdp-analytics/node']).toEqual(
    expect.arrayContaining(['Analytics', 'closeOnSignals', 'createHttpTransport', 'MemoryTransport']),
  )
  expect(modules['@cdp-analytics/node/testing']).toEqual(expect.arrayContaining(['startCollector', 'Collector']))
  expect(modules['@cdp-analytics/node/redis']).toEqual(
    expect.arrayContaining(['createRedisStreamTransport', 'createRedisStreamForwarder', 'RedisStreamForwarderOptions']),
  )
  expect(modules['@cdp-analytics/edge']).toEqual(expect.arrayContaining(['Analytics', 'withAnalytics']))
  expect(readFileSync(join(out, 'html/modules/_cdp-analytics_node.html'), 'utf8')).toContain('closeOnSignals')
})

it('the same settings fail on a broken {@link} and on a used type that is not exported', () => {
  // test/fixtures/typedoc.json extends typedoc.json and only swaps the entry point and tsconfig.
  const { status, output } = run(['--options', 'test/fixtures/typedoc.json', '--out', join(out, 'broken')])
  expect(status).not.toBe(0)
  expect(output).toMatch(/\[warning\].*NoSuchThing/)
  expect(output).toMatch(/\[warning\] HiddenOptions.*not included in the documentation/)
})
