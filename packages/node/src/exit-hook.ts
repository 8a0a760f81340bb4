/**
 * Delivery for scripts that forget close(): when the event loop empties ('beforeExit'), every
 * live client with pending messages is drained, which keeps the process alive just long enough
 * to deliver (bounded by closeTimeout). Drained, not closed: the program may be waiting on one of
 * those messages (a callback wrapped in a promise) and go on using the client once it settles;
 * when nothing goes on, the loop empties again with nothing pending and the process exits. (An
 * awaited flush() or close() holds the loop itself, so this never runs under it.) Clients are
 * held weakly so a dropped client can be collected.
 */

interface ExitAware {
  readonly pending: number
  readonly closed: boolean
  drain(): Promise<void>
  warnUndelivered(): void
}

const clients = new Set<WeakRef<ExitAware>>()
let installed = false

export function registerForExit(client: ExitAware): void {
  clients.add(new WeakRef(client))
  if (installed) return
  installed = true
  process.on('beforeExit', drainPending)
  // process.exit() skips beforeExit and allows no async work: at least say what is lost.
  process.on('exit', warnPending)
}

function liveClients(): ExitAware[] {
  const live: ExitAware[] = []
  for (const ref of clients) {
    const client = ref.deref()
    if (!client || client.closed) clients.delete(ref)
    else live.push(client)
  }
  return live
}

function drainPending(): void {
  for (const client of liveClients()) {
    if (client.pending > 0) void client.drain()
  }
}

function warnPending(): void {
  for (const client of liveClients()) {
    if (client.pending > 0) client.warnUndelivered()
  }
}
