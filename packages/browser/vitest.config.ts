import { defineConfig } from 'vitest/config'

// The suite drives real Chromium: one file at a time on a 2-core machine, and room for the first
// run to install Chromium (apt-get) before the first test.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
})
