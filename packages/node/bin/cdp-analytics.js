#!/usr/bin/env node
// The `cdp-analytics` command. Its code is the build's dist/cli.js; this small file is committed so
// that the command exists before any build: installing the workspace links it without pnpm's
// "Failed to create bin" warning, and running it before the build says what to do instead of
// printing a module-not-found stack. The published package always holds dist/.
import { existsSync } from 'node:fs'

const cli = new URL('../dist/cli.js', import.meta.url)
if (!existsSync(cli)) {
  process.stderr.write(
    'cdp-analytics: the command is not built yet (no dist/cli.js). In a clone of the repository, run: npx -y pnpm@10.20.0 build\n',
  )
  process.exit(1)
}
await import(cli.href)
