/**
 * Measures the checks of .size-limit.mjs the way size-limit's esbuild + file plugins do:
 * bundle the import with esbuild (minified, tree-shaken, the check's worker config), gzip the
 * output (level 9), subtract esbuild's empty-project gzip overhead (46 B with an import, as
 * size-limit does). It exists because `@size-limit/file`, which the size-limit CLI needs for
 * any size check, is not a dependency of this package; `npx size-limit` runs the same config
 * once it is.
 *
 *   node src/size.mjs [--dry-run]      prints the table and writes it into BENCHMARKS.md
 */
import { build } from 'esbuild'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import checks from '../.size-limit.mjs'

const here = dirname(fileURLToPath(import.meta.url))
/** What size-limit subtracts for esbuild's own wrapper around an `import` check (gzip). */
const EMPTY_IMPORT_GZIP = 46

export function parseLimit(limit) {
  const match = /^([\d.]+)\s*(B|kB|KB|MB)$/.exec(limit)
  if (!match) throw new Error(`cannot read limit ${limit}`)
  const unit = { B: 1, kB: 1000, KB: 1024, MB: 1_000_000 }[match[2]]
  return Number(match[1]) * unit
}

export async function measureChecks() {
  const results = []
  for (const check of checks) {
    const path = resolve(here, '..', check.path)
    const what = check.import ?? '*'
    const contents =
      what === '*' ? `export * from ${JSON.stringify(path)}` : `import ${what} from ${JSON.stringify(path)}\nconsole.log(${what})`
    const base = {
      stdin: { contents, resolveDir: resolve(here, '..'), loader: 'js' },
      bundle: true,
      minifyIdentifiers: true,
      minifySyntax: true,
      minifyWhitespace: true,
      treeShaking: true,
      write: false,
      metafile: true,
      external: check.ignore,
    }
    const config = check.modifyEsbuildConfig ? check.modifyEsbuildConfig(base) : base
    const result = await build({ ...config, write: false, outdir: undefined, outfile: 'bundle.js', logLevel: 'silent' })
    const code = result.outputFiles[0].contents
    const gzip = gzipSync(code, { level: 9 }).length - EMPTY_IMPORT_GZIP
    const inputs = Object.entries(result.metafile.outputs['bundle.js'].inputs)
      .map(([file, { bytesInOutput }]) => ({ file, bytesInOutput }))
      .sort((a, b) => b.bytesInOutput - a.bytesInOutput)
    results.push({ name: check.name, minified: code.length, gzip, limit: parseLimit(check.limit), limitText: check.limit, inputs })
  }
  return results
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { fmt, machine, table, writeSection } = await import('./report.mjs')
  const results = await measureChecks()
  const packageShare = (r, needle) => r.inputs.filter((i) => i.file.includes(needle)).reduce((sum, i) => sum + i.bytesInOutput, 0)
  const markdown = [
    `## Bundle sizes (edge worker, browser page): ${new Date().toISOString().slice(0, 10)}`,
    '',
    '- Command: `pnpm --filter @cdp-analytics/bench size` (esbuild 0.25.9, ESM, minified, gzip level 9; workerd/worker/browser conditions for the edge, the browser condition for a page); guarded in CI by `packages/bench/test/size.test.mjs`.',
    `- Machine: ${machine()}`,
    "- For scale (issue #5): Segment's edge bundle is 25.5 kB, PostHog's 61.3 kB; in a page (issue 21), analytics-next's core is about 25 kB and posthog-js about 60 kB.",
    '- Issue 21 target: 12 kB for a page importing `{ Analytics }` from `@cdp-analytics/browser`: NOT met (see "The browser package (issue 21)").',
    '- Issue #5 target: 10 kB for a worker bundle. The "Budget" column holds the CI limits of `.size-limit.mjs`, which guard the size reached against growth; where they exceed 10 kB the target is not met (see "Targets of issue #5").',
    '',
    table(
      ['Bundle', 'Minified B', 'Gzip B', 'Budget', 'Of which valibot (min B)', 'nanoid (min B)', 'Within budget'],
      results.map((r) => [
        r.name,
        fmt.int(r.minified),
        fmt.int(r.gzip),
        r.limitText,
        fmt.int(packageShare(r, 'valibot')),
        fmt.int(packageShare(r, 'nanoid')),
        r.gzip <= r.limit ? '✅' : '❌',
      ]),
    ),
  ].join('\n')
  console.log(markdown)
  if (!process.argv.includes('--dry-run')) writeSection('size', markdown)
}
