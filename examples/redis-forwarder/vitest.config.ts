import { defineConfig } from 'vitest/config'

// The test starts redis-server (installing Debian's package first on a fresh machine): hooks get time.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 600_000 } })
