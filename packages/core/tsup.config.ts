import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // nanoid and valibot stay external: the adapter's bundler picks nanoid's runtime-specific entry.
  external: ['nanoid', 'valibot'],
})
