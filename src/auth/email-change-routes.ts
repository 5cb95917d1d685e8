import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { FormBody } from '../web/schemas.js'
import { TokenParams } from './schemas.js'
import { checkEmailToken, confirmEmailChange } from './email-change.js'

/**
 * The link sent to a new e-mail address. Opening it shows a button (a GET changes nothing:
 * mail scanners follow links); pressing it changes the address, once. It works without a
 * login: holding the link is the proof that the address is the person's.
 */
export default async function emailChangeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps

  app.get('/settings/email/confirm/:token', { schema: { params: TokenParams } }, async (req, reply) => {
    const { token } = req.params
    const state = await checkEmailToken(db, token, clock.now())
    if (state.state !== 'valid') return reply.code(state.state === 'unknown' ? 404 : 410).page('auth/email-confirm', { state: state.state })
    return reply.page('auth/email-confirm', { state: 'valid', token, newEmail: state.newEmail })
  })

  app.post('/settings/email/confirm/:token', { schema: { params: TokenParams, body: FormBody } }, async (req, reply) => {
    const { token } = req.params
    const state = await confirmEmailChange(db, clock, token)
    if (state.state !== 'valid') return reply.code(state.state === 'unknown' ? 404 : 410).page('auth/email-confirm', { state: state.state })
    reply.flash({ kind: 'success', key: 'auth:emailConfirm.done', params: { email: state.newEmail } })
    return reply.redirect(req.actor ? '/settings#contact' : '/login', 303)
  })
}
