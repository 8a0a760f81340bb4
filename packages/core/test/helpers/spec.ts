/**
 * Validates request bodies against the project's JSON Schema of the API (`spec/batch.schema.json`
 * at the repository root), with the Ajv settings spec/README.md names.
 */
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
// test/helpers → test → packages/core → packages → the repository root.
import schema from '../../../../spec/batch.schema.json'

const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true })
addFormats(ajv)
const validate = ajv.compile(schema)

/** The schema's errors for a body, as readable strings; empty when valid. */
export function schemaErrors(body: unknown): string[] {
  if (validate(body)) return []
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`)
}

/** Throws with the schema's errors when a body is invalid. */
export function expectValidBody(body: unknown): void {
  const errors = schemaErrors(body)
  if (errors.length > 0)
    throw new Error(`body does not validate against batch.schema.json:\n${errors.join('\n')}\n${JSON.stringify(body).slice(0, 2000)}`)
}
