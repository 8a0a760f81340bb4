/**
 * A segment: one data file of the spool and the count of its messages still without an outcome.
 * Files are named by a number that only grows (`000000000042.seg`), so names sort in write order
 * and a new process continues after the highest it finds. A segment is deleted whole once every
 * message in it has a final outcome and no more will be appended (Vector's data files, Segment's
 * batch files): never earlier (Vector #22489, #25570), and there is no ledger beside the files to
 * fall out of step with them (Vector #16231): what is on disk is the state.
 */
import { join } from 'node:path'

export class Segment {
  /** Bytes of the file, records accepted but not yet written included. */
  bytes = 0
  /** Messages in it without a final outcome (written, or to be written this turn). */
  open = 0
  /** Bytes written to the file so far. */
  written = 0
  /** Closed for appends (full, or a write failed); deleted when `open` reaches 0. */
  sealed = false
  deleted = false
  fd: number | undefined
  /** Written since the last sync. */
  dirty = false
  /** The sync in progress, if any. */
  syncing: Promise<void> | undefined

  constructor(
    readonly id: number,
    readonly path: string,
  ) {}
}

const NAME = /^(\d{12})\.seg$/

export function segmentName(id: number): string {
  return `${String(id).padStart(12, '0')}.seg`
}

/** The id of a segment file's name, or undefined for any other file. */
export function segmentId(name: string): number | undefined {
  const match = NAME.exec(name)
  return match ? Number(match[1]) : undefined
}

export function segmentPath(dir: string, id: number): string {
  return join(dir, segmentName(id))
}
