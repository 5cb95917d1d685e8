import type { FastifyInstance } from 'fastify'
import { requireAdmin } from '../web/guards.js'
import { cleanBody } from '../web/forms.js'
import { sendActivation } from '../auth/service.js'

/** Provisioning by hand: send (again) an activation link to a person by e-mail address. */
export default async function adminRoutes(app: FastifyInstance) {
  const { db, clock, config } = app.deps

  app.get('/staff/admin/invite', { preHandler: requireAdmin }, async (_req, reply) => reply.page('admin/invite', {}))

  app.post('/staff/admin/invite', { preHandler: requireAdmin }, async (req, reply) => {
    const email = String(cleanBody(req.body).email ?? '')
    if (!email || !email.includes('@')) {
      return reply.code(422).page('admin/invite', { values: { email }, errors: { email: { key: email ? 'errors.field.email' : 'errors.field.required' } } })
    }
    const result = await sendActivation(db, clock, config.baseUrl, email)
    if (!result.ok) {
      return reply.code(422).page('admin/invite', { values: { email }, errors: { email: { key: `admin:invite.errors.${result.reason}` } } })
    }
    app.outboxKick()
    reply.flash({ kind: 'success', key: 'admin:invite.sent', params: { email } })
    return reply.redirect('/staff/admin/invite', 303)
  })
}
