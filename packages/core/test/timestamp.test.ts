// isRfc3339's calendar: Date.parse rolls an impossible day over into the next month, the API does not.
import { describe, expect, it } from 'vitest'
import { isRfc3339 } from '../src/timestamp.js'

const day = (date: string) => `${date}T00:00:00Z`

describe('isRfc3339: the last day of each month', () => {
  it.each([
    ['01', 31],
    ['02', 28],
    ['03', 31],
    ['04', 30],
    ['05', 31],
    ['06', 30],
    ['07', 31],
    ['08', 31],
    ['09', 30],
    ['10', 31],
    ['11', 30],
    ['12', 31],
  ])('2021-%s has %i days', (month, last) => {
    expect(isRfc3339(day(`2021-${month}-${last}`))).toBe(true)
    if (last < 31) expect(isRfc3339(day(`2021-${month}-${last + 1}`))).toBe(false)
  })

  it.each([
    ['2024', true],
    ['2000', true],
    ['1900', false],
    ['2100', false],
    ['0000', true],
    ['2023', false],
  ])('February 29 of %s exists: %s', (year, leap) => {
    expect(isRfc3339(day(`${year}-02-29`))).toBe(leap)
    expect(isRfc3339(day(`${year}-02-30`))).toBe(false)
  })
})
