import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireLogin } from '../../web/guards.js'
import { FormBody, Hint } from '../../web/schemas.js'
import { safeNext } from '../../web/redirect.js'
import { hasStepUp } from '../../web/step-up.js'
import { wantsFragment } from '../../web/rendering.js'
import { cancelOrder, orderStatus, startOrder } from './service.js'

const NextQuery = Type.Object({ next: Hint(Type.String({ maxLength: 2000 })) })

/**
 * Strong authentication with BankID (the step-up in front of Bedömningar and Dokumentation):
 * the page that explains it and starts an order (this device, or Mobilt BankID with the QR
 * code), the order's page (QR code and BankID's message, refreshed: htmx polls its
 * fragment, without JavaScript a meta refresh and a button), and Cancel.
 */
export default async function bankIdRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { config } = app.deps
  const pre = { preHandler: requireLogin }
  const nextOf = (raw: unknown) => safeNext(raw, config.baseUrl) ?? '/'
  const simulatorLink = () => (config.env !== 'production' && app.bankid.simulator ? '/dev/bankid' : null)

  app.get('/bankid', { ...pre, schema: { querystring: NextQuery } }, async (req, reply) => {
    const next = nextOf(req.query.next)
    if (hasStepUp(req)) return reply.redirect(next, 303)
    return reply.page('bankid/index', { next, available: !!app.bankid.client, simulatorLink: simulatorLink(), stepUpMinutes: config.stepUpMinutes })
  })

  app.post('/bankid/start', { ...pre, schema: { body: FormBody } }, async (req, reply) => {
    const mode = req.body.mode === 'device' ? 'device' : 'qr'
    const next = nextOf(req.body.next)
    if (!app.bankid.client) return reply.redirect(`/bankid?next=${encodeURIComponent(next)}`, 303)
    const started = await startOrder(req, mode, next)
    if (!started.ok) {
      return reply.code(started.message === 'RFA4' ? 409 : 503).page('bankid/order', { view: { state: 'failed', message: started.message, mode, next }, simulatorLink: simulatorLink() })
    }
    return reply.redirect('/bankid/order', 303)
  })

  app.get('/bankid/order', pre, async (req, reply) => {
    const view = await orderStatus(req, req.t('bankid:order.qrLabel'))
    if (view.state === 'none') return reply.redirect('/bankid', 303)
    if (view.state === 'granted') {
      reply.flash({ kind: 'success', key: 'bankid:done' })
      if (wantsFragment(req)) return reply.header('hx-redirect', view.next).code(200).send('')
      return reply.redirect(view.next, 303)
    }
    reply.header('Cache-Control', 'no-store')
    const code = view.state === 'refused' ? 403 : 200
    return reply.code(code).pageOrFragment('bankid/order', 'bankid/_order', { view, simulatorLink: simulatorLink() })
  })

  app.post('/bankid/cancel', { ...pre, schema: { body: FormBody } }, async (req, reply) => {
    const order = await cancelOrder(req)
    reply.flash({ kind: 'info', key: 'bankid:cancelled' })
    return reply.redirect(`/bankid?next=${encodeURIComponent(order?.next ?? nextOf(req.body.next))}`, 303)
  })
}
