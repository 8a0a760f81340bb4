// Entry for runtimes that run a script (Deno, Bun): run the suite, print one result line.
import { RESULT_PREFIX, runSmoke, type SmokeConfig } from './suite.js'

declare const __SMOKE_CONFIG__: SmokeConfig

const result = await runSmoke(__SMOKE_CONFIG__)
console.log(RESULT_PREFIX + JSON.stringify(result))
