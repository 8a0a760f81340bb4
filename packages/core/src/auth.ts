/** `Authorization: Basic base64("<writeKey>:")` (pipelines-api.md §2), UTF-8 safe. */
export function basicAuthorization(writeKey: string): string {
  const bytes = new TextEncoder().encode(`${writeKey}:`)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return `Basic ${btoa(binary)}`
}
