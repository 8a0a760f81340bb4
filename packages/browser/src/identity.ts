/**
 * The anonymousId of a browser client (issue 21). The core is stateless: it never invents an id.
 * The browser client fills one in for calls that carry neither `userId` nor `anonymousId`, kept
 * where the `identity` option says, so that a consent banner can decide before anything is stored:
 * `'memory'` (the default) keeps it for this page only and writes nothing; `'localStorage'` and
 * `'cookie'` keep it across pages and visits; `false` fills in nothing (such a call is `invalid`).
 */

export type IdentityStorage = 'localStorage' | 'cookie' | 'memory' | false

export const IDENTITY_STORAGES: readonly IdentityStorage[] = ['localStorage', 'cookie', 'memory', false]

/** The localStorage key and the cookie name. */
export const ANONYMOUS_ID_KEY = 'cdp_anonymous_id'

const COOKIE = /(?:^|;\s*)cdp_anonymous_id=([^;]+)/

/** The id kept in `storage`, or a new one from `generate`, saved there. Undefined when identity is off. */
export function loadAnonymousId(storage: IdentityStorage, generate: () => string): string | undefined {
  if (!storage) return undefined
  let id: string | undefined
  try {
    id = storage === 'localStorage' ? (localStorage.getItem(ANONYMOUS_ID_KEY) ?? undefined) : undefined
    if (storage === 'cookie') id = COOKIE.exec(document.cookie)?.[1]
  } catch {
    // Storage disabled: a new id for this page.
  }
  if (id) return id
  id = generate()
  saveAnonymousId(storage, id)
  return id
}

export function saveAnonymousId(storage: IdentityStorage, id: string): void {
  try {
    if (storage === 'localStorage') localStorage.setItem(ANONYMOUS_ID_KEY, id)
    if (storage === 'cookie') {
      const secure = location.protocol === 'https:' ? '; Secure' : ''
      // The Cookie Store API is asynchronous and missing in Firefox and Safari; the id is nanoid's
      // URL-safe alphabet, so it needs no escaping.
      // biome-ignore lint/suspicious/noDocumentCookie: see above
      document.cookie = `${ANONYMOUS_ID_KEY}=${id}; path=/; max-age=31536000; SameSite=Lax${secure}`
    }
  } catch {
    // Storage disabled or full: the id lasts for this page.
  }
}
