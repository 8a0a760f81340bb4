import { createRequire } from 'node:module'
import type { Plugin } from 'esbuild'
import { defineConfig } from 'tsup'

// nanoid 5 is ESM only, and Node before 20.19 and 22.12 cannot require() an ES module. So the
// CommonJS build carries nanoid inside it: its Node entry (pooled random bytes from node:crypto),
// since `require` reaches this build only in Node-compatible runtimes (the edge package routes
// workerd, edge-light, worker and browser to the ES module build). The ES module build leaves
// nanoid to the importer's resolver, so edge bundlers still pick its browser entry (Web Crypto).
const nanoidPerFormat: Plugin = {
  name: 'nanoid-per-format',
  setup(build) {
    const cjs = build.initialOptions.format === 'cjs'
    build.onResolve({ filter: /^nanoid$/ }, () =>
      cjs ? { path: createRequire(import.meta.url).resolve('nanoid') } : { path: 'nanoid', external: true },
    )
    if (cjs) build.onResolve({ filter: /^node:/ }, ({ path }) => ({ path, external: true }))
  },
}

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // valibot stays external (it ships CommonJS too); nanoid is external or bundled per format, above.
  external: ['valibot'],
  noExternal: ['nanoid'],
  esbuildPlugins: [nanoidPerFormat],
})
