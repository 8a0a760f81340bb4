/**
 * One spool per directory: a lock file (`lock`) holding the owner's pid. A live owner (another
 * process, or another client in this one) makes a second client fail with a ConfigError; the lock
 * of a dead pid (a process killed before it could remove it) is taken over, with a warning.
 *
 * Pids are reused: after a reboot or a container restart the pid in an old lock may belong to an
 * unrelated process (or to this one). On Linux the lock also holds the owner's start time (field
 * 22 of /proc/<pid>/stat), so a live pid that started at another time is not the owner.
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
    const owner = readOwner(path)
    if (owner !== undefined && owner.pid !== process.pid && isRunning(owner)) {
      throw new ConfigError(`spool.dir ${dir}: process ${owner.pid} uses it (${path}); give each process its own spool directory`)
    }
    // Dead, unreadable, or our own pid from an earlier life (pid 1 in a restarted container).
    tookOverFrom = owner?.pid ?? -1
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
        if (readOwner(path)?.pid === process.pid) unlinkSync(path)
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
    writeSync(fd, `${process.pid} ${startTime(process.pid) ?? ''}\n`)
  } finally {
    closeSync(fd)
  }
}

interface Owner {
  pid: number
  /** Start time in clock ticks since boot (Linux), when the lock recorded it. */
  started: string | undefined
}

function readOwner(path: string): Owner | undefined {
  try {
    const [pidText, started] = readFileSync(path, 'utf8').trim().split(' ')
    const pid = Number.parseInt(pidText ?? '', 10)
    return Number.isSafeInteger(pid) && pid > 0 ? { pid, started: started || undefined } : undefined
  } catch {
    return undefined
  }
}

/** `kill(pid, 0)` probes without signalling: ESRCH means no such process; EPERM means alive, not ours. */
function isRunning(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  // Alive: the owner only if it started when the owner did (where both are known).
  const started = startTime(owner.pid)
  return owner.started === undefined || started === undefined || started === owner.started
}

/** A process's start time from /proc/<pid>/stat (Linux), or undefined elsewhere. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) start at field 3.
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}
