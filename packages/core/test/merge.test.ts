import { describe, expect, it } from 'vitest'
import { runInNewContext } from 'node:vm'
import { isPlainObject, mergeDeep } from '../src/merge.js'

describe('mergeDeep', () => {
  it.each([
    ['call wins on conflicts', { a: 1, b: 2 }, { b: 3 }, { a: 1, b: 3 }],
    ['nested objects merge', { app: { name: 'x', version: '1' } }, { app: { version: '2' } }, { app: { name: 'x', version: '2' } }],
    ['arrays are replaced whole', { tags: ['a', 'b'] }, { tags: ['c'] }, { tags: ['c'] }],
    ['undefined does not erase a default', { a: 1 }, { a: undefined }, { a: 1 }],
    ['null does replace', { a: 1 }, { a: null }, { a: null }],
    ['either side may be missing', undefined, { a: 1 }, { a: 1 }],
  ])('%s', (_name, under, over, expected) => {
    expect(mergeDeep(under as never, over as never)).toEqual(expected)
  })

  it('never mutates its inputs', () => {
    const under = { app: { name: 'x' } }
    const over = { app: { version: '2' } }
    mergeDeep(under, over)
    expect(under).toEqual({ app: { name: 'x' } })
    expect(over).toEqual({ app: { version: '2' } })
  })

  it('JSON-parsed __proto__ / constructor / prototype keys cannot pollute prototypes', () => {
    const attacker = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"nested":{"__proto__":{"polluted":true}},"ok":1}',
    )
    const merged = mergeDeep({ safe: true }, attacker)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((merged as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect(Object.getPrototypeOf(merged.nested)).toBe(Object.prototype)
    expect(merged).toEqual({ safe: true, nested: {}, ok: 1 })
  })
})

describe('isPlainObject', () => {
  it('accepts object literals, null-prototype objects and plain objects of another realm', () => {
    expect(isPlainObject({ a: 1 })).toBe(true)
    expect(isPlainObject(Object.create(null))).toBe(true)
    // As edge-runtime hands out: `request.json()` builds its objects in the host realm.
    expect(isPlainObject(runInNewContext('({ a: 1 })'))).toBe(true)
  })

  it.each([
    ['an array', [1]],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a class instance', new (class Point {})()],
    ['null', null],
    ['a string', 'x'],
  ])('rejects %s', (_name, value) => {
    expect(isPlainObject(value)).toBe(false)
  })
})
