/**
 * Timestamps must be RFC 3339 date-times with a zone (pipelines-api.md §11): epoch numbers
 * and zone-less strings are rejected by the API's schema.
 */

const RFC3339 =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/

export function isRfc3339(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value))
}

/** A valid `Date` or RFC 3339 string; anything else is reported by the message schema. */
export function isTimestampInput(value: unknown): value is Date | string {
  if (value instanceof Date) return !Number.isNaN(value.getTime())
  return typeof value === 'string' && isRfc3339(value)
}

/** Normalise a checked timestamp: a Date becomes ISO 8601; a string is kept as the caller wrote it. */
export function toTimestamp(value: Date | string): string {
  return typeof value === 'string' ? value : value.toISOString()
}
