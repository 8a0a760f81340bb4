// Turns valibot issues into one line each, `path: problem`, for test failure output and the
// collector's 400 body (`{"meta":{"errors":[...]}}`, pipelines-api.md §4).
import type * as v from 'valibot'

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

type Issue = v.BaseIssue<unknown>

/** `batch[2].context.device.type`; keys that are not identifiers are quoted: `integrations["A B"]`. */
export function formatPath(path: readonly v.IssuePathItem[] | undefined, prefix = ''): string {
  let out = prefix
  for (const item of path ?? []) {
    const key: unknown = item.key
    if (typeof key === 'number') out += `[${key}]`
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out ? `.${key}` : key
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out
}

// valibot parenthesises a union of expectations: `("android" | "ios")`.
const unwrap = (expected: string): string => expected.replace(/^\((.*)\)$/, '$1')

function describe(issue: Issue, path: string): string {
  // A missing key (object entry or variant discriminator). For a key, `expected` just repeats its
  // name; for a discriminator it lists the allowed values, which is worth keeping.
  if (issue.received === 'undefined') {
    const name = JSON.stringify(path.split(/[.[]/).pop() ?? '')
    const hint = issue.expected && issue.expected !== name ? `, expected ${unwrap(issue.expected)}` : ''
    return `required${hint}`
  }
  // Custom schemas and validation actions carry their own message; the rest get a uniform one.
  if (issue.kind !== 'schema' || issue.type === 'custom') return issue.message
  return `expected ${unwrap(issue.expected ?? 'a valid value')}, received ${issue.received}`
}

function formatIssue(issue: Issue, prefix: string): string[] {
  const path = formatPath(issue.path, prefix)
  // A union (the two context variants) failed in every branch. Sub-issue paths are relative to the
  // union, so they take its path as a prefix. If every branch failed the same way, say that once.
  if (issue.issues?.length) {
    const reasons = [...new Set(issue.issues.flatMap((sub) => formatIssue(sub, path)))]
    if (reasons.length === 1) return reasons
    return [`${path || '(body)'}: matches no allowed shape (${reasons.join('; ')})`]
  }
  return [`${path || '(body)'}: ${describe(issue, path)}`]
}

/** One line per issue, duplicates removed, in the order valibot found them. */
export function formatIssues(issues: readonly Issue[]): string[] {
  return [...new Set(issues.flatMap((issue) => formatIssue(issue, '')))]
}
