import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler, RouteOptions } from 'fastify'
import { Type, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'

/**
 * The shapes of what a route reads from its URL and body, declared once. Every route
 * declares `params`, `querystring` and `body` with these (and its own form schemas) through
 * `@fastify/type-provider-typebox`, so handlers get typed values and never cast.
 *
 * How a value that does not fit is answered (see `declaredInput`):
 * - params: the page does not exist (404), after the route's guards (login first);
 * - querystring: 404 too, except a `Hint(...)`, which counts as absent (the page's default);
 * - body: routes declare `FormBody` (any urlencoded form) and check their fields with
 *   `parseForm` (src/web/forms.ts), which re-renders the form with 422.
 * Schemas check shape; meaning (a real date, a week that exists) stays with the service.
 */

/** A row id in a URL: 1 to 9 digits (`Number()` it in the handler). */
export const Id = Type.String({ pattern: '^[0-9]{1,9}$' })
/** A date in a URL, YYYY-MM-DD. */
export const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })
/** An ISO week in a URL, 2026-W49. */
export const IsoWeek = Type.String({ pattern: '^[0-9]{4}-W[0-9]{2}$' })
/** A page number of a list. */
export const Page = Type.String({ pattern: '^[0-9]{1,5}$' })
/** A secret token in a URL (activation, reset, calendar feed): checked by looking it up. */
export const Token = Type.String({ maxLength: 200 })

/** An optional query parameter whose odd value counts as absent: the page shows its default. */
export function Hint<T extends TSchema>(schema: T) {
  return Type.Optional({ ...schema, hint: true } as T)
}

/** One text field or a repeated one (checkbox groups, a crafted request). */
const FormValue = Type.Union([Type.String(), Type.Array(Type.String())])
/** Any urlencoded form. Its fields are checked by `parseForm` with the form's own schema. */
export const FormBody = Type.Record(Type.String(), FormValue)

export const ChildParams = Type.Object({ childId: Id })

const checkId = TypeCompiler.Compile(Id)
/** The id, or NaN for anything that is not one (for code that runs before validation is enforced). */
export function parseId(raw: unknown): number {
  return checkId.Check(raw) ? Number(raw) : NaN
}

/** One message per failed check, in the shape Fastify attaches to `validationError`. */
function failures(check: ReturnType<typeof TypeCompiler.Compile>, value: unknown) {
  return [...check.Errors(value)].map((e) => ({ keyword: 'typebox', instancePath: e.path, schemaPath: '', params: {}, message: e.message }))
}

/**
 * TypeBox's compiled checks for every declared schema. Query strings: a `Hint` that does
 * not fit is dropped before the check, so the handler sees it as absent.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema)
  const hints = httpPart === 'querystring' && schema.properties
    ? Object.entries(schema.properties as Record<string, TSchema>).filter(([, s]) => s.hint).map(([k, s]) => [k, TypeCompiler.Compile(s)] as const)
    : []
  return (value: unknown) => {
    if (hints.length && value && typeof value === 'object') {
      const q = { ...(value as Record<string, unknown>) }
      for (const [k, c] of hints) if (q[k] !== undefined && !c.Check(q[k])) delete q[k]
      value = q
    }
    return check.Check(value) ? { value } : { error: failures(check, value) }
  }
}

/**
 * After the route's own guards (so that login, CSRF and access come first, as without a
 * schema): input that does not fit its declared shape.
 */
export async function rejectInvalid(req: FastifyRequest, reply: FastifyReply) {
  const err = req.validationError as (Error & { validationContext?: string }) | undefined
  if (!err) return
  if (err.validationContext === 'body') {
    return reply.code(400).page('errors/error', { status: 400, titleKey: 'errors.400.title', bodyKey: 'errors.400.body' })
  }
  return reply.callNotFound()
}

/**
 * Declared input for every route registered after this: TypeBox checks, and failures
 * answered by `rejectInvalid` after the route's guards instead of before them.
 */
export function declaredInput(app: FastifyInstance) {
  app.setValidatorCompiler(validatorCompiler)
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.schema || route.attachValidation) return
    route.attachValidation = true
    const own = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]
    route.preHandler = [...own, rejectInvalid]
  })
}
