// The project's wire-format spec: `spec/` at the repository root (batch.schema.json, examples/; see
// spec/README.md). ajv is the reference validator: the collector's valibot schema must agree with it.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

// test/helpers → test → packages/node → packages → repo root.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))

/** Absolute path of the repository's spec/ folder (batch.schema.json, examples/). */
export const specDir = resolve(repoRoot, 'spec')

// Settings from spec/README.md: strict mode, but `strictRequired` off because it flags the
// standard "required inside an anyOf branch" idiom the schema uses.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true })
addFormats(ajv)
/** spec/batch.schema.json, parsed. */
export const batchSchema = JSON.parse(readFileSync(resolve(specDir, 'batch.schema.json'), 'utf8'))
const validate = ajv.compile(batchSchema)

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

/** ajv's verdict on a value against one `$defs` schema of batch.schema.json (the semantic events): empty when valid. */
export function validateAgainstDef(def: string, value: unknown): string[] {
  const validateDef = ajv.getSchema(`${batchSchema.$id}#/$defs/${def}`)
  if (!validateDef) throw new Error(`batch.schema.json has no $defs/${def}`)
  if (validateDef(value)) return []
  return (validateDef.errors ?? []).map((error) => `${error.instancePath || '(value)'}: ${error.message ?? ''}`)
}
