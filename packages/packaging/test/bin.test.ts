// The `cdp-analytics` command as the node tarball ships it (issue 11): declared in `bin`, an
// executable ES module with a shebang, and it runs: --help, and a send that reaches a collector.
// The bin is a small committed file (bin/cdp-analytics.js) that loads the build's dist/cli.js, so a
// workspace install can link it before anything is built (issue 20); a build without dist/ says so.
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startCollector } from '@cdp-analytics/node/testing'
import { beforeAll, describe, expect, it } from 'vitest'
import { packageDir, scratchDir, tarballs, type Manifest } from './helpers/packages.js'
import { runOk } from './helpers/run.js'

describe('the cdp-analytics bin in the @cdp-analytics/node tarball', () => {
  let root = ''
  let bin = ''

  beforeAll(async () => {
    const into = join(scratchDir(), 'bin')
    mkdirSync(into, { recursive: true })
    await runOk('tar', ['-xzf', tarballs().node, '-C', into], { cwd: into })
    root = join(into, 'package')
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest & { bin?: Record<string, string> }
    expect(manifest.bin).toEqual({ 'cdp-analytics': './bin/cdp-analytics.js' })
    bin = join(root, manifest.bin!['cdp-analytics']!)
    // Its dependencies (core, valibot) as an install would provide them.
    symlinkSync(join(packageDir('node'), 'node_modules'), join(root, 'node_modules'))
  })

  it('is an executable ES module with a node shebang', () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(statSync(bin).mode & 0o111).toBe(0o111)
  })

  it('loads the build, which the tarball holds', () => {
    expect(readFileSync(bin, 'utf8')).toContain("new URL('../dist/cli.js', import.meta.url)")
    expect(statSync(join(root, 'dist', 'cli.js')).isFile()).toBe(true)
  })

  it('runs: --help, and a send delivered to a collector', async () => {
    const help = await promisify(execFile)(bin, ['--help'])
    expect(help.stdout).toContain('cdp-analytics import <FILE.ndjson | ->')
    const collector = await startCollector({ writeKey: 'bin-key' })
    try {
      const env = { ...process.env, CDP_WRITE_KEY: 'bin-key', CDP_ENDPOINT: collector.url }
      const sent = await promisify(execFile)(bin, ['send', 'track', '--user-id', 'u1', '--event', 'From the tarball'], { env })
      expect(sent.stdout).toMatch(/^delivered track \S+\n$/)
      expect(collector.messages).toMatchObject([{ event: 'From the tarball', context: { library: { name: '@cdp-analytics/node' } } }])
    } finally {
      await collector.close()
    }
  })
})
