import type { FastifyInstance } from 'fastify'
import { checkEmailToken, confirmEmailChange } from './email-change.js'

/**
 * The link sent to a new e-mail address. Opening it shows a button (a GET changes nothing:
 * mail scanners follow links); pressing it changes the address, once. It works without a
 * login: holding the link is the proof that the address is the person's.
 */
export default async function emailChangeRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps

  app.get('/settings/email/confirm/:token', async (req, reply) => {
    const { token } = req.params as { token: string }
    const state = await checkEmailToken(db, token, clock.now())
    if (state.state !== 'valid') return reply.code(state.state === 'unknown' ? 404 : 410).page('auth/email-confirm', { state: state.state })
    return reply.page('auth/email-confirm', { state: 'valid', token, newEmail: state.newEmail })
  })

  app.post('/settings/email/confirm/:token', async (req, reply) => {
    const { token } = req.params as { token: string }
    const state = await confirmEmailChange(db, clock, token)
    if (state.state !== 'valid') return reply.code(state.state === 'unknown' ? 404 : 410).page('auth/email-confirm', { state: state.state })
    reply.flash({ kind: 'success', key: 'auth:emailConfirm.done', params: { email: state.newEmail } })
    return reply.redirect(req.actor ? '/settings#contact' : '/login', 303)
  })
}
