// What a page keeps for the next one (keeper.ts), as a table of page lives: the client's store
// hooks and the page's visibility in some order, and the outbox after each turn. localStorage is
// a Map here (Node has none); the same keeper runs in real Chromium in leave.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Keeper } from '../src/keeper.js'

const KEY = 'cdp-analytics:key:page'

/** localStorage over a Map, refusing a value longer than `quota` characters as a full storage does. */
function memoryStorage(quota = Number.POSITIVE_INFINITY) {
  const items = new Map<string, string>()
  let writes = 0
  return {
    get length() {
      return items.size
    },
    key: (index: number) => [...items.keys()][index] ?? null,
    getItem: (key: string) => items.get(key) ?? null,
    setItem(key: string, value: string) {
      if (value.length > quota) throw new DOMException('full', 'QuotaExceededError')
      writes++
      items.set(key, value)
    },
    removeItem: (key: string) => void items.delete(key),
    writes: () => writes,
  }
}

const json = (id: string) => `{"messageId":"${id}"}`
const item = (id: string) => ({ json: json(id), bytes: json(id).length })

type Step =
  | ['accept' | 'settle', ...string[]]
  | ['ride' | 'land', ...string[]]
  | ['hide']
  | ['show']
  /** The end of the turn: the keeper's pending write happens. */
  | ['turn']
  /** The outbox's messageIds now, or null when there is none. */
  | ['kept', string[] | null]

function run(keeper: Keeper, storage: ReturnType<typeof memoryStorage>, steps: Step[]): Promise<void> {
  return steps.reduce(async (before, step) => {
    await before
    const [action, ...ids] = step
    if (action === 'accept') for (const id of ids as string[]) keeper.accept(item(id))
    if (action === 'settle') keeper.settled((ids as string[]).map(item))
    if (action === 'ride' || action === 'land') keeper.ride((ids as string[]).map(json), action === 'ride')
    if (action === 'hide') keeper.hide()
    if (action === 'show') keeper.show()
    if (action === 'turn') await Promise.resolve()
    if (action === 'kept') {
      const text = storage.getItem(KEY)
      expect(
        text && (JSON.parse(text) as { messageId: string }[]).map((message) => message.messageId),
        `at step ${steps.indexOf(step)}`,
      ).toEqual(step[1])
    }
  }, Promise.resolve())
}

describe('Keeper: while the page is hidden, the outbox holds every message without an outcome that rides on no keepalive request', () => {
  let storage: ReturnType<typeof memoryStorage>
  beforeEach(() => {
    storage = memoryStorage()
    ;(globalThis as { localStorage?: unknown }).localStorage = storage
  })
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage
  })

  it.each<{ name: string; steps: Step[] }>([
    { name: 'a visible page writes nothing', steps: [['accept', 'a', 'b'], ['ride', 'a'], ['settle', 'a'], ['turn'], ['kept', null]] },
    { name: 'hiding keeps the backlog at once, in call order', steps: [['accept', 'a', 'b', 'c'], ['hide'], ['kept', ['a', 'b', 'c']]] },
    {
      name: 'messages riding on a keepalive request are left out',
      steps: [['accept', 'a', 'b'], ['ride', 'a'], ['hide'], ['kept', ['b']]],
    },
    {
      name: 'a keepalive that starts riding after the page hid leaves the outbox at the end of the turn',
      steps: [['accept', 'a', 'b'], ['hide'], ['kept', ['a', 'b']], ['ride', 'a'], ['turn'], ['kept', ['b']]],
    },
    {
      name: 'a keepalive that fails while hidden is kept again (a plain fetch may be cancelled)',
      steps: [['accept', 'a'], ['ride', 'a'], ['hide'], ['kept', null], ['land', 'a'], ['turn'], ['kept', ['a']]],
    },
    {
      name: 'outcomes while hidden leave the outbox; the last one removes it',
      steps: [['accept', 'a', 'b'], ['hide'], ['settle', 'a'], ['turn'], ['kept', ['b']], ['settle', 'b'], ['turn'], ['kept', null]],
    },
    {
      name: 'calls accepted while hidden are kept too (a background page may be killed without pagehide)',
      steps: [['accept', 'a'], ['hide'], ['accept', 'b', 'c'], ['turn'], ['kept', ['a', 'b', 'c']]],
    },
    {
      name: "visible again: the outbox is removed (the queue is the page's own)",
      steps: [['accept', 'a'], ['hide'], ['show'], ['kept', null]],
    },
    {
      name: 'hidden again after that: kept again, with what changed meanwhile',
      steps: [['accept', 'a'], ['hide'], ['show'], ['accept', 'b'], ['settle', 'a'], ['turn'], ['kept', null], ['hide'], ['kept', ['b']]],
    },
  ])('$name', async ({ steps }) => {
    await run(new Keeper(KEY), storage, steps)
  })

  it('a burst of calls while hidden is one write, and a second hide (pagehide after visibilitychange) with nothing new writes nothing', async () => {
    const keeper = new Keeper(KEY)
    keeper.accept(item('a'))
    keeper.hide()
    expect(storage.writes()).toBe(1)
    for (let i = 0; i < 100; i++) keeper.accept(item(`b${i}`))
    await Promise.resolve()
    expect(storage.writes()).toBe(2)
    keeper.hide()
    await Promise.resolve()
    expect(storage.writes()).toBe(2)
  })

  it('a full storage keeps the oldest that fit, and warns once per rise of what was left out', async () => {
    storage = memoryStorage(json('a').length * 2 + 3) // room for two messages
    ;(globalThis as { localStorage?: unknown }).localStorage = storage
    const warnings: string[] = []
    const keeper = new Keeper(KEY)
    keeper.warn = (text) => warnings.push(text)
    await run(keeper, storage, [['accept', 'a', 'b', 'c'], ['hide'], ['kept', ['a']]])
    expect(warnings).toEqual(['2 message(s) not kept: localStorage full or unavailable'])
    await run(keeper, storage, [['settle', 'c'], ['turn'], ['kept', ['a', 'b']], ['accept', 'd', 'e'], ['turn'], ['kept', ['a', 'b']]])
    expect(warnings).toEqual([
      '2 message(s) not kept: localStorage full or unavailable',
      '2 message(s) not kept: localStorage full or unavailable',
    ])
  })

  it('no storage at all (a sandboxed frame): nothing throws, every message is reported not kept', () => {
    delete (globalThis as { localStorage?: unknown }).localStorage
    const warnings: string[] = []
    const keeper = new Keeper(KEY)
    keeper.warn = (text) => warnings.push(text)
    keeper.accept(item('a'))
    expect(() => keeper.hide()).not.toThrow()
    expect(warnings).toEqual(['1 message(s) not kept: localStorage full or unavailable'])
  })
})
