import { defineConfig } from 'vitest/config'

// Real runtimes (workerd, edge-runtime, Deno, Bun) boot slowly on small CI machines.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } })
