// Child processes for the Redis Streams tests: app processes (fixtures/redis-producer.mjs) and
// forwarders (the package's bin: `cdp-analytics forward`), as a user runs them.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'

const CLI = fileURLToPath(new URL('../../bin/cdp-analytics.js', import.meta.url))
const PRODUCER = fileURLToPath(new URL('../fixtures/redis-producer.mjs', import.meta.url))

export interface Child {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves once stdout matches `pattern`; rejects if the process ends first. */
  printed(pattern: RegExp): Promise<RegExpExecArray>
  /** Resolves with the exit code and signal once the process is gone and its output read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const running = new Set<ChildProcess>()
afterEach(() => {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
})

function start(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  running.add(child)
  let stdout = ''
  let stderr = ''
  const watchers = new Set<() => void>()
  child.stdout!.on('data', (chunk) => {
    stdout += chunk
    for (const watch of watchers) watch()
  })
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const exited = once(child, 'close').then(([code, signal]) => {
    running.delete(child)
    for (const watch of watchers) watch()
    return { code: code as number | null, signal: signal as NodeJS.Signals | null }
  })
  let ended = false
  void exited.then(() => (ended = true))
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    printed: (pattern) =>
      new Promise((resolve, reject) => {
        const watch = () => {
          const match = pattern.exec(stdout)
          if (match) {
            watchers.delete(watch)
            resolve(match)
          } else if (ended) {
            watchers.delete(watch)
            reject(new Error(`the process ended before printing ${pattern}:\n${stdout}\n${stderr}`))
          }
        }
        watchers.add(watch)
        watch()
      }),
  }
}

/** `cdp-analytics forward <url> ...args`, resolved once it says it is forwarding. */
export async function startForwarder(url: string, args: string[], env: Record<string, string> = {}): Promise<Child> {
  const forwarder = start([CLI, 'forward', url, ...args], { CDP_WRITE_KEY: '', CDP_ENDPOINT: '', CDP_REGION: '', ...env })
  await forwarder.printed(/^forwarding /m)
  return forwarder
}

/** Runs `cdp-analytics forward` with these arguments to its end. */
export async function runForwardCommand(args: string[], env: Record<string, string> = {}) {
  const run = start([CLI, 'forward', ...args], { CDP_WRITE_KEY: '', CDP_ENDPOINT: '', CDP_REGION: '', ...env })
  const { code } = await run.exited
  return { code, stdout: run.stdout(), stderr: run.stderr() }
}

export interface ProducerSummary {
  accepted: string[]
  failed: Record<string, number>
  settled: number
}

/** An app process tracking `count` events (messageIds `<prefix>-<i>`) into `stream`. */
export function startProducer(url: string, stream: string, count: number, prefix: string, mode: 'burst' | 'paced' = 'burst') {
  const producer = start([PRODUCER, url, stream, String(count), prefix, mode])
  const summary = producer.exited.then(({ code, signal }) => {
    const last = producer.stdout().trim().split('\n').at(-1) ?? ''
    if (code !== 0) throw new Error(`producer ${prefix} ended with ${code ?? signal}:\n${producer.stderr()}`)
    return JSON.parse(last) as ProducerSummary
  })
  return { ...producer, summary }
}
