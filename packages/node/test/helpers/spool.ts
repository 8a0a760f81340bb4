// Shared by the spool tests: temporary spool directories (removed after each test), the writer
// child process (fixtures/spool-writer.mjs), and what a directory holds.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'
import { scanSegment } from '../../src/spool/record.js'

const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A new, empty directory for a spool, removed after the test. */
export function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cdp-spool-'))
  made.push(dir)
  return dir
}

/** The segment files of a spool directory, oldest first. */
export function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .sort()
}

/** The messages intact in a spool directory's segments, in order. */
export function spooledMessages(dir: string): { messageId: string; timestamp: string }[] {
  return segmentFiles(dir).flatMap((name) => {
    const bytes = readFileSync(join(dir, name))
    return scanSegment(bytes).records.map(([start, end]) => JSON.parse(bytes.toString('utf8', start, end)))
  })
}

/** The writer fixture's messages: ids m-<i>, timestamps BASE + i ms. */
export const BASE = Date.UTC(2024, 0, 1)
export const timestampOf = (i: number) => new Date(BASE + i).toISOString()

const writer = fileURLToPath(new URL('../fixtures/spool-writer.mjs', import.meta.url))

export interface Writer {
  child: ChildProcess
  /** Resolves once the writer printed `spooled N` with N >= count; with the N printed. */
  spooled(count: number): Promise<number>
  /** The last `spooled N` printed. */
  lastSpooled(): number
  /** Kills with SIGKILL and resolves once the process is gone (a zombie still holds its pid). */
  kill(): Promise<void>
  stderr(): string
}

/** Starts the writer child: `count` tracks in turns of `turn` calls against `endpoint`. */
export function startWriter(dir: string, endpoint: string, writeKey: string, count: number, turn = 500): Writer {
  const child = spawn(process.execPath, [writer, dir, endpoint, writeKey, String(count), String(turn)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let last = 0
  const waiters: { count: number; resolve: (n: number) => void }[] = []
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  child.stdout!.on('data', (chunk) => {
    stdout += chunk
    for (const match of stdout.matchAll(/spooled (\d+)\n/g)) last = Math.max(last, Number(match[1]))
    for (const waiter of waiters.splice(0)) {
      if (last >= waiter.count) waiter.resolve(last)
      else waiters.push(waiter)
    }
  })
  // 'close': the process is gone and its stdout read to the end.
  const exited = once(child, 'close')
  return {
    child,
    spooled: (count) => new Promise((resolve) => (last >= count ? resolve(last) : waiters.push({ count, resolve }))),
    lastSpooled: () => last,
    kill: async () => {
      child.kill('SIGKILL')
      await exited
    },
    stderr: () => stderr,
  }
}
