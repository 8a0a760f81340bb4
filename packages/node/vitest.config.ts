import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20000,
    // redis-server for the Redis Streams tests: installed when missing (a cold apt-get takes a while).
    globalSetup: ['test/helpers/redis-global-setup.ts'],
    hookTimeout: 120_000,
  },
})
