/** Bounds Redis calls by a deadline and an abort signal: a client that queues commands while it reconnects would otherwise hold them. */
import { within as bound } from '@cdp-analytics/core'
import type { RedisCommands } from './client.js'

/** Why a Redis call did not finish in time. */
export class RedisTimeout extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`)
    this.name = 'RedisTimeout'
  }
}

/** `promise`, or a rejection once `ms` have passed (RedisTimeout) or `signal` aborts (its reason). */
export function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return bound(promise, ms, (after) => new RedisTimeout(after), signal)
}

/**
 * The longest any one Redis command may take before it counts as failed (and is tried again): a
 * client that queues commands while it reconnects would otherwise hold the forwarder, and stop().
 */
export const COMMAND_TIMEOUT_MS = 10_000

/** The connection with every call bounded by COMMAND_TIMEOUT_MS (a blocking read by blockMs more). */
export function bounded(redis: RedisCommands, extraMs = 0): RedisCommands {
  return {
    kind: redis.kind,
    call: (command) => within(redis.call(command), COMMAND_TIMEOUT_MS + extraMs),
    batch: (commands, atomic) => within(redis.batch(commands, atomic), COMMAND_TIMEOUT_MS + extraMs),
    duplicate: (onError) => redis.duplicate(onError),
  }
}

/** Waits `ms` without holding the process open. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())
