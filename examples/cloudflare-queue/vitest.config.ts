import { defineConfig } from 'vitest/config'

// workerd boots slowly on small CI machines.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } })
