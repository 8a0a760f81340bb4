/**
 * The messages a page could not send before it went, kept in localStorage for the next page of the
 * same origin (issue 21). Each page writes under its own key (`cdp-analytics:<writeKey>:<pageId>`),
 * so two tabs leaving at once never overwrite each other, and the next client of the write key
 * takes every page's messages. Storage that is full (`QuotaExceededError`), disabled or missing
 * never throws into the page: as many messages as fit are kept, the oldest first.
 */

/** Start of every key this package writes for kept messages. */
export const OUTBOX_PREFIX = 'cdp-analytics:'

/** Writes `jsons` (message JSON texts, oldest first) under `key`, halving what it keeps until the storage takes it. Returns how many it kept. */
export function writeOutbox(key: string, jsons: readonly string[]): number {
  for (let count = jsons.length; count > 0; count >>= 1) {
    try {
      localStorage.setItem(key, `[${jsons.slice(0, count).join(',')}]`)
      return count
    } catch {
      // QuotaExceededError (or no storage at all): try with the older half.
    }
  }
  removeOutbox(key)
  return 0
}

export function removeOutbox(key: string): void {
  try {
    localStorage.removeItem(key)
  } catch {
    // No storage: nothing was written there either.
  }
}

/**
 * Takes (reads and removes) every outbox under `prefix`: the messages' JSON texts, page by page in
 * call order, and how many outboxes were damaged (not a JSON array; skipped).
 */
export function takeOutboxes(prefix: string): { messages: string[]; damaged: number } {
  const messages: string[] = []
  let damaged = 0
  try {
    const keys: string[] = []
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)
      if (key?.startsWith(prefix)) keys.push(key)
    }
    for (const key of keys) {
      const text = localStorage.getItem(key)
      localStorage.removeItem(key)
      try {
        for (const message of JSON.parse(text!) as unknown[]) messages.push(JSON.stringify(message))
      } catch {
        damaged++
      }
    }
  } catch {
    // No storage (a sandboxed frame, storage disabled): nothing was kept.
  }
  return { messages, damaged }
}
