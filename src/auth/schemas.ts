import { Type } from '@sinclair/typebox'
import { Hint, Token } from '../web/schemas.js'

/** A form with one e-mail address (forgotten password, an admin's invitation). */
export const EmailForm = Type.Object({
  email: Type.String({ pattern: '@', errorKey: 'errors.field.email' }),
}, { additionalProperties: true })

/** /login?next=/path&lang=en&out=1&reset=1: where to go after, the language, and why we are here. */
export const LoginQuery = Type.Object({
  next: Hint(Type.String()), lang: Hint(Type.String()), out: Hint(Type.String()), reset: Hint(Type.String()),
})

export const TokenParams = Type.Object({ token: Token })
