// What `npm install` of each published package really brings, against what the documentation says
// (issue 20, item 9). The root README and every package's README state the run-time dependencies
// in one sentence ("Run-time dependencies: [nanoid](…) and [valibot](…)… Nothing else"); a fresh
// install of the packed tarballs, production dependencies only, must resolve exactly those (besides
// the SDK's own packages), so the sentence and the tree cannot drift apart.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { PUBLISHED, type Published, packageDir, repoRoot, scratchDir, tarballs } from './helpers/packages.js'
import { runOk } from './helpers/run.js'

/** The packages named (as links) in a README's dependency sentence. */
function statedDependencies(readme: string): string[] {
  const sentence = /Run-time dependencies: ([\s\S]*?)\. Nothing else/.exec(readme)
  if (!sentence) throw new Error('no "Run-time dependencies: ... Nothing else" sentence')
  return [...sentence[1]!.matchAll(/\[([^\]]+)\]\(/g)].map((link) => link[1]!).sort()
}

/** Names of every package `npm ls` resolves below `dir`, production dependencies only, not the SDK's own. */
async function resolvedDependencies(dir: string): Promise<string[]> {
  const { stdout } = await runOk('npm', ['ls', '--all', '--parseable', '--omit=dev'], { cwd: dir })
  const names = stdout
    .split('\n')
    .filter((path) => path.includes('node_modules'))
    .map((path) => (JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name: string }).name)
  return [...new Set(names)].filter((name) => !name.startsWith('@cdp-analytics/')).sort()
}

describe('statedDependencies', () => {
  it.each([
    ['Run-time dependencies: [nanoid](https://x) and [valibot](https://y). Nothing else.', ['nanoid', 'valibot']],
    ['Run-time dependencies: [valibot](https://y), with `core`,\nand [a](b). Nothing else; [ky](c) is a peer', ['a', 'valibot']],
  ])('%j → %j', (readme, names) => {
    expect(statedDependencies(readme)).toEqual(names)
  })

  it('finds no sentence where there is none', () => {
    expect(() => statedDependencies('Depends on nanoid.')).toThrow(/no "Run-time dependencies/)
  })
})

describe.each(PUBLISHED)('@cdp-analytics/%s installed from its tarball', (name: Published) => {
  let resolved: string[] = []

  beforeAll(async () => {
    const dir = join(scratchDir(), 'dependencies', name)
    mkdirSync(dir, { recursive: true })
    const { core, [name]: own } = tarballs()
    // core is not on the registry before a release: its tarball comes along (for core itself, once).
    const packed = [...new Set([core, own])]
    await runOk('npm', ['init', '-y'], { cwd: dir })
    await runOk('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed], {
      cwd: dir,
      timeoutMs: 170_000,
    })
    resolved = await resolvedDependencies(dir)
  })

  it("resolves exactly what its README's dependency sentence names", () => {
    expect(resolved).toEqual(statedDependencies(readFileSync(join(packageDir(name), 'README.md'), 'utf8')))
  })

  it("resolves exactly what the root README's dependency sentence names", () => {
    expect(resolved).toEqual(statedDependencies(readFileSync(join(repoRoot, 'README.md'), 'utf8')))
  })
})
