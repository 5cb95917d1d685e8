import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { FormValues } from '../../web/forms.js'
import { ChildParams, Hint, Id, IsoDate, IsoWeek } from '../../web/schemas.js'
import { WEEKDAYS, type WeekInput } from './rules.js'

// Shapes of the box's forms (read with parseForm, src/web/forms.ts). Every field is optional
// text with a length cap: what a browser (or a crafted request) sends is checked here for
// shape, and by the service for meaning (times, opening hours, dates); either way a failed
// check is the form again with 422.
const text = (max: number) => Type.Optional(Type.String({ maxLength: max }))

export const DayBody = Type.Object({
  start: text(20),
  end: text(20),
  comment: text(2000),
  action: text(20),
}, { additionalProperties: true })
export type DayBody = Static<typeof DayBody>

const weekFields: Record<string, TSchema> = {
  // "Samma tider även för": the siblings' ids (a checkbox group; the service checks each).
  copyTo: Type.Optional(Type.Array(Type.String({ maxLength: 12 }), { maxItems: 20 })),
  repeat: text(10), every: text(10), weeks: text(10), until: text(20), sameAsMonday: text(10),
}
for (const wd of WEEKDAYS) {
  weekFields[`start${wd}`] = text(20)
  weekFields[`end${wd}`] = text(20)
}
export const WeekBody = Type.Object(weekFields, { additionalProperties: true })

export const StaffCommentBody = Type.Object({ staffComment: text(2000) }, { additionalProperties: true })

/** The form's fields as text (the service reads text; a field not sent is ''). */
export function formText(values: FormValues): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'string' ? v : v[0] ?? ''
  return out
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

// What the URLs carry. Dates and weeks that fit the shape but do not exist (2026-02-30,
// 2026-W60, a Saturday) are the service's to refuse (404).
export const DayParams = Type.Composite([ChildParams, Type.Object({ date: IsoDate })])
export const WeekParams = Type.Composite([ChildParams, Type.Object({ week: IsoWeek })])
/** No week (or an empty one) is the coming week; one that does not fit is a page that does not exist. */
export const WeekQuery = Type.Object({ week: Type.Optional(Type.Union([IsoWeek, Type.Literal('')])) })
/** `?from=<week>`: fill the week form from another week. */
export const WeekFormQuery = Type.Object({ from: Type.Optional(IsoWeek) })
export const GroupParams = Type.Object({ groupId: Id })
/** The staff's day view: a date typed into its form (an odd one is a form error, so any text). */
export const GroupDayQuery = Type.Object({ date: Hint(Type.String()) })
export const GroupWeekQuery = Type.Object({ week: Type.Optional(IsoWeek) })
export const StaffChildDayParams = Type.Object({ childId: Id, date: IsoDate })
/** `?group=<id>`: where "back" leads (an odd one leads to the list). */
export const StaffChildDayQuery = Type.Object({ group: Hint(Id) })
