/** Starts the sink (sink.mjs) in its own process and talks to it over IPC. */
import { fork } from 'node:child_process'

export async function startSink() {
  const child = fork(new URL('./sink.mjs', import.meta.url), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => (m.ready ? resolve(m.port) : reject(new Error('sink did not start'))))
    child.once('exit', () => reject(new Error('sink exited')))
  })
  let nextId = 0
  const pending = new Map()
  child.on('message', (m) => {
    pending.get(m.id)?.(m)
    pending.delete(m.id)
  })
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    call: (msg) =>
      new Promise((resolve) => {
        const id = ++nextId
        pending.set(id, resolve)
        child.send({ ...msg, id })
      }),
    stop: () => child.disconnect(),
  }
}
