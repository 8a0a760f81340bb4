#!/usr/bin/env node
// The whole test suite: Biome checks lint and formatting of the whole repository; turbo builds
// what each package needs and runs every package's vitest suite on the Node that runs this script,
// then tsc checks every package's types; then the core and node suites run again on each other
// supported Node line (the registry's `node` package through npx, downloaded once per version and
// cached). Each run writes a JSON report, and this script adds them all up into the one line CI
// reads: `N passed, N failed` (with `, N skipped` when any were skipped), after one line per runtime.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const REPORT = '.vitest-report.json'

/** Node lines the core and node suites also run on (issue 10: 20 is end of life, users run 22 and 24). */
const OTHER_NODES = ['22', '24']
/** The suites that run on every Node line: the runtime-neutral core and the Node adapter. */
const MATRIX_PACKAGES = ['packages/core', 'packages/node']

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

/**
 * What failed, named again just above the closing lines: CI keeps only the tail of the output, and a
 * count without names leaves a flaky test to be found by rerunning everything.
 */
const failures = []

/** The file, the test's full name and the first line of why, for each failure in one report. */
function noteFailures(report, runtime) {
  for (const result of report.testResults) {
    const file = result.name.startsWith(root) ? result.name.slice(root.length) : result.name
    if (result.status === 'failed' && result.assertionResults.length === 0) {
      failures.push(`${runtime}: ${file} did not load: ${firstLine(result.message)}`)
    }
    for (const test of result.assertionResults) {
      if (test.status === 'failed') failures.push(`${runtime}: ${file} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`)
    }
  }
}
const firstLine = (text = '') =>
  stripVTControlCharacters(text)
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim()
    .slice(0, 300) ?? '(no message)'

/** Counts of one vitest JSON report; a missing report (the suite did not run to the end) is one failure. */
function countReport(file, label, runtime) {
  if (!existsSync(file)) {
    console.error(`no test report from ${label}: its suite did not run to the end`)
    failures.push(`${runtime}: no test report from ${label} (its suite did not run to the end)`)
    return { passed: 0, failed: 1, skipped: 0 }
  }
  const report = JSON.parse(readFileSync(file, 'utf8'))
  noteFailures(report, runtime)
  return {
    passed: report.numPassedTests,
    // A file that fails to load (syntax error, failed import) counts no tests: count it.
    failed:
      report.numFailedTests +
      report.testResults.filter((result) => result.status === 'failed' && result.assertionResults.length === 0).length,
    skipped: report.numPendingTests + report.numTodoTests,
  }
}

const add = (total, counts) => {
  total.passed += counts.passed
  total.failed += counts.failed
  total.skipped += counts.skipped
}
const summary = ({ passed, failed, skipped }) => `passed ${passed}, failed ${failed}${skipped ? `, skipped ${skipped}` : ''}`

// 0. One linter and formatter for the whole repository: Biome, in check-only mode (`pnpm format` fixes).
const biome = spawnSync(join(root, 'node_modules/.bin/biome'), ['ci', '--colors=off', '.'], { cwd: root, stdio: 'inherit' })
const lint = { passed: biome.status === 0 ? 1 : 0, failed: biome.status === 0 ? 0 : 1, skipped: 0 }
if (biome.status !== 0) failures.push('Biome: lint or formatting (its report is above; `pnpm format` fixes formatting)')

// 1. Every package, on this Node, through turbo (which builds first).
const packages = testedPackages()
for (const dir of packages) rmSync(join(dir, REPORT), { force: true })

const turbo = spawnSync(
  join(root, 'node_modules/.bin/turbo'),
  ['run', 'test', '--continue', '--concurrency=2', '--', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORT}`],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } },
)

const runtimes = [{ label: 'Biome lint + format of the whole repository', counts: lint }]
const base = { passed: 0, failed: 0, skipped: 0 }
for (const dir of packages) add(base, countReport(join(dir, REPORT), dir, `Node ${process.versions.node}`))
if (turbo.status !== 0 && base.failed === 0) {
  base.failed = 1 // turbo failed outside any test (a build, a crash)
  failures.push(`Node ${process.versions.node}: turbo failed outside any test (a build or a crash; see above)`)
}
runtimes.push({ label: `Node ${process.versions.node}, every package`, counts: base })

// 1b. The type checker over every package that has a typecheck script (tests included where the
// package's tsconfig includes them): vitest strips types, so only tsc catches a wrong one.
const typecheck = spawnSync(join(root, 'node_modules/.bin/turbo'), ['run', 'typecheck', '--concurrency=2', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
})
if (typecheck.status !== 0) failures.push('tsc: a type error (its report is above)')
runtimes.push({
  label: 'tsc of every package',
  counts: { passed: typecheck.status === 0 ? 1 : 0, failed: typecheck.status === 0 ? 0 : 1, skipped: 0 },
})

// 2. The core and node suites again on each other Node line, on what turbo just built.
const reports = mkdtempSync(join(tmpdir(), 'cdp-analytics-reports-'))
try {
  for (const line of OTHER_NODES) {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    const node = ['-y', `node@${line}`]
    const probe = spawnSync('npx', [...node, '--version'], { cwd: root, encoding: 'utf8' })
    const version = probe.status === 0 ? probe.stdout.trim().replace(/^v/, '') : undefined
    if (version === undefined) {
      console.error(`could not run node@${line} through npx:\n${probe.stderr}`)
      counts.failed = 1
      failures.push(`Node ${line}: could not run node@${line} through npx`)
      runtimes.push({ label: `Node ${line}`, counts })
      continue
    }
    for (const pkg of MATRIX_PACKAGES) {
      const dir = join(root, pkg)
      const file = join(reports, `${pkg.replace('/', '-')}-node${line}.json`)
      console.log(`\n${pkg} on Node ${version}`)
      const run = spawnSync(
        'npx',
        [...node, join(dir, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${file}`],
        { cwd: dir, stdio: 'inherit', env: process.env },
      )
      const result = countReport(file, `${pkg} on Node ${version}`, `Node ${version}`)
      if (run.status !== 0 && result.failed === 0) {
        result.failed = 1 // vitest failed outside any test
        failures.push(`Node ${version}: ${pkg}'s vitest failed outside any test (see above)`)
      }
      add(counts, result)
    }
    runtimes.push({ label: `Node ${version}, ${MATRIX_PACKAGES.map((pkg) => pkg.split('/')[1]).join(' + ')}`, counts })
  }
} finally {
  rmSync(reports, { recursive: true, force: true })
}

const total = { passed: 0, failed: 0, skipped: 0 }
console.log('')
if (failures.length > 0) {
  console.log(`Failed (${failures.length}):`)
  for (const failure of failures) console.log(`  ${failure}`)
}
for (const { label, counts } of runtimes) {
  console.log(`${label}: ${summary(counts)}`)
  add(total, counts)
}
const closing = `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`
console.log(closing)
// .ci/run repeats the line after pnpm's own failure notice, so that it stays the last line printed.
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by .ci/run, not a turbo task input
const summaryFile = process.env.CDP_TEST_SUMMARY
if (summaryFile) writeFileSync(summaryFile, `${closing}\n`)
process.exit(total.failed === 0 && turbo.status === 0 ? 0 : 1)
