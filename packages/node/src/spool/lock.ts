/**
 * One spool per directory: a lock file (`lock`) holding the owner's pid. A live owner (another
 * process, or another client in this one) makes a second client fail with a ConfigError; the lock
 * of a dead pid (a process killed before it could remove it) is taken over, with a warning.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ConfigError } from '@cdp-analytics/core'

/** Directories locked by clients of this process. */
const held = new Set<string>()

export interface Lock {
  path: string
  /** Set when a dead process's lock was taken over: its pid. */
  tookOverFrom?: number
  release(): void
}

export function acquireLock(dir: string): Lock {
  const key = resolve(dir)
  const path = join(key, 'lock')
  if (held.has(key))
    throw new ConfigError(`spool.dir ${dir}: another client of this process uses it; one spool directory serves one client`)
  let tookOverFrom: number | undefined
  if (!createExclusive(path)) {
    const owner = readPid(path)
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new ConfigError(`spool.dir ${dir}: process ${owner} uses it (${path}); give each process its own spool directory`)
    }
    // Dead, unreadable, or our own pid from an earlier life (pid 1 in a restarted container).
    tookOverFrom = owner ?? -1
    const temporary = `${path}.${process.pid}`
    writeWhole(temporary, 'w')
    renameSync(temporary, path)
  }
  held.add(key)
  let released = false
  return {
    path,
    tookOverFrom,
    release() {
      if (released) return
      released = true
      held.delete(key)
      try {
        if (readPid(path) === process.pid) unlinkSync(path)
      } catch {
        // Gone already: nothing to release.
      }
    },
  }
}

function createExclusive(path: string): boolean {
  try {
    writeWhole(path, 'wx')
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new ConfigError(`spool.dir: cannot create ${path} (${(error as Error).message})`)
  }
}

function writeWhole(path: string, flags: 'w' | 'wx'): void {
  const fd = openSync(path, flags)
  try {
    writeSync(fd, `${process.pid}\n`)
  } finally {
    closeSync(fd)
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** `kill(pid, 0)` probes without signalling: ESRCH means no such process; EPERM means alive, not ours. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
