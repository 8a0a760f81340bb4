/** A short name for a value's kind, for error messages: "got number", "got array". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid Date' : 'Date'
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (typeof value === 'string') return value.length > 40 ? 'string' : JSON.stringify(value)
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name
    return name && name !== 'Object' ? name : 'object'
  }
  return typeof value
}

/** What a thrown value says, kept to one short line for logs (it may come from user code). */
export function errorText(cause: unknown): string {
  const flat = (cause instanceof Error ? cause.message : String(cause)).replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

/** `"context.ip" must be a string (got number)`: the sentence every mistyped field is reported with. */
export function mustBe(field: string, expected: string, got: unknown): string {
  return `"${field}" must be ${expected} (got ${describeValue(got)})`
}
