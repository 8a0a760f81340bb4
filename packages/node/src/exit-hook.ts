/**
 * Delivery for scripts that forget close(): when the event loop empties ('beforeExit'), every
 * live client with pending messages is closed, which keeps the process alive just long enough
 * to deliver (bounded by closeTimeout). Clients are held weakly so a dropped client can be
 * collected.
 */

interface ExitAware {
  readonly pending: number
  readonly closed: boolean
  close(): Promise<void>
  warnUndelivered(): void
}

const clients = new Set<WeakRef<ExitAware>>()
let installed = false

export function registerForExit(client: ExitAware): void {
  clients.add(new WeakRef(client))
  if (installed) return
  installed = true
  process.on('beforeExit', closePending)
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

function closePending(): void {
  for (const client of liveClients()) {
    if (client.pending > 0) void client.close()
  }
}

function warnPending(): void {
  for (const client of liveClients()) {
    if (client.pending > 0) client.warnUndelivered()
  }
}
