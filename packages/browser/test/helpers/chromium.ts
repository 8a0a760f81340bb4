// Real Chromium for the browser suite: Debian's `chromium` package, driven by playwright-core with
// `executablePath` (Playwright's own browser download cannot work on a machine without internet).
// Missing Chromium is installed here when we can (root with apt-get, as on CI); otherwise the
// suite fails with the command to run. It never skips.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Where Debian's package puts the browser binary (`/usr/bin/chromium` is a shell wrapper around it). */
export const DEBIAN_CHROMIUM = '/usr/lib/chromium/chromium'
const INSTALL = ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', 'chromium']

/** The binary to launch: `CHROMIUM_PATH` when set, else Debian's, installed first when missing. */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH is ${given}, which does not exist`)
    return given
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM
  const hint =
    'On Debian or Ubuntu run `sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium`; ' +
    'elsewhere set CHROMIUM_PATH to a Chromium or Chrome binary.'
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0
  if (process.getuid?.() !== 0 || !apt) throw new Error(`Chromium is missing (${DEBIAN_CHROMIUM}) and cannot be installed here. ${hint}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  let install = spawnSync('apt-get', INSTALL, { stdio: 'inherit', env })
  if (install.status !== 0) {
    // A fresh machine has no package lists yet.
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env })
    install = spawnSync('apt-get', INSTALL, { stdio: 'inherit', env })
  }
  if (install.status !== 0 || !existsSync(DEBIAN_CHROMIUM)) {
    throw new Error(`installing Chromium failed (apt-get ${INSTALL.join(' ')} exited ${install.status}). ${hint}`)
  }
  return DEBIAN_CHROMIUM
}

/** Flags that work as root in a container with no GPU and no internet. */
export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Headless Chromium with the back/forward cache on: Playwright passes `--disable-back-forward-cache`
 * by default, which would keep the bfcache test from testing anything. Each launch gets a fresh
 * profile (a user-data-dir of its own).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: LAUNCH_ARGS,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  })
}
