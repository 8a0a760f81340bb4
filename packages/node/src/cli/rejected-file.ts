/**
 * The `--rejected FILE` of an import, kept in step with the checkpoint (checkpoint.ts). A rejected
 * line is held until every line before it has an outcome, then written: so the file is in line
 * order, and its length when a checkpoint is saved covers exactly the rejected lines up to the
 * checkpoint's line. A resumed run cuts the file back to the length its checkpoint recorded
 * before going on, so a line that a killed run had already written past the checkpoint is written
 * once, not twice (issue 11).
 */
import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs'

export class RejectedFile {
  /** Rejected lines past the frontier, by line number, waiting for the lines before them. */
  private readonly held = new Map<number, string>()
  private frontier: number

  private constructor(
    readonly path: string,
    private readonly fd: number,
    /** Bytes of the rejected lines up to the frontier: the length a checkpoint records. */
    public bytes: number,
    from: number,
  ) {
    this.frontier = from
  }

  /**
   * Opens `path` for the lines after line `from`. `keepBytes` is how much of an existing file to
   * keep: the length the checkpoint recorded for it (anything after that is cut off), or `'all'`
   * to append to the whole file (a resume whose checkpoint has no record of this file). A file
   * now shorter than `keepBytes` was shortened by hand since: it is kept as it is.
   */
  static open(path: string, from: number, keepBytes: number | 'all'): RejectedFile {
    const fd = openSync(path, 'a')
    let bytes = fstatSync(fd).size
    if (keepBytes !== 'all' && bytes > keepBytes) {
      ftruncateSync(fd, keepBytes)
      bytes = keepBytes
    }
    return new RejectedFile(path, fd, bytes, from)
  }

  /** Lines held, waiting for the lines before them (they count towards the import's read-ahead). */
  get waiting(): number {
    return this.held.size
  }

  /** Line `n` was rejected: it is written once every line before it has an outcome. */
  add(n: number, line: string): void {
    this.held.set(n, line)
  }

  /** Every line up to `frontier` has an outcome: writes the held lines up to it, in line order. */
  advance(frontier: number): void {
    for (let n = this.frontier + 1; n <= frontier && this.held.size > 0; n++) {
      const line = this.held.get(n)
      if (line === undefined) continue
      this.held.delete(n)
      this.bytes += writeSync(this.fd, `${line}\n`)
    }
    this.frontier = Math.max(this.frontier, frontier)
  }

  /**
   * At the end of a run. A run that stopped early (a delivery failure) may hold lines past the
   * frontier: they are written too, so the file lists every line the summary counts as rejected,
   * but not counted in `bytes`, so a resumed run cuts them off and writes them again in order.
   */
  close(): void {
    const rest = [...this.held].sort(([a], [b]) => a - b)
    for (const [, line] of rest) writeSync(this.fd, `${line}\n`)
    this.held.clear()
    closeSync(this.fd)
  }
}
