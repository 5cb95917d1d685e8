import { Type, type Static } from '@sinclair/typebox'

export const TITLE_MAX = 200
export const BODY_MAX = 10_000

/** The hidden idempotency key of a form: a UUID made when the form was shown. */
const Key = Type.String({ pattern: '^[A-Za-z0-9-]{8,64}$' })

export const NewMessageForm = Type.Object({
  title: Type.String({ minLength: 1, maxLength: TITLE_MAX }),
  body: Type.String({ minLength: 1, maxLength: BODY_MAX }),
  key: Type.Optional(Key),
}, { additionalProperties: true })
export type NewMessageInput = Static<typeof NewMessageForm>

export const ReplyForm = Type.Object({
  body: Type.String({ minLength: 1, maxLength: BODY_MAX }),
  key: Type.Optional(Key),
}, { additionalProperties: true })
export type ReplyInput = Static<typeof ReplyForm>
