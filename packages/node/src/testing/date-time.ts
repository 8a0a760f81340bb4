// RFC 3339 §5.6 `date-time`, the meaning of OpenAPI `format: date-time` (pipelines-api.md §11).
// Full date, `T`, full time with an optional fraction, then `Z` or a `±hh:mm` offset. RFC 3339 §5.6
// (NOTE after the ABNF) lets `T` and `Z` be lower case. Deliberately stricter than ajv-formats,
// which also takes a space separator, `+hh` and `+hhmm` offsets: the API promises only RFC 3339.
const DATE_TIME =
  /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})[Tt](?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})(?:\.\d+)?(?:[Zz]|[+-](?<offsetHour>\d{2}):(?<offsetMinute>\d{2}))$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0)
}

/**
 * True when `value` is an RFC 3339 date-time with a real calendar date and clock time.
 * Leap seconds (`:60`) are rejected: JavaScript dates cannot produce them, so an SDK never should.
 */
export function isRfc3339DateTime(value: string): boolean {
  const parts = DATE_TIME.exec(value)?.groups
  if (!parts) return false
  // Absent groups (a `Z` zone has no offset) read as 0, which is always in range.
  const n = (key: string): number => Number(parts[key] ?? 0)
  const year = n('year')
  const month = n('month')
  const day = n('day')
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false
  return n('hour') <= 23 && n('minute') <= 59 && n('second') <= 59 && n('offsetHour') <= 23 && n('offsetMinute') <= 59
}
