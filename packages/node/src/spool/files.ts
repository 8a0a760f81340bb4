/** The spool's file operations that are more than one call: listing, reading, moving aside. */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { isDamaged, type SegmentScan, scanSegment } from './record.js'
import { segmentId } from './segment.js'

/** Damaged segments are kept here for a person to look at; the newest few only. */
export const DAMAGED_DIR = 'damaged'
const DAMAGED_KEPT = 5

export interface SegmentFile {
  id: number
  path: string
  size: number
}

/** The segment files of `dir`, oldest first. */
export function listSegments(dir: string): SegmentFile[] {
  const files: SegmentFile[] = []
  for (const name of readdirSync(dir)) {
    const id = segmentId(name)
    if (id === undefined) continue
    const path = join(dir, name)
    files.push({ id, path, size: statSync(path).size })
  }
  return files.sort((a, b) => a.id - b.id)
}

export interface ReadSegment {
  jsons: string[]
  /** UTF-8 bytes of each JSON. */
  bytes: number[]
  scan: SegmentScan
  damaged: boolean
}

export function readSegment(path: string): ReadSegment {
  const buffer = readFileSync(path)
  const scan = scanSegment(buffer)
  const jsons: string[] = []
  const bytes: number[] = []
  for (const [start, end] of scan.records) {
    jsons.push(buffer.toString('utf8', start, end))
    bytes.push(end - start)
  }
  return { jsons, bytes, scan, damaged: isDamaged(scan) }
}

/** Moves a damaged segment into `damaged/` and deletes all but the newest few there. */
export function moveAside(dir: string, path: string, name: string): string {
  const aside = join(dir, DAMAGED_DIR)
  mkdirSync(aside, { recursive: true })
  const target = join(aside, `${name}.${Date.now()}`)
  renameSync(path, target)
  const kept = readdirSync(aside).sort()
  for (const old of kept.slice(0, Math.max(0, kept.length - DAMAGED_KEPT))) unlinkQuietly(join(aside, old))
  return target
}

/** Writes all of `buffer` at the end of `fd` (write(2) may take less than asked). */
export function writeAll(fd: number, buffer: Buffer, length: number): void {
  let done = 0
  while (done < length) done += writeSync(fd, buffer, done, length - done)
}

/** Makes a new file's name durable (its directory entry), for the sync modes that promise power-loss safety. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some filesystems refuse fsync on a directory; the file's own sync still holds its data.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // Already gone.
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // Already closed.
  }
}
