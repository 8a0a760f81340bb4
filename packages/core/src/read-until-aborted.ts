/**
 * The body reader of the Node client and the ky transport: `readDetail`, but the attempt's signal
 * (its timeout, or close()'s deadline) cancels the read itself instead of trusting the fetch
 * underneath to pass the abort on to the body. ky does not, at times: it hands fetch an
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
    const decoder = new TextDecoder()
    let text = ''
    // A cancelled read ends as if the body had: what was cut short is no detail.
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (!response.ok && text.length < DETAIL_CHARS) text += decoder.decode(chunk.value, { stream: true })
    }
    text = text.trim()
    return text && !signal.aborted ? { detail: text.slice(0, DETAIL_CHARS) } : {}
  } catch {
    return {}
  } finally {
    if (cancel) signal.removeEventListener('abort', cancel)
  }
}
