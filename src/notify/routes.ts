import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { safeNext } from '../web/redirect.js'
import { requireLogin } from '../web/guards.js'
import { FormBody, Hint, Id, Page } from '../web/schemas.js'
import { bellPage, markAllRead, openNotification } from './bell.js'

/** The bell: /notifications lists them per child, newest first; opening one marks it read and follows its link. */
export default async function notificationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps

  app.get('/notifications', { preHandler: requireLogin, schema: { querystring: Type.Object({ page: Hint(Page) }) } }, async (req, reply) => {
    const page = Number(req.query.page ?? 1) || 1
    const view = await bellPage(db, req.actor!, page)
    return reply.page('notifications/index', { bell: view, page })
  })

  app.get('/notifications/:id', { preHandler: requireLogin, schema: { params: Type.Object({ id: Id }) } }, async (req, reply) => {
    const link = await openNotification(db, req.actor!, Number(req.params.id), clock.now())
    if (link === null) return reply.callNotFound()
    return reply.redirect(safeNext(link) ?? '/notifications', 303)
  })

  app.post('/notifications/read', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    await markAllRead(db, req.actor!, clock.now())
    reply.flash({ kind: 'success', key: 'notifications:allRead' })
    return reply.redirect('/notifications', 303)
  })
}
