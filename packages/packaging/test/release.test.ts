// The release flow of the root README's "Releasing" section, on a copy of the workspace's manifests:
// a changeset for one package bumps core, node and edge together (`fixed`), writes their CHANGELOGs,
// leaves the private packages alone, and the version sync carries the new version into the VERSION
// the adapters send as context.library.version.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncVersions } from '../scripts/sync-versions.mjs'
import { PUBLISHED, repoRoot, scratchDir, type Manifest } from './helpers/packages.js'
import { runOk } from './helpers/run.js'

const changeset = join(repoRoot, 'node_modules', '.bin', 'changeset')
const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8')
const manifest = (root: string, path: string) => JSON.parse(read(root, path)) as Manifest

describe('releasing with changesets', () => {
  let root = ''
  let privates: string[] = []

  beforeAll(async () => {
    root = mkdtempSync(join(scratchDir(), 'release-'))
    // The changesets config, not the changesets pending in the repository: their bumps (a minor
    // for a feature) would change the version this test expects from its one patch changeset.
    for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json'])
      cpSync(join(repoRoot, file), join(root, file), { recursive: true })
    const dirs = ['packages', 'examples'].flatMap((group) => readdirSync(join(repoRoot, group)).map((name) => `${group}/${name}`))
    for (const dir of dirs.filter((d) => existsSync(join(repoRoot, d, 'package.json')))) {
      for (const file of ['package.json', 'CHANGELOG.md', 'src/version.ts']) {
        if (existsSync(join(repoRoot, dir, file))) cpSync(join(repoRoot, dir, file), join(root, dir, file))
      }
    }
    privates = dirs.filter((d) => existsSync(join(root, d, 'package.json')) && manifest(root, `${d}/package.json`).private)
    writeFileSync(join(root, '.changeset', 'fix-retries.md'), "---\n'@cdp-analytics/node': patch\n---\n\nRetries keep their order.\n")
    await runOk(changeset, ['version'], { cwd: root })
  })

  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('bumps core, node and edge together, with a CHANGELOG entry in each; private packages untouched', () => {
    const before = manifest(repoRoot, 'packages/node/package.json').version
    const [major, minor, patch] = before.split('.').map(Number)
    const next = `${major}.${minor}.${patch! + 1}`
    // The browser package is in the fixed group too (its packaging checks are not part of PUBLISHED yet).
    expect(manifest(root, 'packages/browser/package.json').version).toBe(next)
    for (const name of PUBLISHED) {
      expect(manifest(root, `packages/${name}/package.json`).version, name).toBe(next)
      expect(read(root, `packages/${name}/CHANGELOG.md`)).toMatch(
        new RegExp(`^# @cdp-analytics/${name}\\n\\n## ${next.replaceAll('.', '\\.')}\\n`),
      )
    }
    expect(read(root, 'packages/node/CHANGELOG.md')).toContain('- Retries keep their order.')
    expect(privates.length).toBeGreaterThan(0)
    for (const dir of privates) expect(read(root, `${dir}/package.json`), dir).toBe(read(repoRoot, `${dir}/package.json`))
    expect(existsSync(join(root, '.changeset', 'fix-retries.md')), 'the changeset is consumed').toBe(false)
  })

  it('the version sync carries the new version into the VERSION node, edge and browser send', () => {
    const next = manifest(root, 'packages/node/package.json').version
    const changes = syncVersions(root)
    expect(changes.map((c) => [c.name, c.to])).toEqual([
      ['node', next],
      ['edge', next],
      ['browser', next],
    ])
    for (const name of ['node', 'edge', 'browser'])
      expect(read(root, `packages/${name}/src/version.ts`)).toContain(`export const VERSION = '${next}'`)
    expect(syncVersions(root), 'a second run has nothing to do').toEqual([])
  })
})
