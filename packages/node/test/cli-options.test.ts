// The CLI's pure flag checks, as tables: which flags given together are refused and why, the flag a
// typo resembles, and util.parseArgs's errors in the CLI's words.
import { describe, expect, it } from 'vitest'
import { checkConflicts, nearestFlag, parseErrorText, type Values } from '../src/cli/options.js'

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

describe('nearestFlag', () => {
  it.each([
    // what was typed (without dashes), the flag suggested
    ['evnt', 'event'],
    ['user_id', 'user-id'],
    ['batchsize', 'batch-size'],
    ['Batch_Size', 'batch-size'], // case and '_' do not count (the core's nearestName)
    ['timout', 'timeout'],
    ['colour', undefined], // nothing within two edits
    ['x', undefined],
  ])('%s → %s', (typed, flag) => {
    expect(nearestFlag(typed)).toBe(flag)
  })
})

describe('parseErrorText', () => {
  const parseError = (code: string, message: string) => Object.assign(new TypeError(message), { code })
  it.each([
    [
      parseError(
        'ERR_PARSE_ARGS_UNKNOWN_OPTION',
        `Unknown option '--evnt'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "--evnt"`,
      ),
      'unknown flag --evnt (did you mean --event?)',
    ],
    [parseError('ERR_PARSE_ARGS_UNKNOWN_OPTION', `Unknown option '-x'. To specify ...`), 'unknown flag -x'],
    [parseError('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '--event <value>' argument missing`), '--event needs a value'],
    [parseError('ERR_SOMETHING_ELSE', 'as Node says it'), 'as Node says it'],
  ])('%s → %s', (error, text) => {
    expect(parseErrorText(error)).toBe(text)
  })
})
