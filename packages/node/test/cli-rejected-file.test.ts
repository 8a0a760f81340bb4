// The import's --rejected file on a real temporary file: how much of an existing file a resumed
// run keeps, and that lines are written in line order once the lines before them have an outcome.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RejectedFile } from '../src/cli/rejected-file.js'

const dir = mkdtempSync(join(tmpdir(), 'cdp-rejected-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const fileWith = (content: string | undefined) => {
  const path = join(dir, `rejected-${++files}.ndjson`)
  if (content !== undefined) writeFileSync(path, content)
  return path
}

describe('RejectedFile.open', () => {
  it.each([
    // existing content, keepBytes, content kept, bytes counted
    [undefined, 0, '', 0], // no file yet: created empty
    ['a\nb\nc\n', 0, '', 0], // a fresh import starts it empty
    ['a\nb\nc\n', 4, 'a\nb\n', 4], // a resume cuts back to what its checkpoint recorded
    ['a\nb\nc\n', 'all', 'a\nb\nc\n', 6], // a checkpoint with no record of this file: append
    ['a\n', 4, 'a\n', 2], // shortened by hand since: kept as it is
  ] as const)('%j keeping %s leaves %j (%i bytes)', (content, keepBytes, kept, bytes) => {
    const path = fileWith(content)
    const file = RejectedFile.open(path, 10, keepBytes)
    expect(file.bytes).toBe(bytes)
    file.close()
    expect(readFileSync(path, 'utf8')).toBe(kept)
  })
})

describe('RejectedFile writes', () => {
  it('holds a line until the frontier passes it, writes in line order, and counts only lines up to the frontier', () => {
    const path = fileWith(undefined)
    const file = RejectedFile.open(path, 0, 0)
    file.add(3, 'three')
    file.add(1, 'one')
    expect(file.waiting).toBe(2)
    file.advance(1)
    expect(readFileSync(path, 'utf8')).toBe('one\n')
    expect(file.bytes).toBe(4)
    file.advance(4)
    file.add(7, 'seven') // past the frontier when the run ends (a delivery failure stopped it)
    file.add(6, 'six')
    file.close()
    expect(readFileSync(path, 'utf8')).toBe('one\nthree\nsix\nseven\n')
    expect(file.bytes).toBe(10) // "one\nthree\n": a resumed run cuts six and seven off, then writes them again
  })
})
