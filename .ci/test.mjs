#!/usr/bin/env node
// The whole test suite: turbo builds what each package needs and runs every package's vitest
// suite; each writes a JSON report, and this script adds them up into the one line CI reads:
// `N passed, N failed` (with `, N skipped` when any were skipped).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const REPORT = '.vitest-report.json'

/** Workspace packages that have a `test` script (globs of pnpm-workspace.yaml). */
function testedPackages() {
  const dirs = ['packages', 'examples'].flatMap((group) => {
    const base = join(root, group)
    return existsSync(base) ? readdirSync(base).map((name) => join(base, name)) : []
  })
  return dirs.filter((dir) => {
    const manifest = join(dir, 'package.json')
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test
  })
}

const packages = testedPackages()
for (const dir of packages) rmSync(join(dir, REPORT), { force: true })

const turbo = spawnSync(
  join(root, 'node_modules/.bin/turbo'),
  ['run', 'test', '--continue', '--concurrency=2', '--', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORT}`],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } },
)

let passed = 0
let failed = 0
let skipped = 0
for (const dir of packages) {
  const file = join(dir, REPORT)
  if (!existsSync(file)) {
    console.error(`no test report from ${dir}: its suite did not run to the end`)
    failed++
    continue
  }
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
  // A file that fails to load (syntax error, failed import) counts no tests: count it.
  failed += report.testResults.filter((result) => result.status === 'failed' && result.assertionResults.length === 0).length
}

if (turbo.status !== 0 && failed === 0) failed = 1 // turbo failed outside any test (a build, a crash)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 && turbo.status === 0 ? 0 : 1)
