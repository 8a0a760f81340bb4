import { createRequire } from 'node:module'
import type { Plugin } from 'esbuild'
import { defineConfig } from 'tsup'

// nanoid 5 is ESM only, and Node before 20.19 and 22.12 cannot require() an ES module. So the
// CommonJS build carries nanoid inside it: its Node entry (pooled random bytes from node:crypto),
// since `require` reaches this build only in Node-compatible runtimes (the edge package routes
// workerd, edge-light, worker and browser to the ES module build). The ES module build leaves
// nanoid to the importer's resolver, so edge bundlers still pick its browser entry (Web Crypto).
// ky (the `./ky` entry only) is ES module only too: the same, so `require('@cdp-analytics/core/ky')`
// works on every Node 20; a ky instance passed in is the user's own either way.
const esmOnlyPerFormat: Plugin = {
  name: 'esm-only-per-format',
  setup(build) {
    const cjs = build.initialOptions.format === 'cjs'
    build.onResolve({ filter: /^(nanoid|ky)$/ }, ({ path }) =>
      cjs ? { path: createRequire(import.meta.url).resolve(path) } : { path, external: true },
    )
    if (cjs) build.onResolve({ filter: /^node:/ }, ({ path }) => ({ path, external: true }))
  },
}

export default defineConfig({
  entry: ['src/index.ts', 'src/ky.ts'],
  // Each entry stands alone: the main bundle must not change shape (or size) because of the ky entry.
  splitting: false,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // valibot stays external (it ships CommonJS too); nanoid and ky are external or bundled per format, above.
  external: ['valibot'],
  noExternal: ['nanoid', 'ky'],
  esbuildPlugins: [esmOnlyPerFormat],
})
