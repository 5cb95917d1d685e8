import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { requireLogin } from '../../web/guards.js'
import { FormBody } from '../../web/schemas.js'
import { cleanBody } from '../../web/forms.js'
import { childrenOfActor } from '../../people/service.js'
import { changePassword, changeUsername } from '../../auth/service.js'

/** Min profil: switch child, change username and password. */
export default async function profileRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = app.deps
  const str = (v: unknown) => (typeof v === 'string' ? v : '')

  async function render(req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply, extra: Record<string, unknown> = {}) {
    const children = await childrenOfActor(db, req.actor!)
    return reply.page('profile/index', { children, ...extra })
  }

  app.get('/profile', { preHandler: requireLogin }, async (req, reply) => render(req, reply))

  app.post('/profile/username', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const username = str(cleanBody(req.body).username)
    const result = await changeUsername(db, req.actor!, { username })
    if (!result.ok) {
      reply.code(422)
      return render(req, reply, { errors: result.errors, values: { username }, form: 'username' })
    }
    reply.flash({ kind: 'success', key: 'profile:username.changed' })
    return reply.redirect('/profile', 303)
  })

  app.post('/profile/password', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const raw = req.body
    const result = await changePassword(db, req.actor!, {
      currentPassword: str(raw.currentPassword), newPassword: str(raw.newPassword), newPasswordConfirm: str(raw.newPasswordConfirm),
    }, req.session.sessionId)
    if (!result.ok) {
      reply.code(422)
      return render(req, reply, { errors: result.errors, form: 'password' })
    }
    reply.flash({ kind: 'success', key: 'profile:password.changed' })
    return reply.redirect('/profile', 303)
  })
}
