// Bundles a fixture the way a Worker build does (wrangler uses esbuild with these conditions):
// platform neutral, no Node built-ins, nanoid's `browser` entry.
import { build, type BuildOptions } from 'esbuild'

export const EDGE_CONDITIONS = ['workerd', 'worker', 'browser']

export async function bundle(entry: string, options: BuildOptions = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'neutral',
    format: 'esm',
    target: 'es2022',
    conditions: EDGE_CONDITIONS,
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    ...options,
  })
  return result.outputFiles![0]!.text
}
