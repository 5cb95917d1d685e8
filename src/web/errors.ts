import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { translator, DEFAULT_LOCALE } from './i18n.js'
import { formatters } from './format.js'

/** Database unreachable or shutting down: answer 503, not 500. */
/** The action is not this person's to take (a pupil answering a survey, staff reporting absence): 403. */
export class Forbidden extends Error {
  constructor() { super('forbidden') }
}

export function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string }
  if (!e) return false
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03'].includes(e.code)) return true
  if (e.code?.startsWith('08')) return true
  return /PGlite is closed|Connection terminated|driver has already been destroyed|timeout exceeded when trying to connect|not queryable|Connection terminated unexpectedly|terminating connection|the database system is (starting up|shutting down|in recovery)/i.test(e.message ?? '')
}

function ensureHelpers(req: FastifyRequest) {
  if (!req.t) {
    req.t = translator(DEFAULT_LOCALE)
    req.fmt = formatters(DEFAULT_LOCALE)
  }
}

async function renderError(req: FastifyRequest, reply: FastifyReply, status: number, name: string) {
  ensureHelpers(req)
  reply.code(status)
  const data = { status, titleKey: `errors.${name}.title`, bodyKey: `errors.${name}.body` }
  if (status === 503) {
    // The database is down: the session is not saved with this page. Its save (in onSend)
    // would fail again and Fastify's last-resort handler would answer JSON instead of it.
    (req as { session: unknown }).session = null
  }
  try {
    // The frame may need the database; when it is down, render without it.
    if (status === 503 || !req.actor) return await reply.fragment('errors/standalone', data)
    return await reply.page('errors/error', data)
  } catch {
    return reply.type('text/plain; charset=utf-8').send(`${status}`)
  }
}

export function installErrorHandlers(app: FastifyInstance) {
  app.setNotFoundHandler(async (req, reply) => renderError(req, reply, 404, '404'))

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
      return renderError(req, reply, 403, 'csrf')
    }
    if (err.validation) {
      // Malformed ids in the path are pages that do not exist.
      return renderError(req, reply, err.validationContext === 'params' ? 404 : 400, err.validationContext === 'params' ? '404' : '400')
    }
    if (err.statusCode === 429) return renderError(req, reply, 429, '429')
    if (err.statusCode === 413) return renderError(req, reply, 413, '413')
    if (isDatabaseDown(err)) {
      req.log.error({ err: { message: err.message, code: err.code } }, 'database unavailable')
      reply.header('Retry-After', '30')
      return renderError(req, reply, 503, '503')
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return renderError(req, reply, err.statusCode, err.statusCode === 403 ? '403' : err.statusCode === 404 ? '404' : '400')
    }
    req.log.error({ err }, 'unhandled error')
    return renderError(req, reply, 500, '500')
  })
}
