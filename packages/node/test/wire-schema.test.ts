// The collector's valibot schema must give the same verdict as spec/batch.schema.json under ajv. The
// spec's examples directory is the main table; the extra cases probe the places where the JSON schema's anyOf
// readings are easy to get wrong in a hand-written encoding.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkBatchLimits, validateBatchBody } from '../src/testing/index.js'
import { specDir, validateAgainstDef, validateWithAjv } from './helpers/spec.js'

const examplesDir = join(specDir, 'examples')
const exampleFiles = readdirSync(examplesDir).filter((name) => /^(valid|invalid)-.*\.json$/.test(name))
const readExample = (name: string): unknown => JSON.parse(readFileSync(join(examplesDir, name), 'utf8'))

const batchOf = (...batch: unknown[]) => ({ batch })
const track = (fields: Record<string, unknown> = {}) => ({ type: 'track', userId: 'u-1', event: 'Clicked', ...fields })
const mobileContext = (device: Record<string, unknown>) => ({
  channel: 'mobile',
  app: { name: 'Acme', version: '1.0.0' },
  device: { manufacturer: 'Google', model: 'Pixel 8', ...device },
  os: { name: 'Android', version: '14' },
})

describe('spec examples', () => {
  it('finds the fixture files', () => {
    expect(exampleFiles.filter((name) => name.startsWith('valid-')).length).toBeGreaterThan(0)
    expect(exampleFiles.filter((name) => name.startsWith('invalid-')).length).toBeGreaterThan(0)
  })

  it.each(exampleFiles)('%s gets the verdict its name promises from ajv and valibot', (name) => {
    const body = readExample(name)
    const shouldPass = name.startsWith('valid-')
    expect(validateWithAjv(body).length === 0, `ajv: ${validateWithAjv(body).join('; ')}`).toBe(shouldPass)
    expect(validateBatchBody(body).length === 0, validateBatchBody(body).join('; ')).toBe(shouldPass)
  })

  // The error text is what a developer reads in a failing SDK test, so its path must point at the field.
  it.each([
    ['invalid-track-missing-event.json', 'batch[0].event: required'],
    ['invalid-missing-type.json', 'batch[0].type: required'],
    ['invalid-unknown-type.json', 'batch[0].type: expected'],
    ['invalid-track-no-identity.json', 'batch[0]: requires userId or anonymousId or groupId'],
    ['invalid-integrations-non-boolean.json', 'integrations.Mixpanel: expected boolean, received "off"'],
    ['invalid-timestamp-not-iso.json', 'batch[0].timestamp: expected an RFC 3339 date-time'],
  ])('%s reports %s', (name, expected) => {
    expect(validateBatchBody(readExample(name)).join('\n')).toContain(expected)
  })
})

// The root schema does not apply the semantic events' schemas (spec/README.md); each is a $defs entry.
const semanticDefs: Record<string, string> = {
  'User Deleted': 'semanticUserDeleted',
  'Device Created or Updated': 'semanticDeviceCreatedOrUpdated',
  'Device Deleted': 'semanticDeviceDeleted',
  'Relationship Deleted': 'semanticRelationshipDeleted',
  'Group Deleted': 'semanticGroupDeleted',
  'Object Deleted': 'semanticObjectDeleted',
  'User Suppressed': 'semanticUserSuppressed',
  'User Unsuppressed': 'semanticUserUnsuppressed',
  'Report Delivery Event': 'semanticReportDeliveryEvent',
}

describe('semantic events', () => {
  const { batch: messages } = readExample('valid-semantic-events.json') as { batch: Array<{ event: string }> }

  it('the example sends each semantic event once', () => {
    expect(messages.map((message) => message.event).sort()).toEqual(Object.keys(semanticDefs).sort())
  })

  it.each(messages.map((message) => [message.event, message] as const))('%s matches its own schema and no other', (event, message) => {
    const matching = Object.entries(semanticDefs).filter(([, def]) => validateAgainstDef(def, message).length === 0)
    expect(matching.map(([name]) => name)).toEqual([event])
  })

  it.each([
    [
      'Device Created or Updated without a token',
      { type: 'track', userId: 'u', event: 'Device Created or Updated', properties: { device: { type: 'ios' } } },
    ],
    [
      'Device Created or Updated for a "web" device',
      { type: 'track', userId: 'u', event: 'Device Created or Updated', properties: { device: { token: 't', type: 'web' } } },
    ],
    [
      'Relationship Deleted without properties.groupId',
      { type: 'track', userId: 'u', event: 'Relationship Deleted', properties: { objectTypeId: 1 } },
    ],
    [
      'Relationship Deleted with a boolean objectTypeId',
      { type: 'track', userId: 'u', event: 'Relationship Deleted', properties: { groupId: 'g', objectTypeId: true } },
    ],
    ['Group Deleted without a top-level groupId', { type: 'track', userId: 'u', event: 'Group Deleted', properties: { groupId: 'g' } }],
    ['User Deleted for an anonymous user', { type: 'track', anonymousId: 'a', event: 'User Deleted' }],
    ['User Suppressed without type', { userId: 'u', event: 'User Suppressed' }],
    [
      'Report Delivery Event with the metric "bounced"',
      { type: 'track', userId: 'u', event: 'Report Delivery Event', properties: { deliveryId: 'd', metric: 'bounced' } },
    ],
  ])('rejects %s', (_description, message) => {
    expect(validateAgainstDef(semanticDefs[message.event]!, message)).not.toEqual([])
  })
})

// [description, body, valid according to batch.schema.json]
const agreementCases: Array<[string, unknown, boolean]> = [
  ['identify with both userId and anonymousId', batchOf({ type: 'identify', userId: 'u', anonymousId: 'a' }), true],
  ['identify with an empty userId', batchOf({ type: 'identify', userId: '', traits: { email: 'a@b.c' } }), true],
  ['timestamp with a +02:00 offset', batchOf(track({ timestamp: '2021-07-14T21:10:25+02:00' })), true],
  ['timestamp with lower-case t and z', batchOf(track({ timestamp: '2021-07-14t19:10:25.5z' })), true],
  ['timestamp in month 13', batchOf(track({ timestamp: '2021-13-01T00:00:00Z' })), false],
  ['timestamp on 29 February of a leap year', batchOf(track({ timestamp: '2024-02-29T00:00:00Z' })), true],
  ['timestamp on 29 February of a common year', batchOf(track({ timestamp: '2023-02-29T00:00:00Z' })), false],
  ['timestamp at hour 24', batchOf(track({ timestamp: '2021-07-14T24:00:00Z' })), false],
  ['timestamp without a zone', batchOf(track({ timestamp: '2021-07-14T19:10:25' })), false],
  ['timestamp as epoch milliseconds', batchOf(track({ timestamp: 1626289825000 })), false],
  ['sentAt as a date only', batchOf(track({ sentAt: '2021-07-14' })), false],
  ['traits.createdAt not a date-time', batchOf({ type: 'identify', userId: 'u', traits: { createdAt: 'yesterday' } }), false],
  ['traits.email a number', batchOf({ type: 'identify', userId: 'u', traits: { email: 1 } }), false],
  ['traits an array', batchOf({ type: 'identify', userId: 'u', traits: [] }), false],
  ['request-level integrations null', { ...batchOf(track()), integrations: null }, false],
  ['message-level integrations null', batchOf(track({ integrations: null })), false],
  ['context.channel "tv"', batchOf(track({ context: { channel: 'tv' } })), false],
  ['context null', batchOf(track({ context: null })), false],
  // The two context variants type disjoint keys, so one bad mobile key leaves the non-mobile reading valid.
  ['device.type "web" in a mobile context', batchOf(track({ context: mobileContext({ type: 'web' }) })), true],
  ['network.wifi a string', batchOf(track({ context: { network: { wifi: 'yes' } } })), true],
  ['page.keywords a string', batchOf(track({ context: { page: { keywords: 'docs' } } })), true],
  ['campaign with an extra non-string key', batchOf(track({ context: { campaign: { utm_id: 7 } } })), true],
  [
    'device.type "web" and a non-string campaign value',
    batchOf(track({ context: { ...mobileContext({ type: 'web' }), campaign: { name: 1 } } })),
    false,
  ],
  ['alias without userId', batchOf({ type: 'alias', previousId: 'old' }), false],
  ['alias with a numeric anonymousId (untyped there)', batchOf({ type: 'alias', previousId: 'o', userId: 'n', anonymousId: 1 }), true],
  ['track with only groupId', batchOf({ type: 'track', groupId: 'g', event: 'Upgraded' }), true],
  ['track with an empty event', batchOf(track({ event: '' })), true],
  ['track with userId null beside an anonymousId', batchOf(track({ userId: null, anonymousId: 'a' })), false],
  ['page with only anonymousId', batchOf({ type: 'page', anonymousId: 'a' }), true],
  ['page properties.title a number', batchOf({ type: 'page', userId: 'u', properties: { title: 1 } }), false],
  ['screen properties an array', batchOf({ type: 'screen', userId: 'u', properties: ['a'] }), false],
  ['group objectTypeId a number', batchOf({ type: 'group', userId: 'u', groupId: 'g', objectTypeId: 2 }), false],
  ['group traits.object_type_id a number', batchOf({ type: 'group', userId: 'u', groupId: 'g', traits: { object_type_id: 1 } }), false],
  ['group with groupId but no person', batchOf({ type: 'group', groupId: 'g' }), false],
  ['identify with a numeric event (untyped there)', batchOf({ type: 'identify', userId: 'u', event: 1 }), true],
  ['version a string', batchOf(track({ version: '2' })), false],
  ['a message that is a string', batchOf('track'), false],
  ['batch an object', { batch: { 0: track() } }, false],
  ['body an array', [track()], false],
  ['empty body object', {}, true],
  ['empty batch', batchOf(), true],
]

describe('valibot agrees with ajv', () => {
  it.each(agreementCases)('%s', (_description, body, valid) => {
    expect(validateWithAjv(body).length === 0, `ajv: ${validateWithAjv(body).join('; ')}`).toBe(valid)
    expect(validateBatchBody(body).length === 0, validateBatchBody(body).join('; ')).toBe(valid)
  })

  // Deliberate: ajv-formats' date-time is looser than RFC 3339, and the API promises only RFC 3339.
  it.each([
    ['a space instead of T', '2021-07-14 19:10:25Z'],
    ['an offset without a colon', '2021-07-14T19:10:25+0200'],
    ['an offset without minutes', '2021-07-14T19:10:25+02'],
    ['a leap second', '2016-12-31T23:59:60Z'],
  ])('is stricter than ajv-formats about %s', (_description, timestamp) => {
    const body = batchOf(track({ timestamp }))
    expect(validateWithAjv(body)).toEqual([])
    expect(validateBatchBody(body)).toEqual([expect.stringContaining('batch[0].timestamp: expected an RFC 3339')])
  })

  it('names both readings when a context fails each differently', () => {
    const body = batchOf(track({ context: { ...mobileContext({ type: 'web' }), campaign: { name: 1 } } }))
    const [error] = validateBatchBody(body)
    expect(error).toContain('batch[0].context: matches no allowed shape')
    expect(error).toContain('batch[0].context.campaign.name: expected string, received 1')
    expect(error).toContain('batch[0].context.device.type: expected "android" | "ios", received "web"')
  })
})

/** JSON text of exactly `bytes` UTF-8 bytes, made by padding `make`'s string slot with ASCII. */
function jsonOfBytes(bytes: number, make: (pad: string) => unknown): string {
  const overhead = Buffer.byteLength(JSON.stringify(make('')), 'utf8')
  return JSON.stringify(make('x'.repeat(bytes - overhead)))
}

const bodyOfBytes = (bytes: number) => jsonOfBytes(bytes, (pad) => ({ batch: [], pad }))
const messageOfBytes = (bytes: number) => JSON.parse(jsonOfBytes(bytes, (pad) => track({ properties: { pad } })))

describe('checkBatchLimits', () => {
  it.each([
    ['a 499,999-byte body', bodyOfBytes(499_999), []],
    ['a 500,000-byte body', bodyOfBytes(500_000), []],
    ['a 500,001-byte body', bodyOfBytes(500_001), ['(body): 500001 bytes, over the 500000-byte batch limit']],
    ['a 32,000-byte message', JSON.stringify(batchOf(track(), messageOfBytes(32_000))), []],
    [
      'a 32,001-byte message',
      JSON.stringify(batchOf(track(), messageOfBytes(32_001))),
      ['batch[1]: 32001 bytes, over the 32000-byte message limit'],
    ],
    ['a body that is not JSON', 'not json', []],
  ])('%s', (_description, rawBody, expected) => {
    expect(checkBatchLimits(rawBody)).toEqual(expected)
  })

  it('counts UTF-8 bytes, not characters', () => {
    // 11,000 euro signs are 11,000 UTF-16 units but 33,000 UTF-8 bytes.
    const rawBody = JSON.stringify(batchOf(track({ properties: { note: '€'.repeat(11_000) } })))
    expect(rawBody.length).toBeLessThan(32_000)
    expect(checkBatchLimits(rawBody)).toEqual([expect.stringMatching(/^batch\[0\]: 330\d\d bytes, over/)])
  })

  it('counts multi-byte characters toward the body limit too', () => {
    const rawBody = JSON.stringify({ batch: [], pad: 'é'.repeat(250_001) })
    expect(rawBody.length).toBeLessThan(500_000)
    expect(checkBatchLimits(rawBody)).toEqual([expect.stringContaining('(body): 5000')])
  })
})
