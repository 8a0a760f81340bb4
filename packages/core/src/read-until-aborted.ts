/**
 * The body reader of the ky transport, and of the Node fetch transport given a `fetch` of yours:
 * `readDetail`, but the attempt's signal (its timeout, or close()'s deadline) cancels the read
 * itself instead of trusting the fetch underneath to pass the abort on to the body. ky does not, at times: it hands fetch an
 * `AbortSignal.any` of ours and its own that nothing holds once ky has returned the response, so a
 * garbage collection drops it and the abort never reaches a body that trickles in (the request
 * then lasts as long as the server takes). A user's own fetch wrapper can do the same.
 */
import { DETAIL_CHARS } from './fetch-transport.js'

export async function readDetailUntilAborted(response: Response, signal: AbortSignal): Promise<{ detail?: string }> {
  let cancel: (() => void) | undefined
  try {
    const reader = response.body?.getReader()
    if (!reader) return {}
    cancel = () => {
      reader.cancel().catch(() => {})
    }
    if (signal.aborted) cancel()
    else signal.addEventListener('abort', cancel)
    // A 2xx body is only drained; an error body's start becomes the detail.
    const decoder = response.ok ? undefined : new TextDecoder()
    let text = ''
    // A cancelled read ends as if the body had: what was cut short is no detail.
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (decoder && text.length < DETAIL_CHARS) text += decoder.decode(chunk.value, { stream: true })
    }
    text = text.trim()
    return text && !signal.aborted ? { detail: text.slice(0, DETAIL_CHARS) } : {}
  } catch {
    return {}
  } finally {
    if (cancel) signal.removeEventListener('abort', cancel)
  }
}
