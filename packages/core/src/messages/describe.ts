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

/** Error text from user code, kept to one short line for logs. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}
