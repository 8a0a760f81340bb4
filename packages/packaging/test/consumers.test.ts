// Fresh apps, as users make them: a new directory per fixture, `npm install` of the packed tarballs,
// an app that imports every public entry (`@cdp-analytics/core`, `@cdp-analytics/node`,
// `@cdp-analytics/node/testing`, `@cdp-analytics/edge`) and sends one event through the node client
// and one through the edge client to the local collector. ES module, CommonJS, and TypeScript
// compiled by tsc under each `moduleResolution`; the CommonJS and ES module apps also run on the
// oldest Node the packages declare (`engines`), fetched from the registry's `node` package.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PUBLISHED, scratchDir, sourceManifest, tarballs } from './helpers/packages.js'
import { run, runOk } from './helpers/run.js'

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const TYPES_NODE = '@types/node@20.19.43'
const KY = 'ky@1.14.3'

interface AppSpec {
  name: string
  /** `"module"` or `"commonjs"`: the app's package.json `type`. */
  type: 'module' | 'commonjs'
  /** The fixture source copied into the app. */
  source: 'app.mjs' | 'app.cjs' | 'app.ts'
  /** For TypeScript apps: compilerOptions.module and .moduleResolution. */
  ts?: { module: string; moduleResolution: string }
}

const APPS: AppSpec[] = [
  { name: 'esm', type: 'module', source: 'app.mjs' },
  { name: 'cjs', type: 'commonjs', source: 'app.cjs' },
  { name: 'ts-node16', type: 'module', source: 'app.ts', ts: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'ts-nodenext-esm', type: 'module', source: 'app.ts', ts: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'ts-nodenext-cjs', type: 'commonjs', source: 'app.ts', ts: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'ts-bundler', type: 'module', source: 'app.ts', ts: { module: 'esnext', moduleResolution: 'bundler' } },
  { name: 'ts-node10', type: 'commonjs', source: 'app.ts', ts: { module: 'commonjs', moduleResolution: 'node10' } },
]

/** The oldest Node that every published package declares it supports: `>=20` gives 20.0.0. */
function oldestDeclaredNode(): string {
  const ranges = PUBLISHED.map((name) => sourceManifest(name).engines?.node).filter((range) => range !== undefined)
  expect(ranges.length, 'some package declares engines.node').toBeGreaterThan(0)
  const lowest = ranges.map((range) => {
    const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range)
    expect(match, `engines.node is a lower bound (>=N), got ${range}`).toBeTruthy()
    return [1, 2, 3].map((i) => Number(match![i] ?? 0))
  })
  // The newest of the lower bounds: the oldest Node that all of them claim.
  lowest.sort((a, b) => b[0]! - a[0]! || b[1]! - a[1]! || b[2]! - a[2]!)
  return lowest[0]!.join('.')
}

const npmInstall = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']

/** Creates the app directory, installs the tarballs, compiles TypeScript; returns the file to run. */
async function makeApp(spec: AppSpec): Promise<{ dir: string; main: string }> {
  const dir = join(scratchDir(), 'apps', spec.name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `fixture-${spec.name}`, private: true, type: spec.type }, null, 2)}\n`)
  copyFileSync(join(fixtures, spec.source), join(dir, spec.source))
  const { core, node, edge } = tarballs()
  // ky: the optional peer a user of the `/ky` entries installs.
  await runOk('npm', [...npmInstall, core, node, edge, KY, ...(spec.ts ? [TYPES_NODE] : [])], { cwd: dir, timeoutMs: 170_000 })
  if (!spec.ts) return { dir, main: spec.source }
  const compilerOptions = {
    ...spec.ts,
    target: 'es2022',
    lib: ['es2022'],
    types: ['node'],
    strict: true,
    skipLibCheck: false,
    outDir: 'out',
  }
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files: ['app.ts'] }, null, 2)}\n`)
  await runOk(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir })
  return { dir, main: 'out/app.js' }
}

interface AppResult {
  fixture: string
  nodeVersion: string
  sharedCore: boolean
  outcomes: { client: string; error?: string; messageId?: string }[]
  received: { event: string; messageId: string; library: string }[]
  requestsValid: boolean
  kyEntries: boolean
  redisEntry: boolean
}

/** Runs the app and checks what it printed: both events delivered and received by the collector. */
async function expectAppDelivers(command: string, args: string[], dir: string, fixture: string, nodeVersion?: string) {
  const result = await run(command, args, { cwd: dir, timeoutMs: 170_000 })
  expect(result.code, result.transcript).toBe(0)
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '))
  expect(line, result.transcript).toBeDefined()
  const app = JSON.parse(line!.slice('RESULT '.length)) as AppResult
  if (nodeVersion) expect(app.nodeVersion).toBe(`v${nodeVersion}`)
  expect(app.outcomes.map((o) => [o.client, o.error])).toEqual([
    ['node', undefined],
    ['edge', undefined],
    ['node-http', undefined],
    ['node-ky', undefined],
  ])
  const sent = new Map(app.outcomes.map((o) => [o.client, o.messageId]))
  expect(app.received).toEqual([
    { event: `${fixture} via node`, messageId: sent.get('node'), library: '@cdp-analytics/node' },
    { event: `${fixture} via edge`, messageId: sent.get('edge'), library: '@cdp-analytics/edge' },
    { event: `${fixture} via node-http`, messageId: sent.get('node-http'), library: '@cdp-analytics/node' },
    { event: `${fixture} via node-ky`, messageId: sent.get('node-ky'), library: '@cdp-analytics/node' },
  ])
  for (const [client, id] of sent) expect(result.stdout).toContain(`delivered ${client} ${id}`)
  expect(app.requestsValid).toBe(true)
  expect(app.kyEntries, 'the /ky entries of core and edge load').toBe(true)
  expect(app.redisEntry, 'the /redis entry of node loads').toBe(true)
  expect(app.sharedCore, 'node and edge clients extend the one core the app imports').toBe(true)
}

// Node 22.0 to 22.11 cannot require() an ES module either: the CommonJS app runs there too.
const FIRST_22 = '22.0.0'

describe.concurrent('a fresh app installing the tarballs', () => {
  for (const spec of APPS) {
    const cjs = spec.source === 'app.cjs'
    const runsOnOldest = cjs || spec.source === 'app.mjs'
    const also = runsOnOldest ? `, also on the oldest declared Node${cjs ? ` and on ${FIRST_22}` : ''}` : ''
    it(`${spec.name}: imports every entry and delivers through the local collector${also}`, async () => {
      const { dir, main } = await makeApp(spec)
      await expectAppDelivers(process.execPath, [main, spec.name], dir, spec.name)
      if (!runsOnOldest) return
      for (const version of cjs ? [oldestDeclaredNode(), FIRST_22] : [oldestDeclaredNode()]) {
        const fixture = `${spec.name} on ${version}`
        await expectAppDelivers('npx', ['-y', `node@${version}`, main, fixture], dir, fixture, version)
      }
    })
  }
})
