// Packs core, node and edge once per run with `pnpm pack` (which turns `workspace:*` into the real
// version, as publishing does) and hands the tarball paths to every test file. The packages must be
// built: `pnpm test` (turbo) builds them first, as they are this package's devDependencies.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { PUBLISHED, packageDir, type Published } from './packages.js'
import { runOk } from './run.js'

export const PNPM = ['-y', 'pnpm@10.20.0'] as const

export default async function setup(project: TestProject): Promise<() => void> {
  for (const name of PUBLISHED) {
    if (!existsSync(join(packageDir(name), 'dist'))) {
      throw new Error(`packages/${name}/dist is missing: build first (npx -y pnpm@10.20.0 --filter @cdp-analytics/${name} build)`)
    }
  }
  const scratch = mkdtempSync(join(tmpdir(), 'cdp-packaging-'))
  const destination = join(scratch, 'tarballs')
  const packed = await Promise.all(
    PUBLISHED.map(async (name) => {
      const { stdout } = await runOk('npx', [...PNPM, 'pack', '--json', '--pack-destination', destination], { cwd: packageDir(name) })
      return [name, (JSON.parse(stdout) as { filename: string }).filename] as const
    }),
  )
  project.provide('tarballs', Object.fromEntries(packed) as Record<Published, string>)
  project.provide('scratch', scratch)
  // KEEP_PACKAGING_SCRATCH=1 keeps the tarballs and apps to look at after a failure.
  return () => {
    if (!process.env.KEEP_PACKAGING_SCRATCH) rmSync(scratch, { recursive: true, force: true })
  }
}
