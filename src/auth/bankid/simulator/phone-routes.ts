import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { FormBody } from '../../../web/schemas.js'
import { maskPersonalNumber, normalisePersonalNumber } from '../personal-number.js'
import type { BankIdSimulator } from './server.js'

/**
 * The simulator's "phone" (development and tests only, never in production): the pending
 * orders, and for each a person of the demo world to identify as, and the buttons of the
 * BankID app: scan/open, enter the code, approve, cancel, or let the order run out. Plain
 * forms, no JavaScript. Names are shown; personal identity numbers only masked.
 */
export default async function phoneRoutes(fastify: FastifyInstance, opts: { simulator: BankIdSimulator }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db } = app.deps
  const sim = opts.simulator

  /** People who can log in and have a personal identity number (demo world first, at most 200). */
  async function people() {
    const rows = await db.selectFrom('persons').select(['id', 'given_name', 'family_name', 'personal_number', 'role'])
      .where('personal_number', 'is not', null).where('username', 'is not', null)
      .orderBy('family_name').orderBy('given_name').limit(200).execute()
    return rows.map((r) => ({ id: r.id, name: `${r.given_name} ${r.family_name}`, masked: maskPersonalNumber(r.personal_number), role: r.role }))
  }

  app.get('/dev/bankid', async (req, reply) => {
    const now = req.server.bankid.now()
    const orders = sim.pending().map((o) => ({ ref: o.orderRef, hintCode: o.hintCode, seconds: Math.floor((now - o.createdAt) / 1000) }))
    reply.header('Cache-Control', 'no-store')
    return reply.page('bankid/phone', { orders, people: await people() })
  })

  app.post('/dev/bankid', { schema: { body: FormBody } }, async (req, reply) => {
    const ref = typeof req.body.ref === 'string' ? req.body.ref : ''
    const action = req.body.action
    let ok = false
    if (action === 'scan') ok = sim.scan(ref)
    else if (action === 'sign') ok = sim.userSign(ref)
    else if (action === 'cancel') ok = sim.userCancel(ref)
    else if (action === 'expire') ok = sim.expire(ref)
    else if (action === 'approve') {
      const id = Number(req.body.person)
      const p = Number.isInteger(id) && id > 0
        ? await db.selectFrom('persons').select(['given_name', 'family_name', 'personal_number']).where('id', '=', id).where('personal_number', 'is not', null).executeTakeFirst()
        : undefined
      const pn = normalisePersonalNumber(p?.personal_number)
      if (p && pn) ok = sim.approve(ref, { personalNumber: pn, givenName: p.given_name, surname: p.family_name })
    }
    reply.flash(ok ? { kind: 'success', key: `bankid:sim.done.${action}` } : { kind: 'error', key: 'bankid:sim.gone' })
    return reply.redirect('/dev/bankid', 303)
  })
}
