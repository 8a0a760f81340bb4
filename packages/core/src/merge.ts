/**
 * Merging of `defaultContext` / `integrations` under a call's own values. Always builds new
 * objects (never mutates the caller's) and skips the keys that could reach a prototype when
 * data comes from JSON.parse of untrusted input.
 */

/** Also the keys a call's own fields never copy into its message (messages/schemas.ts). */
export const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * An object literal, `Object.create(null)`, or a plain object from another realm: edge-runtime
 * (Vercel's local Edge sandbox) runs code in a vm context, so `await request.json()` there returns
 * objects whose prototype is the host's Object.prototype, not the sandbox's (issue 3).
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) return true
  // Some realm's Object.prototype: its own prototype is null. Class instances, arrays, Maps and
  // Dates fail this (their prototype's prototype is an Object.prototype).
  return Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === '[object Object]'
}

/**
 * Deep-merge plain objects; `over` wins on conflicts, arrays and other values are replaced
 * whole. Either side may be undefined.
 */
export function mergeDeep(under: Record<string, unknown> | undefined, over: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (under) copyInto(out, under)
  if (over) copyInto(out, over)
  return out
}

function copyInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    if (UNSAFE_KEYS.has(key)) continue
    const value = source[key]
    const existing = target[key]
    if (isPlainObject(value)) {
      target[key] = mergeDeep(isPlainObject(existing) ? existing : undefined, value)
    } else if (value !== undefined) {
      target[key] = value
    }
  }
}
