import { Type } from '@sinclair/typebox'
import type { FormValues } from '../../web/forms.js'
import { ChildParams, Hint, Id, Page } from '../../web/schemas.js'
import { LINK_MAX, MESSAGE_MAX, PLACE_MAX } from './rules.js'

// Shapes of the talks box's URLs and forms. The forms are read with parseForm
// (src/web/forms.ts): each field is optional text with a length cap here; meaning (an id
// of the child's round, real dates, times that fit) is the service's. Either way a failed
// check is the form again with 422 and the message at its field.
const text = (max: number) => Type.Optional(Type.String({ maxLength: max }))

/** Booking a time: the round (hidden), the chosen time and an optional message. */
export const BookBody = Type.Object({
  round: text(20),
  slot: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  message: text(MESSAGE_MAX),
}, { additionalProperties: true })

/** Publishing a round (the form, "Ändra", the preview and the publish all send it). */
export const PublishBody = Type.Object({
  group: text(20), staff: text(20), dates: text(400), from: text(20), to: text(20), length: text(20), pause: text(20),
  placeKind: text(20), place: text(PLACE_MAX), link: text(LINK_MAX), lastDay: text(20),
  /** The idempotency key of a publish (a double submit publishes once). */
  key: text(64),
}, { additionalProperties: true })

/** Moving a booking: the free time to move it to. */
export const MoveBody = Type.Object({ to: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })) }, { additionalProperties: true })

/** The form's fields as text (a field sent as a list counts as its first value). */
export function formText(values: FormValues): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'string' ? v : v[0] ?? ''
  return out
}

// What the URLs carry.
/** `?cancelled=<staff id>` after Avboka: whom to suggest writing to (an odd one suggests no one). */
export const TalksQuery = Type.Object({ cancelled: Hint(Id) })
export const RoundParams = Type.Composite([ChildParams, Type.Object({ roundId: Id })])
/** `?offset=` of a round's free times (an odd one is the first page). */
export const RoundQuery = Type.Object({ offset: Hint(Page) })
export const BookingParams = Type.Composite([ChildParams, Type.Object({ slotId: Id })])
/** A booking's calendar file: `<slot id>.ics`. */
export const IcsParams = Type.Composite([ChildParams, Type.Object({ file: Type.String({ pattern: '^[0-9]{1,9}\\.ics$' }) })])

/** The staff's page: `?group=` (none, or empty: their first group; one not theirs, or odd: 404). */
export const StaffIndexQuery = Type.Object({ group: Type.Optional(Type.Union([Id, Type.Literal('')])) })
/** The publish form: `?group=` preselects a group (an odd one preselects none). */
export const NewRoundQuery = Type.Object({ group: Hint(Id) })
export const StaffRoundParams = Type.Object({ roundId: Id })
/** `?page=` of the round's overview (an odd one is the first). */
export const OverviewQuery = Type.Object({ page: Hint(Page) })
export const StaffSlotParams = Type.Object({ roundId: Id, slotId: Id })
