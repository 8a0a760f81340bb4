// publint (package.json against the files the tarball really holds) and Are The Types Wrong (the
// types every entry resolves to under node10, node16 from CJS and from ESM, and bundler), both on
// the tarballs `pnpm pack` made, so they judge exactly what would be published.
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { describe, expect, it } from 'vitest'
import { PUBLISHED, tarballs } from './helpers/packages.js'
import { run } from './helpers/run.js'

const require = createRequire(import.meta.url)
const attwManifest = require.resolve('@arethetypeswrong/cli/package.json')
const attw = join(dirname(attwManifest), (JSON.parse(readFileSync(attwManifest, 'utf8')) as { bin: { attw: string } }).bin.attw)

interface AttwReport {
  analysis: {
    entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>
  }
  problems?: Record<string, unknown[]>
}

describe.each(PUBLISHED)('@cdp-analytics/%s', (name) => {
  it('publint: no errors, warnings or suggestions', async () => {
    const data = readFileSync(tarballs()[name])
    const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer
    const { messages, pkg } = await publint({ pack: { tarball }, level: 'suggestion', strict: true })
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false })}`)).toEqual([])
  })

  it('attw (strict profile): every entry has types under node10, node16 (CJS and ESM) and bundler', async () => {
    const result = await run(process.execPath, [attw, tarballs()[name], '--format', 'json'], { cwd: process.cwd() })
    const report = JSON.parse(result.stdout) as AttwReport
    const problems = Object.values(report.problems ?? {}).flat()
    expect(problems, result.transcript).toEqual([])
    const entrypoints = Object.entries(report.analysis.entrypoints)
    expect(entrypoints.map(([entry]) => entry)).toEqual(
      expect.arrayContaining(name === 'node' ? ['.', './testing', './ky', './redis', './package.json'] : ['.', './ky', './package.json']),
    )
    for (const [entry, { resolutions }] of entrypoints) {
      for (const kind of ['node10', 'node16-cjs', 'node16-esm', 'bundler']) {
        expect(resolutions[kind]?.resolution?.fileName, `${entry} under ${kind}`).toBeTruthy()
      }
    }
    expect(result.code, result.transcript).toBe(0)
  })
})
