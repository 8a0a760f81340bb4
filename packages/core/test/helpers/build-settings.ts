import type { BuildSettings } from '../../src/messages/build.js'

/** Fixed id and clock, so built messages can be compared whole. */
export const buildSettings: BuildSettings = {
  library: { name: 'test-lib', version: '1.2.3' },
  defaultContext: undefined,
  integrations: undefined,
  generateId: () => 'id-1',
  timestamp: () => '2026-12-01T10:00:00.000Z',
}
