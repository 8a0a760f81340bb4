// A real redis-server for tests, examples and benchmarks (README.md). Debian's package is the one
// source: installed when missing (as root, through apt-get), never downloaded or built here.
import { spawn } from 'node:child_process'
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/** What to run, as root, on Debian or Ubuntu; the error of a machine without it names it. */
export const INSTALL_COMMAND = 'apt-get install -y --no-install-recommends redis-server'

/** The longest a start may take (loading a large AOF included) before it counts as failed. */
const START_TIMEOUT_MS = 30_000
/** The longest one apt-get may run (a cold `apt-get update` on a slow mirror included). */
const APT_TIMEOUT_MS = 600_000
/** A lock older than this was left by an installer that died. */
const STALE_LOCK_MS = APT_TIMEOUT_MS + 60_000

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The path of redis-server on PATH (or where Debian puts it), or undefined. */
export function findRedisServer() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/sbin', '/usr/local/bin']
  return dirs.map((dir) => join(dir, 'redis-server')).find(executable)
}

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(command, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ code: -1, output: `${output}${error.message}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

/** Holds a lock directory while `task` runs, so that parallel test runs install one at a time. */
async function withInstallLock(task) {
  const lock = join(tmpdir(), 'cdp-analytics-redis-install.lock')
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true })
      } catch {
        // Gone meanwhile: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  try {
    writeFileSync(join(lock, 'pid'), String(process.pid))
    return await task()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function missing(why) {
  return new Error(
    `redis-server is not installed, and ${why}. The Redis Streams tests need a real Redis: install Debian's package ` +
      `as root (\`${INSTALL_COMMAND}\`, after \`apt-get update\` on a fresh machine), or put a redis-server of 6.2 or ` +
      'later on PATH (macOS: `brew install redis`).',
  )
}

/**
 * The path of redis-server, installing Debian's package first when it is missing and this process
 * may (root, with apt-get). Throws an error naming the command to run otherwise.
 */
export async function ensureRedisServer() {
  const found = findRedisServer()
  if (found) return found
  if (process.platform !== 'linux') throw missing(`this is ${process.platform}, not a Debian/Ubuntu machine the tests can install it on`)
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    throw missing('the tests are not running as root, so they cannot install it')
  const apt = ['/usr/bin/apt-get', '/bin/apt-get'].find(executable)
  if (!apt) throw missing('there is no apt-get here to install it with')
  return withInstallLock(async () => {
    const again = findRedisServer()
    if (again) return again
    const lockWait = ['-o', 'DPkg::Lock::Timeout=300']
    const install = () => run(apt, [...lockWait, 'install', '-y', '--no-install-recommends', 'redis-server'], APT_TIMEOUT_MS)
    let result = await install()
    if (result.code !== 0) {
      // A fresh container has empty package lists: the install finds no package until an update.
      const update = await run(apt, [...lockWait, 'update'], APT_TIMEOUT_MS)
      result = update.code === 0 ? await install() : update
    }
    const installed = findRedisServer()
    if (!installed) throw missing(`\`${INSTALL_COMMAND}\` failed (exit ${result.code}):\n${result.output.slice(-2000)}`)
    return installed
  })
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Servers of this process still running: killed if the process exits without stopping them. */
const running = new Set()
let exitHooked = false
function hookExit() {
  if (exitHooked) return
  exitHooked = true
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}

/**
 * Starts redis-server on a free 127.0.0.1 port, in a temporary directory of its own, with AOF on
 * (`appendonly: false` turns it off). Resolves once it accepts connections.
 */
export async function startRedisServer(options = {}) {
  const bin = await ensureRedisServer()
  const dir = mkdtempSync(join(tmpdir(), 'cdp-redis-'))
  const port = await freePort()
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    options.appendonly === false ? 'no' : 'yes',
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    '',
    ...(options.args ?? []),
  ]
  let child
  let log = ''

  const launch = () =>
    new Promise((resolve, reject) => {
      log = ''
      child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      running.add(child)
      hookExit()
      const started = child
      const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS)
      const fail = (error) => {
        clearTimeout(timer)
        started.kill('SIGKILL')
        reject(error)
      }
      const onData = (chunk) => {
        log += chunk
        if (/Ready to accept connections/.test(log)) {
          clearTimeout(timer)
          resolve()
        }
      }
      started.stdout.on('data', onData)
      started.stderr.on('data', onData)
      started.once('error', fail)
      started.once('exit', (code, signal) => {
        running.delete(started)
        if (!/Ready to accept connections/.test(log))
          fail(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${log}`))
      })
    })

  /** Ends the current process with `signal` and waits until it is gone. */
  const end = async (signal) => {
    const current = child
    if (!current || current.exitCode !== null || current.signalCode !== null) return
    const exited = new Promise((resolve) => current.once('exit', resolve))
    current.kill(signal)
    await exited
  }

  await launch()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child.pid
    },
    /** What the server logged since its last start. */
    log: () => log,
    /** SIGKILL: nothing is flushed (what the AOF holds is what a restart loads). */
    kill: () => end('SIGKILL'),
    /** Starts it again on the same port and directory (after kill() or stop({ keep: true })). */
    restart: async () => {
      await end('SIGKILL')
      await launch()
    },
    /** Ends it (SIGTERM: a clean shutdown) and removes its directory unless `keep`. */
    stop: async ({ keep = false } = {}) => {
      await end('SIGTERM')
      if (!keep) rmSync(dir, { recursive: true, force: true })
    },
  }
}
