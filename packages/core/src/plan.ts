/**
 * Typed tracking plans (issue 9): one valibot schema per event, and optionally for identify
 * traits and group traits. The client's types come from the schemas' input types, and at run time
 * the same schemas check every call. Nothing here is imported by the client itself: it only calls
 * the plan's `checker`, so a user who never imports `defineTrackingPlan` ships none of this code.
 */
import * as v from 'valibot'
import { ConfigError, ValidationError } from './errors.js'
import { errorText } from './messages/describe.js'
import type { GroupParams, IdentifyParams, Logger, Message, MessageType, TrackParams } from './types.js'

/** What `defineTrackingPlan` takes: a schema per event name, and optional traits schemas. */
export interface TrackingPlanDefinition {
  /** One schema per event name, for `track({ event, properties })`. */
  events: Record<string, v.GenericSchema>
  /** The schema of `identify({ traits })`. */
  traits?: v.GenericSchema
  /** The schema of `group({ traits })`. */
  groupTraits?: v.GenericSchema
}

/** What a `track()` of an event outside the plan does at run time (plain JavaScript callers). */
export type UndeclaredEvents = 'allow' | 'reject' | 'report'

/** Checks one built message against the plan; a ValidationError when it breaks it. */
export type PlanCheck = (type: MessageType, message: Message) => ValidationError | undefined

/** A tracking plan made by {@link defineTrackingPlan}; pass it as the client's `plan` option. */
export interface TrackingPlan<D extends TrackingPlanDefinition = TrackingPlanDefinition> {
  readonly events: D['events']
  readonly traits: D['traits']
  readonly groupTraits: D['groupTraits']
  /**
   * Made by `defineTrackingPlan()` and called by the client: returns one client's run-time check
   * (each client warns about undeclared events on its own). Not for calling yourself.
   */
  readonly checker: (undeclaredEvents: UndeclaredEvents | undefined, logger: Logger) => PlanCheck
}

/** The events and traits of a plan, by name (for writing your own types against a plan). */
export type PlanEvents<P> = P extends TrackingPlan<infer D> ? D['events'] : never

/** `properties` is required when the schema's input has a required key, optional otherwise. */
// biome-ignore lint/complexity/noBannedTypes: `{} extends I` asks whether an empty object is a valid input
type Field<K extends string, I> = {} extends I ? { [_ in K]?: I } : { [_ in K]: I }

/** A valid call's params, one member per declared event (so editors complete names and properties). */
export type PlannedTrackParams<Base, E extends Record<string, v.GenericSchema>> = {
  [K in keyof E & string]: Omit<Base, 'event' | 'properties'> & { event: K } & Field<'properties', v.InferInput<E[K]>>
}[keyof E & string]

/** The params of a traits-carrying call (`identify`, `group`) when the plan has a schema for them. */
export type PlannedTraitsParams<Base, S> = S extends v.GenericSchema ? Omit<Base, 'traits'> & { traits?: v.InferInput<S> } : Base

/** `track()`'s params for a client of plan `P` (today's `TrackParams` without a plan). */
export type TrackParamsOf<P> = P extends TrackingPlan<infer D> ? PlannedTrackParams<TrackParams, D['events']> : TrackParams
/** `identify()`'s params for a client of plan `P`: traits typed by the plan's `traits` schema. */
export type IdentifyParamsOf<P> = P extends TrackingPlan<infer D> ? PlannedTraitsParams<IdentifyParams, D['traits']> : IdentifyParams
/** `group()`'s params for a client of plan `P`: traits typed by the plan's `groupTraits` schema. */
export type GroupParamsOf<P> = P extends TrackingPlan<infer D> ? PlannedTraitsParams<GroupParams, D['groupTraits']> : GroupParams

/**
 * Declares a tracking plan with valibot schemas. A client made with `{ plan }` accepts only the
 * declared events in `track()`, with `properties` typed from each schema's input type, and
 * `identify()`/`group()` traits typed from `traits`/`groupTraits`; at run time the same schemas
 * validate each call, and a violation fails that call alone with a `ValidationError` (reason
 * `invalid`) that lists every issue with its path.
 *
 * ```ts
 * import * as v from 'valibot'
 * const plan = defineTrackingPlan({
 *   events: { 'Order Completed': v.object({ orderId: v.string(), total: v.number() }) },
 *   traits: v.object({ email: v.pipe(v.string(), v.email()), plan: v.optional(v.picklist(['free', 'pro'])) }),
 * })
 * const analytics = new Analytics({ writeKey, plan })
 * ```
 */
export function defineTrackingPlan<const D extends TrackingPlanDefinition>(definition: D): TrackingPlan<D> {
  const { events, traits, groupTraits } = definition ?? ({} as D)
  if (!isSchemaMap(events)) throw new ConfigError('defineTrackingPlan: events must be an object of valibot schemas, one per event name')
  for (const [name, schema] of [
    ['traits', traits],
    ['groupTraits', groupTraits],
  ] as const) {
    if (schema !== undefined && !isSchema(schema)) throw new ConfigError(`defineTrackingPlan: ${name} must be a valibot schema`)
  }
  const declared = new Map(Object.entries(events))
  return {
    events,
    traits,
    groupTraits,
    checker(undeclaredEvents = 'report', logger) {
      if (!['allow', 'reject', 'report'].includes(undeclaredEvents)) {
        throw new ConfigError(`undeclaredEvents must be "allow", "reject" or "report" (got ${JSON.stringify(undeclaredEvents)})`)
      }
      const reported = new Set<string>()
      const checkOne: PlanCheck = (type, message) => {
        if (type === 'track') {
          const event = message.event as string
          const label = `track ${JSON.stringify(event)}`
          const schema = declared.get(event)
          if (schema) return check(schema, message.properties ?? {}, 'properties', 'track', label)
          if (undeclaredEvents === 'reject') {
            return new ValidationError(`${label}: event ${JSON.stringify(event)} is not in the tracking plan`, 'track', 'event')
          }
          if (undeclaredEvents === 'report' && !reported.has(event)) {
            reported.add(event)
            logger.warn(`${label}: event is not in the tracking plan; sent anyway (undeclaredEvents: "report" warns once per name)`)
          }
          return undefined
        }
        const schema = type === 'identify' ? traits : type === 'group' ? groupTraits : undefined
        // A call without traits (an identify that only links a userId) has nothing to check.
        if (schema && message.traits !== undefined) return check(schema, message.traits, 'traits', type, type)
        return undefined
      }
      return (type, message) => {
        try {
          return checkOne(type, message)
        } catch (cause) {
          // A schema's own function, or a getter in the input, threw: that call fails, the caller never sees a throw.
          return new ValidationError(`${type}: the tracking plan's check threw (${errorText(cause)})`, type, '')
        }
      }
    },
  }
}

function isSchema(value: unknown): value is v.GenericSchema {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'schema'
}

function isSchemaMap(value: unknown): value is Record<string, v.GenericSchema> {
  return typeof value === 'object' && value !== null && Object.values(value).every(isSchema)
}

function check(schema: v.GenericSchema, input: unknown, field: string, call: MessageType, label: string): ValidationError | undefined {
  const result = v.safeParse(schema, input)
  if (result.success) return undefined
  const issues = result.issues.map((issue) => {
    const keys = issue.path?.map((item) => String(item.key)) ?? []
    return { path: [field, ...keys].join('.'), message: describeIssue(issue) }
  })
  const text = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')
  const error = new ValidationError(`${label}: ${text}`, call, (issues[0] as { path: string }).path)
  ;(error as { issues: ValidationError['issues'] }).issues = issues
  return error
}

/** `expected number, received string`; a missing key is `required, missing`. */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.kind !== 'schema') return issue.message
  if (issue.type === 'object' || issue.type === 'strict_object' || issue.type === 'loose_object') {
    if (issue.expected === 'never') return 'not in the plan (the schema is strict)'
    if (issue.input === undefined && issue.path?.length) return 'required, missing'
  }
  return `expected ${issue.expected ?? 'another value'}, received ${kindOf(issue.input)}`
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}
