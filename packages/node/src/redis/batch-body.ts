/**
 * Each message's `messageId` for the producer's `XADD`s, found by scanning its JSON rather than
 * parsing it: parsing and stringifying each message took a quarter of a producer's CPU (issue 19,
 * `--cpu-prof`). The JSON itself comes from the request's `messages`, as the core hands it over.
 */

const QUOTE = 34
const BACKSLASH = 92
const COMMA = 44
const OPEN_OBJECT = 123
const CLOSE_OBJECT = 125
const OPEN_ARRAY = 91
const CLOSE_ARRAY = 93

/** Index of the quote that closes the string opening at `quote`, or -1 when it never closes. */
function endOfString(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === BACKSLASH) i++
    else if (c === QUOTE) return i
  }
  return -1
}

/** The string literal from `quote` to `end` (its quotes), unescaped. */
function stringValue(text: string, quote: number, end: number): string {
  const raw = text.slice(quote + 1, end)
  return raw.includes('\\') ? (JSON.parse(text.slice(quote, end + 1)) as string) : raw
}

/**
 * The message object that starts at `start` (its `{`): where it ends (just past its `}`) and its
 * own top-level `messageId` (not one nested in its properties); undefined when it is cut short.
 */
function scanMessage(text: string, start: number): { end: number; messageId: string | undefined } | undefined {
  let depth = 0
  /** Whether the next string at depth 1 is a key of the message (after its `{` or a `,`). */
  let atKey = false
  let messageId: string | undefined
  for (let i = start; i < text.length; i++) {
    const d = text.charCodeAt(i)
    if (d === QUOTE) {
      const from = i
      i = endOfString(text, from)
      if (i < 0) return undefined
      if (atKey && depth === 1 && i - from === 10 && text.startsWith('messageId":"', from + 1)) {
        const end = endOfString(text, i + 2)
        if (end < 0) return undefined
        messageId = stringValue(text, i + 2, end)
        i = end
      }
      atKey = false
    } else if (d === OPEN_OBJECT || d === OPEN_ARRAY) {
      depth++
      atKey = d === OPEN_OBJECT && depth === 1
    } else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
      if (--depth === 0) return { end: i + 1, messageId }
    } else if (d === COMMA) {
      atKey = depth === 1
    }
  }
  return undefined
}

/** A message's own `messageId` from its JSON (compact, as the client serializes it), without parsing it. */
export function messageIdOf(json: string): string | undefined {
  if (json.charCodeAt(0) !== OPEN_OBJECT) return undefined
  const scanned = scanMessage(json, 0)
  return scanned?.end === json.length ? scanned.messageId : undefined
}
