// One process of `bench:instructions`: a warm-up of 2,000 `track()` calls, then `n` more in one
// synchronous loop, each turn's spool write included (the loop is followed by one event-loop turn).
// argv: n, mode ('memory' | 'spool')
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Analytics } from '@cdp-analytics/node'
import { trackParams } from './workload.mjs'

const [n, mode] = [Number(process.argv[2]), process.argv[3]]
const transport = { send: async () => ({ kind: 'response', status: 200 }) }
const quiet = { debug() {}, info() {}, warn() {}, error() {} }
const dir = mode === 'spool' ? mkdtempSync(join(tmpdir(), 'cdp-instructions-')) : undefined
const client = new Analytics({ writeKey: 'k', transport, flushOnExit: false, logger: quiet, ...(dir ? { spool: { dir } } : {}) })
const params = Array.from({ length: 1000 }, (_, i) => trackParams(i))
const turn = () => new Promise((resolve) => setImmediate(resolve))
for (let i = 0; i < 2000; i++) client.track(params[i % 1000])
await turn()
for (let i = 0; i < n; i++) client.track(params[i % 1000])
await turn()
if (dir) rmSync(dir, { recursive: true, force: true })
process.exit(0)
