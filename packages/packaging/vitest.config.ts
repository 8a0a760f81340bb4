import { defineConfig } from 'vitest/config'

// Packing, `npm install` of the tarballs and a download of the oldest declared Node take seconds to
// a minute on a cold cache: generous timeouts, and fixtures run a few at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    maxConcurrency: 3,
  },
})
