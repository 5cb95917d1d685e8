import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Values no form of ours can produce, refused before any handler sees them:
 * - C0 control characters other than tab, line feed and carriage return (PostgreSQL
 *   refuses NUL in text: a reply with \u0000 answered 500), and DEL;
 * - lone UTF-16 surrogates (not text; they cannot be stored as UTF-8);
 * - a single value over MAX_VALUE characters (the longest field, a message, is 10,000);
 * - objects where a form sends strings (a JSON body with nested objects).
 * A crafted URL (path parameters, query) answers 400; a form body answers 422 with a
 * page that says what was wrong. Ordinary validation (lengths, dates, choices) stays in
 * the routes, with the message at the field.
 */
export const MAX_VALUE = 20_000
export const MAX_QUERY_VALUE = 2_000

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export type Problem = 'characters' | 'tooLong' | 'shape'

/**
 * The fields that forms send more than once (checkbox groups). Any other field sent twice
 * is refused: a handler reading one string would otherwise see '' (an array) and, for
 * example, clear the person's e-mail address. A box with a new checkbox group adds its name.
 */
const MULTI_VALUED = new Set(['to', 'lessons', 'area', 'show', 'options', 'children'])
export function multiValuedField(...names: string[]): void {
  for (const n of names) MULTI_VALUED.add(n)
}

export function textProblem(s: string, max: number): Problem | null {
  if (s.length > max) return 'tooLong'
  if (CONTROL.test(s) || LONE_SURROGATE.test(s)) return 'characters'
  return null
}

/** The first problem among a request part's values (strings, or arrays of strings). */
export function valuesProblem(values: unknown, max: number, depth = 0): Problem | null {
  if (values === null || values === undefined) return null
  if (typeof values === 'string') return textProblem(values, max)
  // A form sends only strings: a number or boolean comes from a crafted JSON body.
  if (typeof values === 'number' || typeof values === 'boolean') return 'shape'
  if (Array.isArray(values)) {
    if (depth > 1 || values.length > 1000) return 'shape'
    for (const v of values) {
      if (typeof v !== 'string') return 'shape'
      const p = valuesProblem(v, max, depth + 1)
      if (p) return p
    }
    return null
  }
  if (typeof values === 'object' && depth === 0) {
    for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
      if (Array.isArray(v) && !MULTI_VALUED.has(k)) return 'shape'
      const p = textProblem(k, 200) ?? valuesProblem(v, max, depth + 1)
      if (p) return p
    }
    return null
  }
  return 'shape'
}

async function refuse(req: FastifyRequest, reply: FastifyReply, status: 400 | 422, problem: Problem) {
  req.log.info({ problem }, 'hostile input refused')
  reply.code(status)
  const data = { status, titleKey: 'errors.input.title', bodyKey: `errors.input.${problem}` }
  return reply.page('errors/error', data)
}

export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (req, reply) => {
    const crafted = valuesProblem(req.params, 200) ?? valuesProblem(req.query, MAX_QUERY_VALUE)
    if (crafted) return refuse(req, reply, 400, crafted)
    if (req.body !== undefined && req.body !== null) {
      const problem = typeof req.body === 'object' ? valuesProblem(req.body, MAX_VALUE) : 'shape'
      if (problem) return refuse(req, reply, 422, problem)
    }
  })
}
