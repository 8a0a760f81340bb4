/** What to run, as root, on Debian or Ubuntu to get redis-server. */
export declare const INSTALL_COMMAND: string

/** The path of redis-server on PATH (or where Debian puts it), or undefined. */
export declare function findRedisServer(): string | undefined

/**
 * The path of redis-server, installing Debian's package first when it is missing and this process
 * may (root, with apt-get). Rejects with an error naming the command to run otherwise.
 */
export declare function ensureRedisServer(): Promise<string>

export interface RedisServerOptions {
  /** AOF persistence (`--appendonly yes`). @default true */
  appendonly?: boolean
  /** More arguments for redis-server, such as `['--maxmemory', '10mb']`. */
  args?: string[]
}

export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Its data directory (the AOF lives there). */
  readonly dir: string
  readonly pid: number | undefined
  /** What the server logged since its last start. */
  log(): string
  /** SIGKILL: nothing is flushed; a restart loads what the AOF holds. */
  kill(): Promise<void>
  /** Starts it again on the same port and directory. */
  restart(): Promise<void>
  /** Ends it cleanly (SIGTERM) and removes its directory unless `keep`. */
  stop(options?: { keep?: boolean }): Promise<void>
}

/** Starts redis-server on a free 127.0.0.1 port in a temporary directory, AOF on; resolves once it is ready. */
export declare function startRedisServer(options?: RedisServerOptions): Promise<RedisServer>
