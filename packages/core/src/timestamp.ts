/**
 * Timestamps must be RFC 3339 date-times with a zone (pipelines-api.md §11): epoch numbers
 * and zone-less strings are rejected by the API's schema.
 */

const RFC3339 =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/

export function isRfc3339(value: string): boolean {
  const match = RFC3339.exec(value)
  if (!match || Number.isNaN(Date.parse(value))) return false
  // Date.parse rolls 2021-02-30 over into March; the API's date-time format does not.
  const year = +match[1]!
  const month = +match[2]!
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  // 31 days in odd months up to July and in even months from August; February by the leap rule.
  return +match[3]! <= (month === 2 ? (leap ? 29 : 28) : 30 + ((month + (month >> 3)) & 1))
}

/** A valid `Date` or RFC 3339 string; anything else is reported by the message schema. */
export function isTimestampInput(value: unknown): value is Date | string {
  // toISOString writes years outside 0–9999 as "+010000-…", which is not RFC 3339.
  if (value instanceof Date) return !Number.isNaN(value.getTime()) && value.getUTCFullYear() >= 0 && value.getUTCFullYear() <= 9999
  return typeof value === 'string' && isRfc3339(value)
}

/** Normalise a checked timestamp: a Date becomes ISO 8601; a string is kept as the caller wrote it. */
export function toTimestamp(value: Date | string): string {
  return typeof value === 'string' ? value : value.toISOString()
}

/**
 * `new Date().toISOString()`, worked out once per millisecond: the calls of a burst share it
 * instead of each making a Date and its string (issue 8). `Date.now()` is read on every call,
 * so a mocked clock is followed as before.
 */
export function isoClock(): () => string {
  let ms: number | undefined
  let iso: string | undefined
  return () => {
    const now = Date.now()
    if (now !== ms) {
      ms = now
      iso = new Date(now).toISOString()
    }
    return iso!
  }
}
