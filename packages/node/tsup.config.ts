import { defineConfig } from 'tsup'

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', ky: 'src/ky.ts', redis: 'src/redis/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!cli.js'], // the second config writes cli.js at the same time
    target: 'node20',
    platform: 'node',
  },
  {
    // The `cdp-analytics` bin: one ES module with its shebang (tsup makes it executable).
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    target: 'node20',
    platform: 'node',
  },
])
