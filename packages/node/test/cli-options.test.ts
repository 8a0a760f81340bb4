// The CLI's pure flag checks, as tables: which flags given together are refused, and why.
import { describe, expect, it } from 'vitest'
import { checkConflicts, type Values } from '../src/cli/options.js'

describe('checkConflicts', () => {
  it.each([
    // flags given, the usage error (undefined: accepted)
    [{ 'dry-run': true }, undefined],
    [{ resume: 'cp.json', rate: '50' }, undefined],
    [{ 'dry-run': true, rejected: 'bad.ndjson', 'batch-size': '10' }, undefined],
    [{ 'dry-run': true, resume: 'cp.json' }, /^--dry-run and --resume cannot be used together: a dry run sends nothing/],
    [{ 'dry-run': true, rate: '50' }, /^--dry-run and --rate cannot be used together: .*nothing to pace/],
    [{ 'dry-run': true, rate: '50', resume: 'cp.json' }, /^--dry-run and --resume /], // the first pair is named
  ] satisfies [Values, RegExp | undefined][])('%o → %s', (values, error) => {
    if (error) expect(() => checkConflicts(values)).toThrow(error)
    else expect(() => checkConflicts(values)).not.toThrow()
  })
})
