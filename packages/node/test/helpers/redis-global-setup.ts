// Once per run of this package's tests: redis-server must be there for the Redis Streams tests
// (test/redis-*.test.ts). Missing, it is installed from Debian's package when this runs as root
// (ensureRedisServer); where it cannot be, the error (with the command to run) is handed to the
// Redis tests, which then fail with it. The other tests of the package run either way.
import { ensureRedisServer } from '@cdp-analytics/test-redis'
import type { TestProject } from 'vitest/node'

export default async function setup(project: TestProject): Promise<void> {
  try {
    project.provide('redisServer', { path: await ensureRedisServer() })
  } catch (error) {
    project.provide('redisServer', { error: (error as Error).message })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisServer: { path: string } | { error: string }
  }
}
