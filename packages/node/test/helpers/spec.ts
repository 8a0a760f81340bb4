// The shared wire-format spec lives beside the repository (`<repo>/../shared/spec`), both here and in
// CI's fresh clone. ajv is the reference validator: the collector's valibot schema must agree with it.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

// test/helpers → test → packages/node → packages → repo root.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))

/** Absolute path of shared/spec (pipelines-api.md, batch.schema.json, examples/). */
export const specDir = resolve(repoRoot, '../shared/spec')

// Settings from pipelines-api.md §16: strict mode, but `strictRequired` off because it flags the
// standard "required inside an anyOf branch" idiom the schema uses.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true })
addFormats(ajv)
const validate = ajv.compile(JSON.parse(readFileSync(resolve(specDir, 'batch.schema.json'), 'utf8')))

/** batch.schema.json's verdict on a body: one `instancePath: message` line per ajv error, empty when valid. */
export function validateWithAjv(body: unknown): string[] {
  if (validate(body)) return []
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'}: ${error.message ?? ''}`)
}

/** Throws with ajv's errors unless `body` is a valid POST /v1/batch body. */
export function expectValidBatch(body: unknown): void {
  const errors = validateWithAjv(body)
  if (errors.length > 0) throw new Error(`body is not a valid batch:\n  ${errors.join('\n  ')}`)
}
