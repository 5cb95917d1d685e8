import type { FastifyInstance } from 'fastify'
import { safeNext } from '../web/redirect.js'
import { requireLogin } from '../web/guards.js'
import { bellPage, markAllRead, openNotification } from './bell.js'

/** The bell: /notifications lists them per child, newest first; opening one marks it read and follows its link. */
export default async function notificationRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps

  app.get('/notifications', { preHandler: requireLogin }, async (req, reply) => {
    const raw = (req.query as { page?: string } | undefined)?.page
    const page = raw && /^\d{1,5}$/.test(raw) && Number(raw) > 0 ? Number(raw) : 1
    const view = await bellPage(db, req.actor!, page)
    return reply.page('notifications/index', { bell: view, page })
  })

  app.get('/notifications/:id', { preHandler: requireLogin }, async (req, reply) => {
    const raw = (req.params as { id: string }).id
    if (!/^\d{1,9}$/.test(raw)) return reply.callNotFound()
    const link = await openNotification(db, req.actor!, Number(raw), clock.now())
    if (link === null) return reply.callNotFound()
    return reply.redirect(safeNext(link) ?? '/notifications', 303)
  })

  app.post('/notifications/read', { preHandler: requireLogin }, async (req, reply) => {
    await markAllRead(db, req.actor!, clock.now())
    reply.flash({ kind: 'success', key: 'notifications:allRead' })
    return reply.redirect('/notifications', 303)
  })
}
