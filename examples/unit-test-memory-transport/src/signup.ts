// Your own code: a signup service that takes the analytics client as a dependency, so that a
// unit test can hand it a client whose transport records instead of sending.
import type { Analytics } from '@cdp-analytics/node'

export interface User {
  id: string
  email: string
  plan: 'free' | 'pro'
}

export interface UserStore {
  insert(user: User): Promise<void>
}

export class SignupError extends Error {}

export function createSignupService(deps: { analytics: Analytics; users: UserStore; newId: () => string }) {
  const { analytics, users, newId } = deps
  return {
    /** Creates the user, then identifies them and tracks "Signed Up". A refused signup sends nothing. */
    async signUp(input: { email: string; plan?: 'free' | 'pro'; referrer?: string }): Promise<User> {
      const email = input.email.trim().toLowerCase()
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new SignupError(`not an email address: ${input.email}`)
      const user: User = { id: newId(), email, plan: input.plan ?? 'free' }
      await users.insert(user)
      analytics.identify({ userId: user.id, traits: { email: user.email, plan: user.plan } })
      analytics.track({
        userId: user.id,
        event: 'Signed Up',
        properties: { plan: user.plan, ...(input.referrer ? { referrer: input.referrer } : {}) },
      })
      return user
    },
  }
}
