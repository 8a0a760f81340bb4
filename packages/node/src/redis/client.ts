/**
 * The user's own Redis client, whichever it is (issue 19): ioredis 5.x / 6.x (`new Redis(url)`,
 * `new Cluster(...)`) or node-redis 4.x–6.x (`createClient({ url })`, connected), told apart by
 * shape and driven only through its generic command call (ioredis `call()`, `pipeline()`,
 * `multi()`; node-redis `sendCommand()`, `multi().addCommand()`). So no Redis client is a
 * dependency of this package, and TLS, auth, Sentinel and reconnection stay the user's settings.
 */

/** The parts of an ioredis client (5.x, 6.x) this package calls; a `Redis` or `Cluster` instance has them. */
export interface IoRedisLike {
  call: (...args: never[]) => unknown
  pipeline: (...args: never[]) => unknown
  multi: (...args: never[]) => unknown
  duplicate: (...args: never[]) => unknown
}

/** The parts of a node-redis client (4.x–6.x, from `createClient()`) this package calls. */
export interface NodeRedisLike {
  sendCommand: (...args: never[]) => unknown
  multi: (...args: never[]) => unknown
  duplicate: (...args: never[]) => unknown
}

/** Your Redis client: an ioredis `Redis` (or `Cluster`), or a node-redis client from `createClient()`, connected. */
export type RedisClientLike = IoRedisLike | NodeRedisLike

/** One Redis command as its words, such as `['XLEN', 'cdp:events']`. */
export type Command = readonly string[]

/** What this package needs of a connection, whichever client is under it. */
export interface RedisCommands {
  readonly kind: 'ioredis' | 'node-redis'
  /** Sends one command; resolves with its reply as the client parses it. */
  call(command: Command): Promise<unknown>
  /** Sends the commands in one round trip, inside MULTI/EXEC when `atomic`; rejects if any fails. */
  batch(commands: readonly Command[], atomic: boolean): Promise<unknown[]>
  /** A second connection with the same settings (for blocking reads), connected; `close()` ends it. */
  duplicate(onError: (error: Error) => void): Promise<RedisConnection>
}

export interface RedisConnection extends RedisCommands {
  close(): void
}

type Method = (...args: unknown[]) => unknown
type Loose = Record<string, unknown> & { on?: (event: string, listener: (error: Error) => void) => unknown }

const isFunction = (value: unknown): value is Method => typeof value === 'function'

/** The client's kind, or why it is none of the two (a message for the user). */
export function clientKind(client: unknown): 'ioredis' | 'node-redis' | string {
  if (typeof client !== 'object' || client === null) return `got ${client === null ? 'null' : typeof client}`
  const c = client as Loose
  if (isFunction(c.call) && isFunction(c.pipeline) && isFunction(c.multi)) return 'ioredis'
  if (isFunction(c.sendCommand) && isFunction(c.multi)) {
    // A node-redis cluster routes each command by a key it is told separately: another calling convention.
    if (isFunction(c.getSlotMaster) || isFunction(c.getSlotRandomNode)) {
      return 'got a node-redis cluster client, which this package does not drive: pass an ioredis Cluster, or a client of the node holding the stream'
    }
    return 'node-redis'
  }
  return `got an object with neither call() and pipeline() (ioredis) nor sendCommand() (node-redis)`
}

/**
 * The commands of the user's client. Throws a TypeError naming what to pass when `client` is
 * neither an ioredis nor a node-redis client. `who` starts the message (the function called).
 */
export function redisCommands(client: unknown, who: string): RedisCommands {
  const kind = clientKind(client)
  if (kind === 'ioredis') return ioredis(client as Loose)
  if (kind === 'node-redis') return nodeRedis(client as Loose)
  throw new TypeError(
    `${who}: redis must be your Redis client, an ioredis instance (new Redis(url)) or a node-redis client (createClient({ url }), connected); ${kind}`,
  )
}

/** A reply that is an error (node-redis hands errors of a MULTI back as replies). */
function failed(replies: unknown[]): unknown[] {
  for (const reply of replies) if (reply instanceof Error) throw reply
  return replies
}

function ioredis(client: Loose): RedisCommands {
  return {
    kind: 'ioredis',
    call: ([command, ...args]) => (client.call as Method).call(client, command, ...args) as Promise<unknown>,
    async batch(commands, atomic) {
      const batch = (atomic ? (client.multi as Method) : (client.pipeline as Method)).call(client) as {
        call: Method
        exec: () => Promise<[Error | null, unknown][] | null>
      }
      for (const [command, ...args] of commands) batch.call(command, ...args)
      const replies = await batch.exec()
      if (replies === null) throw new Error('Redis discarded the transaction (EXEC answered nil)')
      return replies.map(([error, reply]) => {
        if (error) throw error
        return reply
      })
    },
    async duplicate(onError) {
      const copy = (client.duplicate as Method).call(client) as Loose
      copy.on?.('error', onError)
      return { ...ioredis(copy), close: () => void (copy.disconnect as Method | undefined)?.call(copy) }
    },
  }
}

function nodeRedis(client: Loose): RedisCommands {
  return {
    kind: 'node-redis',
    call: (command) => (client.sendCommand as Method).call(client, [...command]) as Promise<unknown>,
    async batch(commands, atomic) {
      const multi = (client.multi as Method).call(client) as { addCommand: Method; exec: Method; execAsPipeline: Method }
      for (const command of commands) multi.addCommand([...command])
      return failed((await (atomic ? multi.exec() : multi.execAsPipeline())) as unknown[])
    },
    async duplicate(onError) {
      const copy = (client.duplicate as Method).call(client) as Loose
      // node-redis throws an 'error' event nobody listens to: the process would crash on a reconnect.
      copy.on?.('error', onError)
      await (copy.connect as Method).call(copy)
      const close = () => {
        // 5.x and 6.x: destroy(); 4.x: disconnect(), which returns a promise.
        const end = (isFunction(copy.destroy) ? copy.destroy : copy.disconnect) as Method | undefined
        Promise.resolve(end?.call(copy)).catch(() => undefined)
      }
      return { ...nodeRedis(copy), close }
    },
  }
}
