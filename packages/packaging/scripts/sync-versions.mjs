#!/usr/bin/env node
// After `changeset version` bumps package.json, the adapters' VERSION (sent as
// context.library.version on every message) must follow: this rewrites
// packages/{node,edge,browser}/src/version.ts from each package.json. Prints what it changed.
//
//   node packages/packaging/scripts/sync-versions.mjs
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const VERSION_LINE = /^export const VERSION = '([^']*)'$/m

/** Rewrites `export const VERSION = '…'` in <root>/packages/<name>/src/version.ts; returns the changes. */
export function syncVersions(root, names = ['node', 'edge', 'browser']) {
  const changes = []
  for (const name of names) {
    const dir = join(root, 'packages', name)
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const file = join(dir, 'src', 'version.ts')
    const source = readFileSync(file, 'utf8')
    const current = VERSION_LINE.exec(source)
    if (!current) throw new Error(`${file}: no line "export const VERSION = '…'"`)
    if (current[1] === version) continue
    writeFileSync(file, source.replace(VERSION_LINE, `export const VERSION = '${version}'`))
    changes.push({ name, from: current[1], to: version })
  }
  return changes
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('../../../', import.meta.url))
  const changes = syncVersions(root)
  for (const { name, from, to } of changes) console.log(`packages/${name}/src/version.ts: ${from} -> ${to}`)
  if (changes.length === 0) console.log('VERSION already matches package.json in node, edge and browser')
}
