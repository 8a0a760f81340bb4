export interface VersionChange {
  name: string
  from: string
  to: string
}
/** Rewrites `export const VERSION = '…'` in <root>/packages/<name>/src/version.ts; returns the changes. */
export function syncVersions(root: string, names?: string[]): VersionChange[]
