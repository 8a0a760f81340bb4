// The published packages, where their sources live, and where the global setup put their tarballs.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'

export const PUBLISHED = ['core', 'node', 'edge'] as const
export type Published = (typeof PUBLISHED)[number]

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
export const packageDir = (name: Published) => join(repoRoot, 'packages', name)

export interface Manifest {
  name: string
  version: string
  engines?: { node?: string }
  repository?: { type?: string; url?: string; directory?: string } | string
  homepage?: string
  license?: string
  [key: string]: unknown
}

export function sourceManifest(name: Published): Manifest {
  return JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as Manifest
}

/** The dependency fields of a manifest, where a `workspace:` range would leave the tarball uninstallable. */
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const

/** Every `workspace:` range of `manifest`, as `field.name: range` (what `npm pack` leaves in a tarball). */
export function workspaceRanges(manifest: Manifest): string[] {
  return DEPENDENCY_FIELDS.flatMap((field) =>
    Object.entries((manifest[field] ?? {}) as Record<string, string>)
      .filter(([, range]) => range.startsWith('workspace:'))
      .map(([name, range]) => `${field}.${name}: ${range}`),
  )
}

/** Absolute paths of the tarballs `pnpm pack` made in the global setup. */
export function tarballs(): Record<Published, string> {
  return inject('tarballs')
}

/** A fresh directory under the run's scratch directory (removed by the global teardown). */
export function scratchDir(): string {
  return inject('scratch')
}

declare module 'vitest' {
  export interface ProvidedContext {
    tarballs: Record<Published, string>
    scratch: string
  }
}
