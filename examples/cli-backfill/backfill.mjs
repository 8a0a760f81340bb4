// Backfills an NDJSON file of historical events with the `cdp-analytics import` command of
// @cdp-analytics/node, resumable: the checkpoint (FILE.checkpoint) makes a re-run of the same
// command after a crash, a kill, Ctrl-C or a failed delivery skip every line that already has an
// outcome. Rejected lines go to FILE.rejected.ndjson, as they were, to fix and import again.
//
//   CDP_WRITE_KEY=your-key node backfill.mjs [events.ndjson]    (CDP_ENDPOINT=https://cdp-eu.customer.io for the EU)
//
// Where @cdp-analytics/node is installed, the command alone does the same (never a bare `npx
// cdp-analytics`, which would fetch a registry package of that name where this one is not installed):
//   ./node_modules/.bin/cdp-analytics import events.ndjson --resume events.ndjson.checkpoint --rejected events.ndjson.rejected.ndjson
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const file = process.argv[2] ?? 'events.ndjson'

// The command's entry file, found through the installed package (what node_modules/.bin/cdp-analytics runs).
const manifest = createRequire(import.meta.url).resolve('@cdp-analytics/node/package.json')
const cli = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin['cdp-analytics'])

const child = spawn(process.execPath, [cli, 'import', file, '--resume', `${file}.checkpoint`, '--rejected', `${file}.rejected.ndjson`], {
  stdio: 'inherit',
})
// Ctrl-C reaches the command too: it stops after what is in flight, writes the checkpoint and exits 130.
process.on('SIGINT', () => {})
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
