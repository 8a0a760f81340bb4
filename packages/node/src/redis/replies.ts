/**
 * Stream replies as plain data, whatever shape the client hands them in: RESP2 arrays (ioredis,
 * node-redis 4 and 5) or RESP3 maps (node-redis 6 answers `XREADGROUP` with an object keyed by
 * stream), strings or Buffers. Pure functions, tested as tables (test/redis-replies.test.ts).
 */

/** One stream entry: its id and its fields; `fields` is undefined for an entry deleted while pending. */
export interface StreamEntry {
  id: string
  fields: Record<string, string> | undefined
}

const text = (value: unknown): string => (typeof value === 'string' ? value : String(value))

/** A map reply (RESP3), as [key, value] pairs; undefined for anything else. */
function pairsOf(reply: unknown): [unknown, unknown][] | undefined {
  if (reply instanceof Map) return [...reply.entries()]
  if (typeof reply === 'object' && reply !== null && !Array.isArray(reply) && !ArrayBuffer.isView(reply)) return Object.entries(reply)
  return undefined
}

/** Field-value pairs: a flat array `[f1, v1, f2, v2]` or a map. */
export function readFields(reply: unknown): Record<string, string> | undefined {
  if (reply === null || reply === undefined) return undefined
  const fields: Record<string, string> = {}
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) fields[text(reply[i])] = text(reply[i + 1])
    return fields
  }
  for (const [key, value] of pairsOf(reply) ?? []) fields[text(key)] = text(value)
  return fields
}

/** A list of entries, each `[id, fields]` (fields nil for an entry deleted while pending). */
export function readEntryList(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return []
  return reply.filter(Array.isArray).map((entry) => ({ id: text(entry[0]), fields: readFields(entry[1]) }))
}

/**
 * The entries of an `XREADGROUP` / `XREAD` reply for one stream: nil (a block that timed out),
 * `[[stream, entries]]` (RESP2) or `{ stream: entries }` (RESP3).
 */
export function readStreamReply(reply: unknown): StreamEntry[] {
  if (reply === null || reply === undefined) return []
  if (Array.isArray(reply)) return readEntryList((reply[0] as unknown[] | undefined)?.[1])
  const [first] = pairsOf(reply) ?? []
  return first ? readEntryList(first[1]) : []
}

/** `XAUTOCLAIM`: the next cursor (`0-0` when the scan is done) and the entries claimed (Redis 7 adds the ids deleted meanwhile, unused here). */
export function readAutoClaim(reply: unknown): { cursor: string; entries: StreamEntry[] } {
  const [cursor, entries] = Array.isArray(reply) ? reply : []
  return { cursor: cursor === undefined ? '0-0' : text(cursor), entries: readEntryList(entries) }
}

/** `XPENDING key group start end count [consumer]`: each id's delivery count. */
export function readDeliveryCounts(reply: unknown): Map<string, number> {
  const counts = new Map<string, number>()
  if (!Array.isArray(reply)) return counts
  for (const row of reply) if (Array.isArray(row)) counts.set(text(row[0]), Number(row[3]))
  return counts
}

/** `XINFO CONSUMERS`: each consumer's name, pending entries and idle milliseconds. */
export function readConsumers(reply: unknown): { name: string; pending: number; idle: number }[] {
  if (!Array.isArray(reply)) return []
  return reply.map((row) => {
    const fields = readFields(row) ?? {}
    return { name: fields.name ?? '', pending: Number(fields.pending ?? 0), idle: Number(fields.idle ?? 0) }
  })
}
