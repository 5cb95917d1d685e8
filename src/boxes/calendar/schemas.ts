import { Type } from '@sinclair/typebox'

/** The input schemas of the calendar's forms (lengths and shapes; meaning is the service's). */

export const TITLE_MAX = 200
export const BODY_MAX = 4000
export const ANSWER_MAX = 2000
export const PROMPT_MAX = 300
export const OPTIONS_MAX = 2000
/** Question slots on the survey form (works without JavaScript: empty slots are ignored). */
export const QUESTION_SLOTS = 5
export const OPTIONS_PER_QUESTION = 10

const date = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', errorKey: 'calendar:errors.date' })
const time = Type.String({ pattern: '^([01][0-9]|2[0-3])[:.]?[0-5][0-9]$', errorKey: 'calendar:errors.time' })
const audience = Type.String({ pattern: '^[gu][0-9]{1,9}$', errorKey: 'calendar:errors.audience' })

export const EventForm = Type.Object({
  audience,
  kind: Type.Union(['activity', 'assignment', 'homework', 'test', 'information'].map((k) => Type.Literal(k)), { errorKey: 'calendar:errors.kind' }),
  title: Type.String({ maxLength: TITLE_MAX }),
  body: Type.Optional(Type.String({ maxLength: BODY_MAX })),
  date,
  start: Type.Optional(time),
  end: Type.Optional(time),
  key: Type.Optional(Type.String({ maxLength: 64 })),
})

const slots: Record<string, ReturnType<typeof Type.Optional>> = {}
for (let i = 1; i <= QUESTION_SLOTS; i++) {
  slots[`kind${i}`] = Type.Optional(Type.Union(['single', 'multiple', 'text'].map((k) => Type.Literal(k)), { errorKey: 'calendar:errors.questionKind' }))
  slots[`prompt${i}`] = Type.Optional(Type.String({ maxLength: PROMPT_MAX }))
  slots[`options${i}`] = Type.Optional(Type.String({ maxLength: OPTIONS_MAX }))
}

export const SurveyForm = Type.Object({
  audience,
  title: Type.String({ maxLength: TITLE_MAX }),
  body: Type.Optional(Type.String({ maxLength: BODY_MAX })),
  date,
  closes: date,
  key: Type.Optional(Type.String({ maxLength: 64 })),
  ...slots,
})

/** Editing a published survey: its questions stay as they are (answers refer to them). */
export const SurveyEditForm = Type.Object({
  title: Type.String({ maxLength: TITLE_MAX }),
  body: Type.Optional(Type.String({ maxLength: BODY_MAX })),
  date,
  closes: date,
})

export const VisibilityForm = Type.Object({
  status: Type.Union([Type.Literal('published'), Type.Literal('hidden')]),
})
