// A copy of the repository as a fresh clone holds it: every file except what .gitignore files leave
// out (node_modules, dist, caches, test leftovers) and .git. It reads the .gitignore files rather than
// asking git, because CI runs on a copy of the tree without .git (.ci/run).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** One .gitignore line this copy understands: `name/` (a folder), `*.ext` (a suffix), `name` (a file or folder). */
interface Pattern {
  folderOnly: boolean
  matches: (name: string) => boolean
}

function readPatterns(dir: string): Pattern[] {
  const file = join(dir, '.gitignore')
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const folderOnly = line.endsWith('/')
      const glob = line.replace(/\/$/, '').replace(/^\//, '')
      if (glob.includes('/') || /[?[\]!]/.test(glob) || (glob.includes('*') && !/^\*[^*]+$/.test(glob))) {
        throw new Error(`${file}: "${line}" is a pattern this copy does not understand; extend repo-copy.ts`)
      }
      const matches = glob.startsWith('*') ? (name: string) => name.endsWith(glob.slice(1)) : (name: string) => name === glob
      return { folderOnly, matches }
    })
}

/** Copies `from` into `to` (created), leaving out .git and whatever the .gitignore files ignore. */
export function copyRepository(from: string, to: string): void {
  const walk = (source: string, target: string, inherited: Pattern[]) => {
    const patterns = [...inherited, ...readPatterns(source)]
    mkdirSync(target, { recursive: true })
    for (const entry of readdirSync(source, { withFileTypes: true })) {
      if (entry.name === '.git') continue
      const folder = entry.isDirectory()
      if (patterns.some((pattern) => (folder || !pattern.folderOnly) && pattern.matches(entry.name))) continue
      const path = join(source, entry.name)
      if (folder) walk(path, join(target, entry.name), patterns)
      else if (entry.isFile()) {
        copyFileSync(path, join(target, entry.name))
      }
    }
  }
  if (!statSync(from).isDirectory()) throw new Error(`${from} is not a folder`)
  walk(from, to, [])
}
