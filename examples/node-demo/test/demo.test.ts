import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const demo = fileURLToPath(new URL('../demo.mjs', import.meta.url))

it('the demo delivers all six calls to the local collector, all valid', async () => {
  const env = { ...process.env }
  delete env.CDP_WRITE_KEY
  const { stdout } = await promisify(execFile)(process.execPath, [demo], { env, timeout: 30_000 })
  for (const call of ['identify', 'track', 'page', 'screen', 'group', 'alias']) {
    expect(stdout).toMatch(new RegExp(`delivered ${call}`))
  }
  expect(stdout).toMatch(/valid against batch\.schema\.json/)
  expect(stdout).not.toMatch(/INVALID|FAILED/)
  expect(stdout).toMatch(/All 6 messages delivered and valid\./)
}, 40_000)
