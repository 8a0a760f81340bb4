/**
 * The import's checkpoint: the highest line number L such that every line up to L has a final
 * outcome (delivered, or rejected and reported). A re-run skips lines up to L, so nothing is lost,
 * and re-sends at most what had no outcome yet: the batches on the wire and the queued lines.
 * Written atomically (temp file + rename): a kill at any moment leaves the old or the new one.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { UsageError } from './options.js'

export interface RejectedAt {
  path: string
  bytes: number
}

interface Saved {
  version: 1
  /** The input as given (`-` for stdin): a checkpoint is only valid for the same input. */
  input: string
  line: number
  /**
   * The `--rejected` file (absolute path) and its length in bytes when it held the rejected lines
   * up to `line`: a resumed run cuts it back to that length (rejected-file.ts).
   */
  rejected?: RejectedAt
  /**
   * How many lines up to `line` were rejected (by this run and the runs before it): a resumed run
   * counts them in its summary and exit code, so a CI loop cannot take the file for clean.
   */
  rejectedLines?: number
  complete: boolean
  updatedAt: string
}

export class Checkpoint {
  private written = ''

  private constructor(
    readonly path: string,
    private readonly input: string,
    /** Lines up to here had an outcome in an earlier run. */
    readonly start: number,
    /** The rejected file as the earlier run left it at `start`, when it had one. */
    readonly rejected: RejectedAt | undefined,
    /** Lines up to `start` that earlier runs rejected (0 for a checkpoint that did not count them). */
    readonly rejectedLines: number,
  ) {}

  /** Reads FILE, or creates it (line 0) when missing. */
  static open(path: string, input: string): Checkpoint {
    if (!existsSync(path)) {
      const created = new Checkpoint(path, input, 0, undefined, 0)
      created.save(0, false, undefined, 0)
      return created
    }
    let saved: Partial<Saved>
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<Saved>
    } catch (error) {
      throw new UsageError(`--resume ${path}: not a checkpoint file (${(error as Error).message})`)
    }
    if (saved.version !== 1 || !Number.isInteger(saved.line) || (saved.line as number) < 0) {
      throw new UsageError(`--resume ${path}: not a checkpoint file of this tool`)
    }
    if (saved.input !== input) {
      throw new UsageError(
        `--resume ${path} belongs to the import of ${JSON.stringify(saved.input)}, not ${JSON.stringify(input)}; use another checkpoint file`,
      )
    }
    if (saved.rejected !== undefined && !isRejectedAt(saved.rejected)) {
      throw new UsageError(`--resume ${path}: not a checkpoint file of this tool (bad "rejected")`)
    }
    const rejectedLines = saved.rejectedLines ?? 0
    if (!Number.isInteger(rejectedLines) || rejectedLines < 0) {
      throw new UsageError(`--resume ${path}: not a checkpoint file of this tool (bad "rejectedLines")`)
    }
    return new Checkpoint(path, input, saved.line as number, saved.rejected, rejectedLines)
  }

  /**
   * Writes `line` (with the rejected file's length and the count of rejected lines up to it) when
   * they moved: cheap to call often.
   */
  save(line: number, complete: boolean, rejected: RejectedAt | undefined, rejectedLines: number): void {
    const key = `${line} ${complete} ${rejected?.bytes} ${rejectedLines}`
    if (key === this.written) return
    const saved: Saved = {
      version: 1,
      input: this.input,
      line,
      ...(rejected ? { rejected } : {}),
      rejectedLines,
      complete,
      updatedAt: new Date().toISOString(),
    }
    const temp = `${this.path}.${process.pid}.tmp`
    writeFileSync(temp, `${JSON.stringify(saved)}\n`)
    renameSync(temp, this.path)
    this.written = key
  }
}

function isRejectedAt(value: unknown): value is RejectedAt {
  const { path, bytes } = (value ?? {}) as Partial<RejectedAt>
  return typeof path === 'string' && Number.isInteger(bytes) && (bytes as number) >= 0
}

/** The highest line L such that every line ≤ L has settled; lines settle in any order. */
export class Frontier {
  private readonly ahead = new Set<number>()

  constructor(public line: number) {}

  settle(n: number): void {
    if (n !== this.line + 1) {
      this.ahead.add(n)
      return
    }
    this.line = n
    while (this.ahead.delete(this.line + 1)) this.line++
  }
}
