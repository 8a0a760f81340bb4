// The fault matrix of issue 4 (test/helpers/fault-matrix.ts) over the default transport, fetch; the
// other Node transports run it in fault-matrix-<name>.test.ts. Also: the table agrees with the pure
// retry policy and with the README.
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createFetchTransport, decideAttempt } from '../src/index.js'
import { FAULT_CASES, renderFaultTable, type FaultCase } from './helpers/fault-cases.js'
import { describeFaultMatrix } from './helpers/fault-matrix.js'

describeFaultMatrix('fetch', () => createFetchTransport())

describe('fault matrix: the table', () => {
  it.each(FAULT_CASES.filter((row) => row.status !== undefined).map((row) => [row.name, row] as const))(
    '%s agrees with the pure retry policy',
    (_name, row: FaultCase) => {
      const settings = { maxRetries: 1, backoff: () => 1000, maxRetryDelay: 30_000 }
      const outcome = decideAttempt({ kind: 'response', status: row.status! }, 1, settings, Date.now(), 1)
      const action = outcome.action === 'fail' ? outcome.reason : outcome.action
      expect(action).toBe(row.persists === 'delivered' ? 'delivered' : row.retried ? 'retry' : 'rejected')
    },
  )

  it('the README shows the same table (UPDATE_FAULT_TABLE=1 rewrites it)', () => {
    const readme = new URL('../README.md', import.meta.url)
    const text = readFileSync(readme, 'utf8')
    const begin = '<!-- fault-matrix:begin (generated from test/helpers/fault-cases.ts) -->\n'
    const end = '\n<!-- fault-matrix:end -->'
    const from = text.indexOf(begin)
    const to = text.indexOf(end)
    expect(from, 'README.md has the fault-matrix markers').toBeGreaterThanOrEqual(0)
    const current = text.slice(from + begin.length, to)
    const table = renderFaultTable()
    if (process.env.UPDATE_FAULT_TABLE && current !== table) {
      writeFileSync(readme, text.slice(0, from + begin.length) + table + text.slice(to))
      return
    }
    expect(current).toBe(table)
  })
})
