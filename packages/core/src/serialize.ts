/**
 * Serializes each message exactly once, at enqueue: the JSON string is what gets sent (retries
 * included) and its UTF-8 size drives batching. A value JSON cannot carry fails that one
 * message with an error naming the field, never the batch it would have joined.
 */
import { MessageTooLargeError, SerializationError } from './errors.js'
import { utf8Length } from './limits.js'
import { errorText } from './messages/describe.js'
import type { Message } from './types.js'

export interface SerializedMessage {
  json: string
  bytes: number
}

export function serializeMessage(message: Message, maxMessageBytes: number): SerializedMessage | SerializationError | MessageTooLargeError {
  let json: string
  try {
    json = JSON.stringify(message)
  } catch (cause) {
    let field = ''
    try {
      field = findUnserializable(message) ?? ''
    } catch {
      // A Proxy can throw even where the walk does not expect it; the message fails all the same.
    }
    // Deep nesting makes a path thousands of characters long; a prefix locates it well enough.
    if (field.length > 120) field = `${field.slice(0, 120)}…`
    // V8's cycle message spans several lines; keep errors to one line for logs.
    const what = errorText(cause)
    return new SerializationError(`${message.type}: ${field ? `"${field}" ` : ''}cannot be serialized to JSON (${what})`, field, { cause })
  }
  const bytes = utf8Length(json)
  if (bytes > maxMessageBytes) {
    return new MessageTooLargeError(
      `${message.type}: message is ${bytes} bytes of JSON, over the ${maxMessageBytes}-byte limit; the API would drop it`,
      bytes,
      maxMessageBytes,
    )
  }
  return { json, bytes }
}

/**
 * Only on the error path: walk the message to name the first value that breaks JSON
 * (a cycle, a BigInt, or a toJSON that throws), as a dotted path.
 */
export function findUnserializable(root: unknown): string | undefined {
  const ancestors: unknown[] = []
  const visit = (value: unknown, path: string): string | undefined => {
    if (typeof value === 'bigint') return path
    if (value === null || typeof value !== 'object') return undefined
    if (ancestors.includes(value)) return path
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') {
      try {
        toJSON.call(value)
      } catch {
        return path
      }
      return undefined
    }
    ancestors.push(value)
    try {
      for (const key of Object.keys(value)) {
        const found = visit((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key)
        if (found !== undefined) return found
      }
    } catch {
      return path // a throwing getter
    } finally {
      ancestors.pop()
    }
    return undefined
  }
  return visit(root, '')
}
