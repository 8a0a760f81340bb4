// The `cdp-analytics` command, end to end: the package's bin (bin/cdp-analytics.js, which loads the
// build's dist/cli.js) runs in a child process against the local collector, as a user would run it
// from a shell.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FLAGS } from '../src/cli/options.js'
import { VERSION } from '../src/version.js'
import type { Collector } from '../src/testing/index.js'
import { collector, deadPort, WRITE_KEY } from './helpers/setup.js'

const CLI = fileURLToPath(new URL('../bin/cdp-analytics.js', import.meta.url))
const BUILT = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

function start(
  args: string[],
  options: { stdin?: string; keepStdinOpen?: boolean; env?: Record<string, string>; nodeArgs?: string[] } = {},
): { child: ChildProcess; done: Promise<Run> } {
  const started = Date.now()
  const env = { ...process.env, CDP_WRITE_KEY: '', CDP_ENDPOINT: '', CDP_REGION: '', ...options.env }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  if (options.keepStdinOpen) child.stdin!.write(options.stdin ?? '')
  else child.stdin!.end(options.stdin ?? '')
  const done = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }))
  })
  return { child, done }
}

const run = (args: string[], options?: { stdin?: string; env?: Record<string, string>; nodeArgs?: string[] }) => start(args, options).done
const to = (local: Collector) => ['--endpoint', local.url, '--write-key', WRITE_KEY]

let dir = ''
beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('dist/cli.js is missing: build first (pnpm --filter @cdp-analytics/node build)')
  dir = mkdtempSync(join(tmpdir(), 'cdp-cli-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** An NDJSON file of `count` track lines with known messageIds and old timestamps. */
function events(count: number, name = `events-${count}.ndjson`): { path: string; ids: string[] } {
  const ids = Array.from({ length: count }, (_, i) => `import-${i + 1}`)
  const lines = ids.map((messageId, i) =>
    JSON.stringify({ type: 'track', userId: `u${i % 7}`, event: 'Backfilled', messageId, timestamp: '2021-03-04T05:06:07.000Z' }),
  )
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return { path, ids }
}

/**
 * An NDJSON file of `count` track lines where every 40th is bad, in turn not JSON (refused as it
 * is read, ahead of the checkpoint) or a track without "event" (refused by the client's checks).
 */
function withBadLines(count: number, name: string): { path: string; good: string[]; bad: string[] } {
  const good: string[] = []
  const bad: string[] = []
  const lines = Array.from({ length: count }, (_, i) => {
    if (i % 40 === 39) {
      const line = i % 80 === 79 ? `not json ${i + 1}` : JSON.stringify({ type: 'track', userId: 'u1', messageId: `bad-${i + 1}` })
      bad.push(line)
      return line
    }
    good.push(`good-${i + 1}`)
    return JSON.stringify({ type: 'track', userId: 'u1', event: 'Backfilled', messageId: `good-${i + 1}` })
  })
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return { path, good, bad }
}

/** The lines of a --rejected file, checked to hold no line twice. */
function rejectedLines(path: string): string[] {
  const written = readFileSync(path, 'utf8').split('\n').slice(0, -1)
  expect(written.filter((line, i) => written.indexOf(line) !== i)).toEqual([]) // no line twice
  return written
}

describe('cdp-analytics send', () => {
  it.each([
    [
      'identify',
      ['--user-id', 'u1', '--traits', '{"email":"u1@example.com","plan":"pro"}'],
      { userId: 'u1', traits: { email: 'u1@example.com', plan: 'pro' } },
    ],
    [
      'track',
      ['--user-id', 'u1', '--event', 'Signed Up', '--properties', '{"plan":"pro"}'],
      { event: 'Signed Up', properties: { plan: 'pro' } },
    ],
    ['page', ['--anonymous-id', 'a1', '--name', 'Pricing', '--category', 'Docs'], { anonymousId: 'a1', name: 'Pricing', category: 'Docs' }],
    ['screen', ['--user-id', 'u1', '--name', 'Home', '--properties', '{"tab":1}'], { name: 'Home', properties: { tab: 1 } }],
    [
      'group',
      ['--user-id', 'u1', '--group-id', 'g1', '--object-type-id', '1', '--traits', '{"name":"Acme"}'],
      { groupId: 'g1', objectTypeId: '1', traits: { name: 'Acme' } },
    ],
    ['alias', ['--previous-id', 'anon-9', '--user-id', 'u1'], { previousId: 'anon-9', userId: 'u1' }],
  ] as const)('send %s delivers one message and exits 0', async (type, flags, expected) => {
    const local = await collector()
    const result = await run(['send', type, ...flags, ...to(local)])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(local.messages).toHaveLength(1)
    expect(local.messages[0]).toMatchObject({ type, ...expected })
    expect(result.stdout).toBe(`delivered ${type} ${local.messages[0]!.messageId}\n`)
  })

  it.each([
    ['CDP_REGION=eu with a proxy endpoint: sent as given', [], { CDP_REGION: 'eu' }, 0, /^delivered track /],
    ['--region us wins over CDP_REGION', ['--region', 'us'], { CDP_REGION: 'EU' }, 0, /^delivered track /],
    // Any case (issue 20): an environment variable says EU as often as eu.
    ['CDP_REGION=EU', [], { CDP_REGION: 'EU' }, 0, /^delivered track /],
    ['CDP_REGION=mars', [], { CDP_REGION: 'mars' }, 2, /^cdp-analytics: region must be "us" or "eu" \(got "mars"\)$/m],
    [
      '--region eu with the US endpoint',
      ['--region', 'eu', '--endpoint', 'https://cdp.customer.io'],
      {},
      2,
      /endpoint https:\/\/cdp.customer.io is the other region's host \(region is "eu"\)/,
    ],
  ])('region: %s', async (_name, flags, env, code, output) => {
    const local = await collector()
    const args = ['send', 'track', '--user-id', 'u1', '--event', 'Regional', ...flags]
    if (!flags.includes('--endpoint')) args.push('--endpoint', local.url)
    const result = await run(args, { env: { CDP_WRITE_KEY: WRITE_KEY, ...env } })
    expect(result.code).toBe(code)
    expect(code === 0 ? result.stdout : result.stderr).toMatch(output)
    expect(local.messages).toHaveLength(code === 0 ? 1 : 0)
  })

  it('takes the write key and endpoint from CDP_WRITE_KEY / CDP_ENDPOINT, and the common fields from flags', async () => {
    const local = await collector()
    const result = await run(
      [
        'send',
        'track',
        '--user-id',
        'u1',
        '--event',
        'Backfilled',
        '--timestamp',
        '2020-01-02T03:04:05.000Z',
        '--message-id',
        'm-fixed',
        '--context',
        '{"ip":"203.0.113.9"}',
        '--integrations',
        '{"All":false,"Mixpanel":true}',
      ],
      { env: { CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: local.url } },
    )
    expect(result.code).toBe(0)
    expect(local.messages[0]).toMatchObject({
      timestamp: '2020-01-02T03:04:05.000Z',
      messageId: 'm-fixed',
      context: { ip: '203.0.113.9' },
      integrations: { All: false, Mixpanel: true },
    })
  })

  it.each([
    ['a 400', (local: Collector) => local.enqueueResponses({ status: 400 }), WRITE_KEY, /^not delivered \(rejected\): .*HTTP 400/],
    ['a 401 (wrong write key)', () => {}, 'wrong-key', /^not delivered \(rejected\): .*HTTP 401 \(check writeKey\)/],
    ['invalid input', () => {}, WRITE_KEY, /^not delivered \(invalid\): track: "event" is required/],
  ])('on %s prints the reason and exits 1', async (_, setup, writeKey, reason) => {
    const local = await collector()
    setup(local)
    const event = reason.source.includes('invalid') ? [] : ['--event', 'x']
    const result = await run(['send', 'track', '--user-id', 'u1', ...event, '--endpoint', local.url, '--write-key', writeKey])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(reason)
    expect(result.stdout).toBe('')
  })

  it('on a dead endpoint shows each retry on stderr as it happens, then prints retries_exhausted and exits 1', async () => {
    const port = await deadPort()
    const result = await run([
      'send',
      'track',
      '--user-id',
      'u1',
      '--event',
      'x',
      '--max-retries',
      '2',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      '--write-key',
      WRITE_KEY,
    ])
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^attempt 1 failed \(network error: .*\); retrying in \d+\.\d s$/)
    expect(lines[1]).toMatch(/^attempt 2 failed \(network error: .*\); retrying in \d+\.\d s$/)
    expect(lines[2]).toMatch(/^not delivered \(retries_exhausted\): /)
    expect(result.code).toBe(1)
  })

  it('says each retry before it is made; Ctrl-C during the wait says what was not delivered and exits 130', async () => {
    const local = await collector()
    // The retry would wait 30 s (Retry-After, capped at maxRetryDelay): long enough to be interrupted.
    local.setDefaultResponse({ status: 503, retryAfter: 30 })
    const { child, done } = start(['send', 'track', '--user-id', 'u1', '--event', 'Waited', '--message-id', 'm-waited', ...to(local)])
    let stderr = ''
    await new Promise<void>((resolve) =>
      child.stderr!.on('data', (chunk) => {
        stderr += chunk
        if (stderr.includes('\n')) resolve()
      }),
    )
    expect(stderr).toMatch(/^attempt 1 failed \(HTTP 503: .*\); retrying in 30 s\n$/)
    expect(local.requests).toHaveLength(1) // said before the retry, not after
    child.kill('SIGINT')
    const result = await done
    expect(result.code).toBe(130)
    expect(result.stderr).toMatch(/\ninterrupted: track m-waited was not delivered; last failure: attempt 1: HTTP 503/)
    expect(result.stdout).toBe('')
    expect(local.requests).toHaveLength(1)
  })

  it('--timeout S gives up after S seconds, retries included, with exit 1 and the last failure', async () => {
    const local = await collector()
    local.setDefaultResponse({ status: 503, retryAfter: 30 })
    const result = await run(['send', 'track', '--user-id', 'u1', '--event', 'x', '--timeout', '1', ...to(local)])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/\nnot delivered \(timeout\): no success within --timeout 1 s; last failure: attempt 1: HTTP 503/)
    // Without it the wait would be the 30 s Retry-After, then 9 more attempts.
    expect(result.ms).toBeLessThan(15_000)
    expect(local.requests).toHaveLength(1)
  })

  it.each([
    ['no write key', ['send', 'track', '--user-id', 'u1', '--event', 'x'], /no write key: set CDP_WRITE_KEY or pass --write-key/],
    ['an unknown call type', ['send', 'launch', '--write-key', 'k'], /send needs a call type: identify, track, page, screen, group, alias/],
    ['JSON that is not an object', ['send', 'track', '--properties', '[1]', '--write-key', 'k'], /--properties must be a JSON object/],
    ['an unknown flag', ['send', 'track', '--colour', 'red'], /^cdp-analytics: unknown flag --colour\n/],
    ['a misspelt flag', ['send', 'track', '--evnt', 'x'], /^cdp-analytics: unknown flag --evnt \(did you mean --event\?\)\n/],
    ['a flag without its value', ['send', 'track', '--event'], /^cdp-analytics: --event needs a value\n/],
    ['an import flag on send', ['send', 'track', '--rate', '5'], /--rate is not a flag of "send"/],
    [
      '--timeout on import',
      ['import', '-', '--timeout', '5'],
      /--timeout is not a flag of "import" \(the per-request timeout is --request-timeout MS\)/,
    ],
    ['a --timeout that is not a number', ['send', 'track', '--timeout', 'soon', '--write-key', 'k'], /--timeout must be a number/],
  ])('exits 2 on %s, naming the problem', async (_, args, message) => {
    const result = await run(args)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  })

  it.each([
    ['--help', 'stdout', 0, ['--help']],
    ['-h', 'stdout', 0, ['-h']],
    ['help', 'stdout', 0, ['help']],
    ['no command (a usage error)', 'stderr', 2, []],
  ] as const)('%s: the help, on %s, exit %i', async (_, stream, code, args) => {
    const result = await run([...args])
    expect(result.code).toBe(code)
    expect(result[stream]).toContain('cdp-analytics import <FILE.ndjson | ->')
    expect(result[stream === 'stdout' ? 'stderr' : 'stdout']).toBe('')
  })

  it('--help documents every flag', async () => {
    const result = await run(['--help'])
    for (const name of Object.keys(FLAGS)) expect(result.stdout).toContain(`--${name}`)
  })

  it.each([[['--version']], [['-v']], [['send', '--version']]])('%j prints the version and exits 0', async (args) => {
    const result = await run(args)
    expect(result).toMatchObject({ code: 0, stdout: `cdp-analytics ${VERSION}\n`, stderr: '' })
  })

  it('before a build, the bin says what to run instead of failing with a stack trace', async () => {
    const unbuilt = join(dir, 'unbuilt')
    mkdirSync(join(unbuilt, 'bin'), { recursive: true })
    copyFileSync(CLI, join(unbuilt, 'bin', 'cdp-analytics.js'))
    writeFileSync(join(unbuilt, 'package.json'), '{"type":"module"}\n')
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(unbuilt, 'bin', 'cdp-analytics.js'), '--help'], { stdio: ['ignore', 'ignore', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (chunk) => (stderr += chunk))
      child.on('close', (code) => resolve({ code, stderr }))
    })
    expect(result).toEqual({
      code: 1,
      stderr:
        'cdp-analytics: the command is not built yet (no dist/cli.js). In a clone of the repository, run: npx -y pnpm@10.20.0 build\n',
    })
  })
})

describe('cdp-analytics import', () => {
  const MIXED = [
    '{"type":"identify","userId":"u1","traits":{"email":"u1@example.com"},"messageId":"ok-1","timestamp":"2020-05-01T00:00:00Z"}',
    'not json',
    '',
    '{"type":"launch","userId":"u1"}',
    '{"type":"track","userId":"u1"}',
    '{"type":"track","userId":"u1","event":"Paid","messageId":"ok-2","timestamp":"2020-05-02T00:00:00.000Z"}',
    '[1,2]',
    '{"type":"page","anonymousId":"a1","name":"Home","messageId":"ok-3"}',
  ]

  it('delivers the good lines keeping messageId and timestamp; reports bad ones by line number; writes them to --rejected', async () => {
    const local = await collector()
    const path = join(dir, 'mixed.ndjson')
    const rejected = join(dir, 'mixed.rejected.ndjson')
    writeFileSync(path, `${MIXED.join('\n')}\n`)
    const result = await run(['import', path, '--rejected', rejected, ...to(local)])
    expect(result.code).toBe(3)
    expect(local.messages.map((m) => [m.messageId, m.timestamp])).toEqual([
      ['ok-1', '2020-05-01T00:00:00Z'],
      ['ok-2', '2020-05-02T00:00:00.000Z'],
      ['ok-3', expect.any(String)],
    ])
    expect(result.stdout).toContain(`import ${path}: 8 lines read\ndelivered 3\nrejected 4 (written to ${rejected})\n`)
    expect(result.stdout).toMatch(/ {2}line 2: not JSON/)
    expect(result.stdout).toMatch(/ {2}line 4: "type" must be one of identify, track, page, screen, group, alias \(got "launch"\)/)
    expect(result.stdout).toMatch(/ {2}line 5: invalid: track: "event" is required/)
    expect(result.stdout).toMatch(/ {2}line 7: not a JSON object/)
    expect(result.stdout).toContain('failed 0')
    expect(readFileSync(rejected, 'utf8')).toBe(`${[MIXED[1], MIXED[3], MIXED[4], MIXED[6]].join('\n')}\n`)
  })

  it('reads stdin with -', async () => {
    const local = await collector()
    const result = await run(['import', '-', ...to(local)], { stdin: `${MIXED[0]}\n${MIXED[5]}\n` })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('import stdin: 2 lines read\ndelivered 2\nrejected 0\nfailed 0')
    expect(local.messages.map((m) => m.messageId)).toEqual(['ok-1', 'ok-2'])
  })

  it('Ctrl-C while stdin has no more to give stops at once, with the lines so far checkpointed', async () => {
    const local = await collector()
    const checkpoint = join(dir, 'stdin.checkpoint')
    const { child, done } = start(['import', '-', '--resume', checkpoint, ...to(local)], {
      stdin: `${MIXED[0]}\n${MIXED[5]}\n`,
      keepStdinOpen: true, // a producer that is still running
    })
    await local.waitForMessages(2)
    child.kill('SIGINT')
    const result = await done
    expect(result.code).toBe(130)
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ input: '-', line: 2, complete: false })
  })

  it('gives a line without a messageId a stable one (derived from its content), the same on every run', async () => {
    const local = await collector()
    const line = '{"type":"track","userId":"u1","event":"No Id","timestamp":"2020-05-03T00:00:00Z"}'
    for (let attempt = 0; attempt < 2; attempt++) expect((await run(['import', '-', ...to(local)], { stdin: `${line}\n` })).code).toBe(0)
    const [first, second] = local.messages.map((m) => m.messageId)
    expect(first).toMatch(/^line-[\w-]{27}$/)
    expect(second).toBe(first)
  })

  it('--dry-run validates every line and sends nothing', async () => {
    const local = await collector()
    const path = join(dir, 'dry.ndjson')
    writeFileSync(path, `${MIXED.join('\n')}\n`)
    const result = await run(['import', path, '--dry-run', '--endpoint', local.url])
    expect(result.code).toBe(3)
    expect(result.stdout).toContain('(dry run: nothing sent): 8 lines read\nvalid 3\nrejected 4')
    expect(result.stdout).toMatch(/line 5: invalid: track: "event" is required/)
    expect(local.requests).toHaveLength(0)
  })

  it.each([
    ['--resume', (checkpoint: string) => ['--resume', checkpoint], /--dry-run and --resume cannot be used together: .*drop --resume/],
    ['--rate', () => ['--rate', '5'], /--dry-run and --rate cannot be used together: .*drop --rate/],
  ])('--dry-run with %s exits 2 naming the conflict, and a later real run still sends every line', async (flag, extra, message) => {
    const local = await collector()
    const { path, ids } = events(20, `dry-${flag.slice(2)}.ndjson`)
    const checkpoint = join(dir, `dry-${flag.slice(2)}.checkpoint`)
    const dry = await run(['import', path, '--dry-run', ...extra(checkpoint), ...to(local)])
    expect(dry.code).toBe(2)
    expect(dry.stderr).toMatch(message)
    expect(existsSync(checkpoint)).toBe(false) // no checkpoint a real run would skip past
    expect(local.requests).toHaveLength(0)

    const real = await run(['import', path, '--resume', checkpoint, ...to(local)])
    expect(real.code).toBe(0)
    expect(real.stdout).not.toContain('skipped')
    expect(local.messages.map((m) => m.messageId)).toEqual(ids)
  })

  it('--rate bounds the rate', async () => {
    const local = await collector()
    const { path } = events(40, 'rate.ndjson')
    const result = await run(['import', path, '--rate', '20', '--batch-size', '5', ...to(local)])
    expect(result.code).toBe(0)
    expect(local.messages).toHaveLength(40)
    // 40 messages at 20/s: the last one may go no sooner than 1.95 s after the first.
    const times = local.requests.map((r) => r.receivedAt)
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1500)
    expect(result.ms).toBeGreaterThanOrEqual(1950)
    expect(result.ms).toBeLessThan(10_000) // not throttled far below the rate: 5x its 2 s (a loaded machine)
  })

  /**
   * The import with stderr on a pseudo-terminal of `columns` columns (script(1), as a person at a
   * shell runs it): the drawings of the progress line, each as it appeared on the terminal.
   */
  async function onTerminal(columns: number, args: string[]): Promise<{ code: number; drawings: string[]; screen: string }> {
    const command = `stty cols ${columns}; ${[process.execPath, CLI, ...args].map((arg) => `'${arg}'`).join(' ')}`
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let screen = ''
    child.stdout.on('data', (chunk) => (screen += chunk))
    const [code] = (await once(child, 'close')) as [number]
    // Each drawing starts with a carriage return and ends by erasing the rest of the line.
    const drawings = screen
      .split('\r')
      .filter((part) => part.endsWith('\u001b[K'))
      .map((part) => part.slice(0, -'\u001b[K'.length))
      .filter((part) => part !== '')
    return { code, drawings, screen }
  }

  it.skipIf(!existsSync('/usr/bin/script'))(
    'on a terminal, one line redrawn in place with the bar, percent, ETA, counts and rate, fitted to the width',
    async () => {
      const local = await collector()
      local.setDefaultResponse({ delayMs: 100 })
      const { path } = events(1500, 'tty.ndjson')
      const wide = await onTerminal(200, ['import', path, '--batch-size', '50', ...to(local)])
      expect(wide.code).toBe(0)
      const FULL = /^[░█]{24} \d+\.\d% · (ETA [\dhms]+ · )?[\d,]+ lines · [\d,]+ delivered · 0 rejected · [\d,]+\/s$/
      expect(wide.drawings.length).toBeGreaterThan(1)
      expect(wide.drawings.filter((drawing) => !FULL.test(drawing))).toEqual([]) // never cut on a wide terminal
      expect(wide.drawings.some((drawing) => /^█{3,}░* \d{2,3}\.\d% · ETA [\dhms]+/.test(drawing))).toBe(true) // the bar fills as the file is read
      expect(wide.screen).not.toContain('progress:')
      expect(wide.screen).toContain('delivered 1500')

      local.reset()
      local.setDefaultResponse({ delayMs: 100 })
      const narrow = await onTerminal(50, ['import', path, '--batch-size', '50', ...to(local)])
      expect(narrow.code).toBe(0)
      expect(narrow.drawings.length).toBeGreaterThan(1)
      expect(narrow.drawings.filter((drawing) => drawing.length > 49)).toEqual([]) // nothing reaches the last column
      expect(narrow.drawings.some((drawing) => drawing.endsWith('…'))).toBe(true)
    },
  )

  it('off a terminal, progress is plain periodic lines, with no terminal control codes', async () => {
    const local = await collector()
    local.setDefaultResponse({ delayMs: 100 })
    const { path } = events(600, 'plain-progress.ndjson')
    const result = await run(['import', path, '--batch-size', '50', '--progress-interval', '0.1', ...to(local)])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/^progress: [\d,]+ lines · [\d,]+ delivered · 0 rejected · [\d,]+\/s · [\d.]+% · ETA \d+s$/m)
    expect(result.stderr).not.toContain('\u001b[')
    expect(result.stderr).not.toContain('\r')
  })

  it('a resumed import counts the lines earlier runs rejected (from the checkpoint) in its summary and exit code', async () => {
    const local = await collector()
    // Lines 1-3 are refused as they are read; then the API fails the second request with a 401.
    const bad = ['not json', '{"type":"launch"}', '{"type":"track","userId":"u1"}']
    const good = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ type: 'track', userId: 'u1', event: 'E', messageId: `ok-${i + 1}` }),
    )
    const path = join(dir, 'earlier-rejected.ndjson')
    writeFileSync(path, `${[...bad, ...good].join('\n')}\n`)
    const checkpoint = join(dir, 'earlier-rejected.checkpoint')
    const args = ['import', path, '--resume', checkpoint, '--batch-size', '50', ...to(local)]
    local.enqueueResponses({ status: 200 }, { status: 401 })
    const first = await run(args)
    expect(first.code).toBe(1)
    expect(first.stdout).toMatch(/^rejected 3$/m)
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ rejectedLines: 3 })

    // The re-run rejects nothing itself, but the file has 3 bad lines: not a clean exit 0.
    const second = await run(args)
    expect(second.code).toBe(3)
    expect(second.stdout).toMatch(/^rejected 3: all 3 in earlier runs \(listed in the earlier summaries\)$/m)
    expect(second.stdout).toContain('failed 0')
    const third = await run(args) // complete: everything skipped, the same result
    expect(third.code).toBe(3)
    expect(third.stdout).toContain(`skipped ${bad.length + good.length} (already done, per the checkpoint)`)
    expect(third.stdout).toMatch(/^rejected 3: all 3 in earlier runs/m)
    const arrived = new Set(local.messages.map((m) => m.messageId))
    expect(good.map((line) => JSON.parse(line).messageId).filter((id) => !arrived.has(id))).toEqual([])
  })

  it('reads ahead by bytes as well as lines: lines of 30 kB against an API that answers slowly are all delivered, and memory stays bounded', async () => {
    const local = await collector()
    // The first requests are held: the reader runs as far ahead as its bounds let it.
    local.enqueueResponses(...Array.from({ length: 4 }, () => ({ delayMs: 3000 })))
    const count = 300
    const lineBytes = 30_000
    const lines = Array.from({ length: count }, (_, i) => {
      const head = JSON.stringify({ type: 'track', userId: 'u1', event: 'Big', messageId: `big-${i + 1}`, properties: { blob: '' } })
      return head.replace('"blob":""', `"blob":"${'x'.repeat(lineBytes - head.length)}"`)
    })
    expect(lines.every((line) => line.length === lineBytes)).toBe(true)
    const path = join(dir, 'big-lines.ndjson')
    writeFileSync(path, `${lines.join('\n')}\n`)
    const result = await run(['import', path, '--progress-interval', '0.1', ...to(local)])
    expect(result.stdout, result.stderr).toContain(`delivered ${count}\nrejected 0\nfailed 0`)
    expect(result.code).toBe(0)
    expect(new Set(local.messages.map((m) => m.messageId)).size).toBe(count)
    // While nothing had been delivered, the reader held at most 5 requests' worth of bytes
    // (5 × 500 kB), not 5 batches of 1,000 lines (150 MB, past the client's maxQueueBytes).
    const held = [...result.stderr.matchAll(/^progress: ([\d,]+) lines · 0 delivered/gm)].map((m) => Number(m[1]!.replaceAll(',', '')))
    expect(held.length).toBeGreaterThan(0)
    expect(Math.max(...held)).toBeLessThanOrEqual(Math.ceil((5 * 500_000) / lineBytes) + 1)
    expect(Math.max(...held)).toBeGreaterThan(500_000 / lineBytes) // it did read ahead: more than one request's worth
  })

  it('--batch-size far past the queue bound (25,000) against an API that answers slowly: every line delivered, exit 0, never queue_full', async () => {
    const local = await collector()
    // The first requests are held while the reader runs ahead: 5 batches of 25,000 lines would be
    // 125,000 lines, past the client's maxQueueSize (100,000).
    local.enqueueResponses(...Array.from({ length: 4 }, () => ({ delayMs: 5000 })))
    const { path, ids } = events(120_000, 'large-batches.ndjson')
    const result = await run(['import', path, '--batch-size', '25000', '--quiet', ...to(local)])
    expect(result.stdout).toContain('delivered 120000\nrejected 0\nfailed 0')
    expect(result.stdout).not.toContain('queue_full')
    expect(result.code).toBe(0)
    expect(local.messages.map((m) => String(m.messageId)).sort()).toEqual([...ids].sort()) // each once (requests finish in any order)
  }, 60_000)

  it('stops at the first delivery failure (a 401), leaving the checkpoint before it, and exits 1', async () => {
    const local = await collector()
    const { path } = events(30, 'unauthorized.ndjson')
    const checkpoint = join(dir, 'unauthorized.checkpoint')
    const result = await run([
      'import',
      path,
      '--resume',
      checkpoint,
      '--batch-size',
      '10',
      '--endpoint',
      local.url,
      '--write-key',
      'wrong',
    ])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/line 1: rejected: .*HTTP 401/)
    expect(result.stdout).toContain('every line up to 0 has an outcome')
    expect(JSON.parse(readFileSync(checkpoint, 'utf8')).line).toBe(0)
  })

  it('resumes after a kill (SIGKILL mid-run): every message arrives, duplicates only from the batches in flight', async () => {
    const local = await collector()
    local.setDefaultResponse({ delayMs: 150 })
    const { path, ids } = events(3000, 'kill.ndjson')
    const checkpoint = join(dir, 'kill.checkpoint')
    const args = ['import', path, '--resume', checkpoint, '--batch-size', '50', '--progress-interval', '0.1', ...to(local)]
    const first = start(args)
    await local.waitForRequests(12, { timeoutMs: 10_000 })
    first.child.kill('SIGKILL')
    const killed = await first.done
    expect(killed.signal).toBe('SIGKILL')
    // Progress lines on a non-terminal stderr: plain, periodic.
    expect(killed.stderr).toMatch(/progress: [\d,]+ lines · [\d,]+ delivered · 0 rejected · [\d,]+\/s · [\d.]+% · ETA \d+s/)
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { line: number; complete: boolean }
    expect(saved.line).toBeGreaterThan(0)
    expect(saved.line).toBeLessThan(3000)
    const beforeResume = local.messages.length

    local.setDefaultResponse(undefined)
    const second = await run(args)
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(`skipped ${saved.line} (already done, per the checkpoint)`)
    const arrived = new Set(local.messages.map((m) => m.messageId))
    expect(ids.filter((id) => !arrived.has(id))).toEqual([]) // nothing lost
    const duplicates = [...local.duplicateMessageIds().values()].reduce((sum, n) => sum + n - 1, 0)
    // Re-sent: only what had no outcome at the kill, at most the 4 batches of 50 on the wire.
    expect(duplicates).toBeLessThanOrEqual(4 * 50)
    expect(local.messages.length).toBe(3000 + duplicates)
    expect(beforeResume).toBeGreaterThan(0)
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({ line: 3000, complete: true })
  })

  it('resumes after a kill with --rejected: each rejected line is in the file exactly once, in line order, and no message is lost', async () => {
    const local = await collector()
    local.setDefaultResponse({ delayMs: 150 })
    const { path, good, bad } = withBadLines(3000, 'kill-rejected.ndjson')
    const checkpoint = join(dir, 'kill-rejected.checkpoint')
    const rejected = join(dir, 'kill-rejected.rejected.ndjson')
    const args = [
      'import',
      path,
      '--resume',
      checkpoint,
      '--rejected',
      rejected,
      '--batch-size',
      '50',
      '--progress-interval',
      '0',
      ...to(local),
    ]
    const first = start(args)
    await local.waitForRequests(12, { timeoutMs: 10_000 })
    first.child.kill('SIGKILL')
    expect((await first.done).signal).toBe('SIGKILL')
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { line: number }
    expect(saved.line).toBeGreaterThan(0)
    expect(saved.line).toBeLessThan(3000)

    local.setDefaultResponse(undefined)
    const second = await run(args)
    expect(second.code).toBe(3)
    expect(second.stdout).toContain(`skipped ${saved.line} (already done, per the checkpoint)`)
    expect(rejectedLines(rejected)).toEqual(bad) // every one, once, in line order
    const arrived = new Set(local.messages.map((m) => m.messageId))
    expect(good.filter((id) => !arrived.has(id))).toEqual([]) // nothing lost
  })

  it('after a delivery failure, --rejected lists every rejected line; the resumed run writes none of them twice', async () => {
    const local = await collector()
    // The third request gets a 401: the import stops there, with rejected lines read past it.
    local.enqueueResponses({ status: 200 }, { status: 200 }, { status: 401 })
    const { path, good, bad } = withBadLines(1000, 'failed-rejected.ndjson')
    const checkpoint = join(dir, 'failed-rejected.checkpoint')
    const rejected = join(dir, 'failed-rejected.rejected.ndjson')
    const args = ['import', path, '--resume', checkpoint, '--rejected', rejected, '--batch-size', '50', ...to(local)]
    const stopped = await run(args)
    expect(stopped.code).toBe(1)
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { line: number }
    expect(saved.line).toBeGreaterThan(0)
    expect(saved.line).toBeLessThan(1000)
    // The file lists every line the summary counts as rejected, those past the checkpoint too.
    const counted = Number(/^rejected (\d+)/m.exec(stopped.stdout)?.[1])
    const first = rejectedLines(rejected)
    expect(first).toHaveLength(counted)
    expect(first.some((line) => bad.indexOf(line) >= Math.floor(saved.line / 40))).toBe(true) // some past the checkpoint

    const resumed = await run(args)
    expect(resumed.code).toBe(3)
    expect(rejectedLines(rejected)).toEqual(bad)
    const arrived = new Set(local.messages.map((m) => m.messageId))
    expect(good.filter((id) => !arrived.has(id))).toEqual([])
  })

  it('Ctrl-C (SIGINT) stops after what is in flight, checkpoints, exits 130; a re-run sends the rest exactly once', async () => {
    const local = await collector()
    local.setDefaultResponse({ delayMs: 100 })
    const { path, ids } = events(3000, 'sigint.ndjson')
    const checkpoint = join(dir, 'sigint.checkpoint')
    const args = ['import', path, '--resume', checkpoint, '--batch-size', '50', ...to(local)]
    const first = start(args)
    await local.waitForRequests(8, { timeoutMs: 10_000 })
    first.child.kill('SIGINT')
    const stopped = await first.done
    expect(stopped.code).toBe(130)
    expect(stopped.stderr).toContain('stopping: no more lines are read; waiting for what is in flight')
    expect(stopped.stdout).toContain('interrupted: stopped after what was in flight')
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { line: number }
    expect(saved.line).toBeLessThan(3000)
    // Every line up to the checkpoint arrived, and nothing after it: what was in flight was finished.
    expect(local.messages.map((m) => m.messageId).sort()).toEqual(ids.slice(0, saved.line).sort())

    local.setDefaultResponse(undefined)
    const second = await run(args)
    expect(second.code).toBe(0)
    expect(local.messages.map((m) => m.messageId).sort()).toEqual([...ids].sort())
    expect(local.duplicateMessageIds().size).toBe(0)

    // Once complete, the same command again sends nothing.
    const requests = local.requests.length
    const third = await run(args)
    expect(third.code).toBe(0)
    expect(third.stdout).toContain('skipped 3000 (already done, per the checkpoint)\ndelivered 0')
    expect(local.requests).toHaveLength(requests)
  })
})
