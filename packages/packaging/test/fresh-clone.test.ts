// A fresh clone, as a new user gets it (issue 20, items 3 and 4): the repository's files alone in a
// new folder, the root README's install command, then every example run the way its own README says.
// The install must be quiet (no WARN line, no "Ignored build scripts" box) and must build what the
// examples import, since a clone has no dist/ folders.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { type RedisServer, startRedisServer } from '@cdp-analytics/test-redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUBLISHED, repoRoot, scratchDir } from './helpers/packages.js'
import { copyRepository } from './helpers/repo-copy.js'
import { run, type RunResult } from './helpers/run.js'

/** The root README's install command. */
const INSTALL = 'npx -y pnpm@10.20.0 install --frozen-lockfile'
/** The write key the examples' README commands set (`CDP_WRITE_KEY=your-key`): the collector takes it. */
const README_KEY = 'your-key'

/**
 * The environment of a new shell: none of the variables that the package manager, turbo or vitest
 * running this test set (they would steer the nested install), and no node_modules/.bin on PATH.
 */
function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|NPM_|PNPM_|pnpm_|TURBO_|VITEST|NODE_ENV$|NODE_OPTIONS$|INIT_CWD$)/.test(name)) continue
    env[name] = value
  }
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((entry) => !entry.includes('node_modules'))
    .join(':')
  return { ...env, TURBO_TELEMETRY_DISABLED: '1', ...extra }
}

/** `VAR=value ... command args` as a README writes it: the assignments and the words of the command. */
function parseCommand(line: string): { env: Record<string, string>; argv: string[] } {
  const words = line.split(/\s+/).filter(Boolean)
  const env: Record<string, string> = {}
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=')
    env[name!] = value.join('=')
  }
  return { env, argv: words }
}

let clone = ''
let install: RunResult
let collector: Collector
/** For examples/redis-forwarder, whose README commands read REDIS_URL. */
let redis: RedisServer

beforeAll(async () => {
  clone = join(scratchDir(), 'clone')
  copyRepository(repoRoot, clone)
  expect(existsSync(join(clone, 'packages', 'node', 'dist')), 'the copy holds no build output').toBe(false)
  const [command, ...args] = INSTALL.split(' ')
  install = await run(command!, args, { cwd: clone, env: shellEnv(), timeoutMs: 540_000 })
  collector = await startCollector({ writeKey: README_KEY })
  redis = await startRedisServer()
}, 600_000)

afterAll(async () => {
  await collector?.close()
  await redis?.stop()
  if (clone && !process.env.KEEP_PACKAGING_SCRATCH) rmSync(clone, { recursive: true, force: true })
})

describe('the root README install command in a fresh clone', () => {
  it('is what the root README says', () => {
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain(INSTALL)
  })

  it('succeeds quietly: no WARN line, no "Ignored build scripts" box', () => {
    expect(install.code, install.transcript).toBe(0)
    const output = `${install.stdout}\n${install.stderr}`
    expect(output.split('\n').filter((line) => /\bWARN\b/.test(line))).toEqual([])
    expect(output).not.toMatch(/Ignored build scripts/)
  })

  it('builds the published packages (the examples import their dist/), and links the cdp-analytics command', () => {
    for (const name of PUBLISHED) expect(existsSync(join(clone, 'packages', name, 'dist', 'index.js')), name).toBe(true)
    const bin = join(clone, 'examples', 'cli-backfill', 'node_modules', '.bin', 'cdp-analytics')
    expect(statSync(bin).mode & 0o111).toBe(0o111)
  })
})

/** How one README command is checked. */
type Check =
  /** Runs to its end: the exit code, and text its output must hold. */
  | { kind: 'script'; code: number; output: RegExp; messages?: number }
  /** A server: started, given the README's requests, stopped as Ctrl-C would; `messages` arrive. */
  | { kind: 'server'; requests: { path: string; init?: RequestInit }[]; messages: number }
  /** A long-running worker: started, stopped as Ctrl-C would once `messages` arrived; its output says it stopped cleanly. */
  | { kind: 'worker'; messages: number; output: RegExp }

interface ExampleCommand {
  example: string
  /** The command exactly as the example's README gives it. */
  command: string
  check: Check
}

const signup = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-user-id': 'u1' },
  body: JSON.stringify(body),
})

const COMMANDS: ExampleCommand[] = [
  { example: 'node-demo', command: 'npm start', check: { kind: 'script', code: 0, output: /All 6 messages delivered and valid\./ } },
  { example: 'unit-test-memory-transport', command: 'npm start', check: { kind: 'script', code: 0, output: /Tests\s+\d+ passed/ } },
  {
    example: 'cli-backfill',
    command: 'CDP_WRITE_KEY=your-key npm start',
    check: { kind: 'script', code: 0, output: /delivered 10\n/, messages: 10 },
  },
  {
    example: 'cli-backfill',
    command:
      'CDP_WRITE_KEY=your-key ./node_modules/.bin/cdp-analytics import events.ndjson --resume events.ndjson.checkpoint --rejected events.ndjson.rejected.ndjson',
    // After the run above: its checkpoint says every line is done.
    check: { kind: 'script', code: 0, output: /skipped 10 \(already done, per the checkpoint\)/, messages: 0 },
  },
  {
    example: 'browser-vite',
    command: 'npm start',
    check: { kind: 'script', code: 0, output: /3 events delivered to http:\/\/127\.0\.0\.1:\d+\/v1\/b, 0 CORS preflights/ },
  },
  {
    example: 'express',
    command: 'CDP_WRITE_KEY=your-key npm start',
    check: { kind: 'server', requests: [{ path: '/pricing', init: { headers: { 'x-user-id': 'u1' } } }], messages: 1 },
  },
  {
    example: 'node-http-server',
    command: 'CDP_WRITE_KEY=your-key npm start',
    check: { kind: 'server', requests: [{ path: '/pricing', init: { headers: { 'x-user-id': 'u1' } } }], messages: 1 },
  },
  {
    example: 'hono',
    command: 'CDP_WRITE_KEY=your-key npm start',
    check: { kind: 'server', requests: [{ path: '/signup', init: signup({ email: 'cool.person@example.com' }) }], messages: 2 },
  },
  {
    example: 'nextjs-route',
    command: 'CDP_WRITE_KEY=your-key npm start',
    check: {
      kind: 'server',
      requests: [{ path: '/api/track', init: { method: 'POST', body: '{"userId":"u1","event":"Signed Up","properties":{"plan":"pro"}}' } }],
      messages: 2, // the track, and an identify with lastSeenAt
    },
  },
  {
    example: 'redis-forwarder',
    command: 'npm start',
    // Ten identify + track pairs into the stream; nothing reaches the API from the app.
    check: { kind: 'script', code: 0, output: /20 events accepted by Redis in the stream cdp:events/, messages: 0 },
  },
  {
    example: 'redis-forwarder',
    command: 'CDP_WRITE_KEY=your-key npm run forward',
    // After the app above: the forwarder delivers its 20 events, then stops on Ctrl-C.
    check: { kind: 'worker', messages: 20, output: /^delivered 20 .*\nstopped$/m },
  },
]

/** Starts a README command in its example's folder of the clone, in a process group of its own (as a shell does). */
function start(example: string, command: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const { env, argv } = parseCommand(command)
  const [file, ...args] = argv
  const child = spawn(file!, args, {
    cwd: join(clone, 'examples', example),
    env: shellEnv({ ...env, CDP_ENDPOINT: collector.url, PORT: '0', REDIS_URL: redis.url }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  // Without the colours some tools (vitest) write even off a terminal.
  return { child, output: () => stripVTControlCharacters(output), exited }
}

describe.each(COMMANDS)('examples/$example: $command', ({ example, command, check }) => {
  it('is the command its README gives, and it works in the fresh clone', async () => {
    expect(install.code, 'the install succeeded').toBe(0)
    expect(readFileSync(join(repoRoot, 'examples', example, 'README.md'), 'utf8')).toContain(command)
    collector.reset()
    const started = start(example, command)
    if (check.kind === 'script') {
      const code = await started.exited
      expect(code, started.output()).toBe(check.code)
      expect(started.output()).toMatch(check.output)
      if (check.messages !== undefined) expect(collector.messages).toHaveLength(check.messages)
      return
    }
    if (check.kind === 'worker') {
      await collector.waitForMessages(check.messages, { timeoutMs: 60_000 })
      process.kill(-started.child.pid!, 'SIGINT')
      await started.exited
      expect(started.output()).toMatch(check.output)
      expect(collector.messages).toHaveLength(check.messages)
      return
    }
    const url = await new Promise<string>((resolve, reject) => {
      const look = () => {
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(started.output())
        if (match) resolve(match[1]!)
      }
      started.child.stdout!.on('data', look)
      void started.exited.then((code) => reject(new Error(`${command} exited (${code}) before listening:\n${started.output()}`)))
    })
    for (const { path, init } of check.requests) {
      const response = await fetch(`${url}${path}`, init)
      await response.text()
      expect(response.ok, `${path}: ${response.status}`).toBe(true)
    }
    // Ctrl-C in a terminal: SIGINT to every process of the foreground group (npm, its shell, node).
    process.kill(-started.child.pid!, 'SIGINT')
    await started.exited
    expect(collector.messages, started.output()).toHaveLength(check.messages)
    expect(collector.requests.every((request) => request.valid)).toBe(true)
  })
})

describe.each(['cloudflare-worker', 'cloudflare-queue', 'vercel-edge'])('examples/%s', (example) => {
  it("README's test command names this example's package, which has a test (turbo builds what it needs first)", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'examples', example, 'package.json'), 'utf8')) as {
      name: string
      scripts?: Record<string, string>
    }
    expect(readFileSync(join(repoRoot, 'examples', example, 'README.md'), 'utf8')).toContain(
      `npx -y pnpm@10.20.0 turbo run test --filter=${manifest.name}`,
    )
    expect(manifest.scripts?.test).toBe('vitest run')
  })
})
