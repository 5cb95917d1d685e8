import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { readFileSync } from 'node:fs'
import { HTMX_FILE } from './assets.js'

/** Health endpoints for operations, htmx from its package, and the development mail outbox. */
export default async function opsRoutes(app: FastifyInstance, opts: { devMail?: () => unknown[] }) {
  const { db } = app.deps

  app.get('/healthz', { logLevel: 'warn' }, async (_req, reply) => reply.header('Cache-Control', 'no-store').send({ status: 'ok' }))

  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    reply.header('Cache-Control', 'no-store')
    try {
      await Promise.race([
        sql`select 1`.execute(db),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ])
      return reply.send({ status: 'ok', database: 'ok' })
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' })
    }
  })

  const htmx = readFileSync(HTMX_FILE)
  app.get('/static/js/htmx.min.js', async (_req, reply) =>
    reply.header('Cache-Control', 'public, max-age=31536000, immutable').type('application/javascript; charset=utf-8').send(htmx))

  // The development mail outbox: only in development and test, never in production.
  if (opts.devMail && app.deps.config.env !== 'production') {
    const list = opts.devMail
    app.get('/dev/mail', async (_req, reply) => reply.page('dev/mail', { mails: list() }))
    app.get('/dev/mail.json', async (_req, reply) => reply.header('Cache-Control', 'no-store').send(list()))
  }
}
