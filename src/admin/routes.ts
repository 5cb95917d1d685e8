import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { requireAdmin } from '../web/guards.js'
import { parseForm } from '../web/forms.js'
import { FormBody } from '../web/schemas.js'
import { EmailForm } from '../auth/schemas.js'
import { sendActivation } from '../auth/service.js'

/** Provisioning by hand: send (again) an activation link to a person by e-mail address. */
export default async function adminRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps

  app.get('/staff/admin/invite', { preHandler: requireAdmin }, async (_req, reply) => reply.page('admin/invite', {}))

  app.post('/staff/admin/invite', { preHandler: requireAdmin, schema: { body: FormBody } }, async (req, reply) => {
    const form = parseForm(EmailForm, req.body)
    if (!form.ok) return reply.code(422).page('admin/invite', { values: form.values, errors: form.errors })
    const { email } = form.value
    const result = await sendActivation(db, clock, config.baseUrl, email)
    if (!result.ok) {
      return reply.code(422).page('admin/invite', { values: { email }, errors: { email: { key: `admin:invite.errors.${result.reason}` } } })
    }
    app.outboxKick()
    reply.flash({ kind: 'success', key: 'admin:invite.sent', params: { email } })
    return reply.redirect('/staff/admin/invite', 303)
  })
}
