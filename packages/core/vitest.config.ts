import { defineConfig } from 'vitest/config'

// Two projects run the same suite: once in Node, once under happy-dom, a browser-like
// environment, to show the core needs no Node built-ins.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'node', include: ['test/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'happy-dom', include: ['test/**/*.test.ts'], environment: 'happy-dom' } },
    ],
  },
})
