// What a user gets from the registry: each tarball stands alone, with a README that shows how to
// install and use the package (its links work from the registry page, outside this repository), a
// LICENSE, and the manifest fields registries and tools read.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { PUBLISHED, repoRoot, scratchDir, tarballs, workspaceRanges, type Manifest } from './helpers/packages.js'
import { runOk } from './helpers/run.js'

const REPOSITORY = 'https://github.com/cdp-analytics/cdp-analytics'

describe.each(PUBLISHED)('the @cdp-analytics/%s tarball', (name) => {
  let root = ''
  let files: string[] = []
  let manifest: Manifest

  beforeAll(async () => {
    const tarball = tarballs()[name]
    const into = join(scratchDir(), 'unpacked', name)
    mkdirSync(into, { recursive: true })
    await runOk('tar', ['-xzf', tarball, '-C', into], { cwd: into })
    files = (await runOk('tar', ['-tzf', tarball], { cwd: into })).stdout.split('\n').filter(Boolean)
    root = join(into, 'package')
    manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest
  })

  it('holds README.md, LICENSE (MIT), package.json and the build, nothing from src or test', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package/README.md',
        'package/LICENSE',
        'package/package.json',
        'package/dist/index.js',
        'package/dist/index.cjs',
      ]),
    )
    expect(files.filter((file) => /^package\/(src|test)\//.test(file))).toEqual([])
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4}/)
    expect(manifest.license).toBe('MIT')
  })

  it('declares engines, repository (with its directory) and homepage; no workspace: ranges left', () => {
    expect(manifest.engines?.node).toBe('>=20')
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${name}` })
    expect(manifest.homepage).toBe(`${REPOSITORY}/tree/main/packages/${name}#readme`)
    expect(workspaceRanges(manifest)).toEqual([])
    expect(JSON.stringify(manifest)).not.toContain('workspace:')
  })

  it('README stands alone: install command, an example importing the package, absolute links out of the package', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const install = readme.indexOf(`npm install @cdp-analytics/${name}`)
    const example = readme.search(new RegExp(`from '@cdp-analytics/${name}'`))
    expect(install, 'an install command').toBeGreaterThanOrEqual(0)
    expect(example, 'an example that imports the package').toBeGreaterThan(install)
    // Near the top: an example a reader sees before the details (the first ~40 lines).
    expect(readme.slice(0, example).split('\n').length).toBeLessThan(40)
    expect(readme).toContain(`${REPOSITORY}#readme`) // the full docs
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!)
    const relative = links.filter((link) => !/^(https?:|mailto:|#)/.test(link))
    // A relative link must point at a file inside the tarball (the registry shows no other file).
    for (const link of relative) {
      const path = link.replace(/#.*$/, '')
      expect(
        path.startsWith('..') ? `${link} (leaves the package)` : existsSync(join(root, path)) ? 'ok' : `${link} (not in the tarball)`,
      ).toBe('ok')
    }
  })
})

describe('workspaceRanges', () => {
  it.each([
    // a manifest as packed, the ranges found
    [{ name: 'a', version: '1.0.0', dependencies: { '@cdp-analytics/core': '0.1.0', valibot: '1.5.0' } }, []],
    // what `npm pack` leaves (issue 20, item 11): npm cannot install it (EUNSUPPORTEDPROTOCOL)
    [
      { name: 'a', version: '1.0.0', dependencies: { '@cdp-analytics/core': 'workspace:*' } },
      ['dependencies.@cdp-analytics/core: workspace:*'],
    ],
    [
      { name: 'a', version: '1.0.0', peerDependencies: { x: 'workspace:^' }, devDependencies: { y: 'workspace:~1.0.0' } },
      ['peerDependencies.x: workspace:^', 'devDependencies.y: workspace:~1.0.0'],
    ],
  ] as [Manifest, string[]][])('%j → %j', (manifest, ranges) => {
    expect(workspaceRanges(manifest)).toEqual(ranges)
  })
})

describe('the Releasing section of the root README', () => {
  it('says to pack with pnpm, and why not npm', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const releasing = readme.slice(readme.indexOf('## Releasing'))
    expect(releasing).toContain('npx -y pnpm@10.20.0 pack')
    expect(releasing).toMatch(/`npm pack`\s+leaves `"@cdp-analytics\/core": "workspace:\*"`/)
    expect(releasing.replace(/`npm pack`\s+leaves/, '')).not.toMatch(/\bnpm pack\b/)
  })
})
