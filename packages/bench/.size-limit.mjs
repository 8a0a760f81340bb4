/**
 * Size budget of the edge worker bundle (issue #5): `@cdp-analytics/edge` and everything it
 * pulls in (core, valibot, nanoid), bundled by esbuild for a worker (workerd/worker/browser
 * export conditions, ESM), minified, gzipped: at most 10 kB. For scale, Segment's edge bundle
 * is 25.5 kB and PostHog's 61.3 kB. test/size.test.mjs runs this in CI.
 */
const worker = (config) => ({
  ...config,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
})

export default [
  {
    name: '@cdp-analytics/edge, everything it exports',
    path: '../edge/dist/index.js',
    import: '*',
    gzip: true,
    limit: '10 kB',
    modifyEsbuildConfig: worker,
  },
  {
    name: '@cdp-analytics/edge, a worker importing { Analytics }',
    path: '../edge/dist/index.js',
    import: '{ Analytics }',
    gzip: true,
    limit: '10 kB',
    modifyEsbuildConfig: worker,
  },
]
