/**
 * The messages of a request body as the client wrote them, for the producer's `XADD`s: each
 * message's JSON and its `messageId`, found by one scan of the text. Parsing the body and
 * stringifying each message again took a quarter of a producer's CPU (issue 19, `--cpu-prof`).
 */

/** What the core's Batch.body() starts with (compact JSON, no spaces). */
const PREFIX = '{"batch":['
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
 * `{"batch":[m1,m2,...],"sentAt":"..."}` as `[{ json: m1, messageId }, ...]`, each `json` exactly
 * as it appears in the body; undefined when the body is not shaped so (the caller then parses it).
 * Only a `messageId` key of the message itself counts, not one nested in its properties.
 */
export function splitBatch(body: string): { json: string; messageId: string }[] | undefined {
  if (!body.startsWith(PREFIX)) return undefined
  const messages: { json: string; messageId: string }[] = []
  let i = PREFIX.length
  while (i < body.length) {
    const c = body.charCodeAt(i)
    if (c === CLOSE_ARRAY) return messages
    if (c === COMMA && messages.length > 0) {
      i++
      continue
    }
    if (c !== OPEN_OBJECT) return undefined
    const start = i
    let depth = 0
    /** Whether the next string at depth 1 is a key of the message (after its `{` or a `,`). */
    let atKey = false
    let messageId: string | undefined
    for (; i < body.length; i++) {
      const d = body.charCodeAt(i)
      if (d === QUOTE) {
        const from = i
        i = endOfString(body, from)
        if (i < 0) return undefined
        if (atKey && depth === 1 && i - from === 10 && body.startsWith('messageId":"', from + 1)) {
          const end = endOfString(body, i + 2)
          if (end < 0) return undefined
          messageId = stringValue(body, i + 2, end)
          i = end
        }
        atKey = false
      } else if (d === OPEN_OBJECT || d === OPEN_ARRAY) {
        depth++
        atKey = d === OPEN_OBJECT && depth === 1
      } else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
        if (--depth === 0) break
      } else if (d === COMMA) {
        atKey = depth === 1
      }
    }
    if (depth !== 0 || messageId === undefined) return undefined
    i++
    messages.push({ json: body.slice(start, i), messageId })
  }
  return undefined
}
