import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { cleanBody } from '../../web/forms.js'
import { WEEKDAYS, type WeekInput } from './rules.js'

// Shapes of the box's forms. Every field is optional text with a length cap: what a
// browser (or a crafted request) sends is checked here for shape, and by the service
// for meaning (times, opening hours, dates), so that any body gives a page, never a 500.
const text = (max: number) => Type.Optional(Type.String({ maxLength: max }))

export const DayBody = Type.Object({
  start: text(20),
  end: text(20),
  comment: text(2000),
  action: text(20),
}, { additionalProperties: true })
export type DayBody = Static<typeof DayBody>

const weekFields: Record<string, ReturnType<typeof text>> = {
  repeat: text(10), every: text(10), weeks: text(10), until: text(20), sameAsMonday: text(10),
}
for (const wd of WEEKDAYS) {
  weekFields[`start${wd}`] = text(20)
  weekFields[`end${wd}`] = text(20)
}
export const WeekBody = Type.Object(weekFields, { additionalProperties: true })

export const StaffCommentBody = Type.Object({ staffComment: text(2000) }, { additionalProperties: true })

/** Keeps only string fields of the schema (repeated fields count as their first value). */
function strings(body: unknown, schema: { properties: Record<string, unknown> }): Record<string, string> {
  const clean = cleanBody(body)
  const out: Record<string, string> = {}
  for (const key of Object.keys(schema.properties)) {
    const v = clean[key]
    const s = Array.isArray(v) ? v[0] : v
    out[key] = typeof s === 'string' ? s : ''
  }
  return out
}

/** The form's values as typed, or null when the body is not a form of this shape. */
export function readForm<T extends { properties: Record<string, unknown> }>(schema: T, body: unknown): Record<string, string> | null {
  const values = strings(body, schema)
  return Value.Check(schema as never, values) ? values : null
}

export function weekInput(v: Record<string, string>): WeekInput {
  const days = {} as WeekInput['days']
  for (const wd of WEEKDAYS) days[wd] = { start: v[`start${wd}`] ?? '', end: v[`end${wd}`] ?? '' }
  return {
    days,
    repeat: Boolean(v.repeat),
    every: v.every ?? '',
    weeks: v.weeks ?? '',
    until: v.until ?? '',
    sameAsMonday: Boolean(v.sameAsMonday),
  }
}
