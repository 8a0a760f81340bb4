/**
 * Types of the well-known traits, properties and context fields: the ones Customer.io and the
 * Segment spec give a meaning, and the ones the API's schema checks (pipelines-api.md §7, §9).
 * Each stays open to any other key. Types only: nothing here reaches a bundle.
 */

/** A postal address, as a trait of a person or an object. */
export interface Address {
  street?: string
  city?: string
  state?: string
  postalCode?: string
  country?: string
  [key: string]: unknown
}

/** Traits of a person (`identify`). Customer.io stores each one as a person attribute. */
export interface Traits {
  /**
   * Email address. Customer.io can identify a person by it alone (`userId: ''` with
   * `traits.email`); the API rejects a value that is not a string.
   */
  email?: string
  /** Full name. */
  name?: string
  firstName?: string
  lastName?: string
  /** Phone number, ideally E.164 (`+15555550123`). */
  phone?: string
  /** When the account was created: a Date or an RFC 3339 string with a zone (the API rejects others). */
  createdAt?: Date | string
  address?: Address
  age?: number
  /** URL of an avatar image. */
  avatar?: string
  birthday?: Date | string
  company?: { name?: string; id?: string | number; industry?: string; employee_count?: number; plan?: string; [key: string]: unknown }
  description?: string
  gender?: string
  /** Your own id of the person, when it differs from `userId`. */
  id?: string
  /** Job title. */
  title?: string
  username?: string
  website?: string
  [key: string]: unknown
}

/** A person's relationship to an object, for `group()` (see {@link GroupTraits}). */
export interface RelationshipAttributes {
  [key: string]: unknown
}

/** Traits of a group: in Customer.io, the attributes of an object (a company, an account, ...). */
export interface GroupTraits {
  name?: string
  email?: string
  phone?: string
  website?: string
  industry?: string
  employees?: number
  plan?: string
  /** When the group was created: a Date or an RFC 3339 string with a zone. */
  createdAt?: Date | string
  address?: Address
  avatar?: string
  description?: string
  /** Your own id of the group, when it differs from `groupId`. */
  id?: string
  /**
   * The object type as a trait, a stringified integer; `group({ objectTypeId })` says the same
   * at the top level, which the SDK prefers.
   */
  object_type_id?: string
  /**
   * Attributes of the relationship between the person and this object, such as their role in a
   * company. Customer.io stores them on the relationship, not on the object.
   */
  relationshipAttributes?: RelationshipAttributes
  [key: string]: unknown
}

/** One product of an ecommerce event. */
export interface Product {
  product_id?: string
  sku?: string
  name?: string
  price?: number
  quantity?: number
  category?: string
  brand?: string
  variant?: string
  url?: string
  image_url?: string
  [key: string]: unknown
}

/** Properties of a `track()` event; the ecommerce and revenue fields of the Segment spec are typed. */
export interface Properties {
  /** Revenue this event brought, in `currency`. */
  revenue?: number
  /** ISO 4217 code such as `USD`. */
  currency?: string
  /** An abstract value of the event, for events without revenue. */
  value?: number
  order_id?: string
  total?: number
  subtotal?: number
  shipping?: number
  tax?: number
  discount?: number
  coupon?: string
  products?: Product[]
  name?: string
  category?: string
  [key: string]: unknown
}

/** Properties of a `page()` view; the API rejects a non-string value in the typed ones. */
export interface PageProperties extends Properties {
  url?: string
  path?: string
  title?: string
  referrer?: string
  search?: string
}

/** Properties of a `screen()` view. */
export interface ScreenProperties extends Properties {}

/**
 * The `context` of a message: where it came from. The client sets `library` itself; the rest is
 * yours to give, per call or as `defaultContext`. The API rejects a message whose typed fields
 * here have the wrong type (`channel`, `device.type`, the strings of `page`, ...).
 */
export interface Context {
  /** False for a call that should not update the person's "last seen" (an identify from a backend job). */
  active?: boolean
  /** The app that sent the event. */
  app?: { name?: string; version?: string; build?: string; namespace?: string; [key: string]: unknown }
  /** UTM parameters of the campaign that brought the person; every value a string. */
  campaign?: { name?: string; source?: string; medium?: string; term?: string; content?: string; [key: string]: string | undefined }
  /** Where the event came from. */
  channel?: 'browser' | 'server' | 'mobile'
  /** The device the event happened on. */
  device?: {
    id?: string
    advertisingId?: string
    manufacturer?: string
    model?: string
    name?: string
    version?: string
    /** The API accepts only these two. */
    type?: 'ios' | 'android'
    /** A push token. */
    token?: string
    [key: string]: unknown
  }
  /** The person's IP address; Customer.io derives location from it. */
  ip?: string
  /** Set by the client: this SDK's name and version. */
  library?: { name: string; version: string }
  /** A BCP 47 tag such as `en-US`. */
  locale?: string
  location?: {
    city?: string
    country?: string
    region?: string
    latitude?: number
    longitude?: number
    speed?: number
    [key: string]: unknown
  }
  network?: { bluetooth?: boolean; carrier?: string; cellular?: boolean; wifi?: boolean; [key: string]: unknown }
  os?: { name?: string; version?: string; [key: string]: unknown }
  /** The web page the event happened on. */
  page?: {
    path?: string
    referrer?: string
    search?: string
    title?: string
    url?: string
    name?: string
    keywords?: string[]
    [key: string]: unknown
  }
  /** Where the person came from, such as a referring link. */
  referrer?: { id?: string; type?: string; name?: string; url?: string; link?: string; [key: string]: unknown }
  screen?: { width?: number; height?: number; density?: number; [key: string]: unknown }
  /** An IANA zone such as `Europe/Amsterdam`. */
  timezone?: string
  /** Traits of the person sent along with a non-identify call. */
  traits?: Traits
  /** The user agent string of the person's browser or app. */
  userAgent?: string
  [key: string]: unknown
}
