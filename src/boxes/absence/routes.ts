import { Forbidden } from '../../web/errors.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { childBox } from '../../web/guards.js'
import { ChildParams, FormBody, Hint, Id, IsoDate, Page } from '../../web/schemas.js'
import { devSmsDir, listDevSms } from '../../notify/sms.js'

import { absenceHistory, registrationDetails, reportAbsence, reportDetails, reportForm } from './guardian.js'

function forbidden(reply: FastifyReply) {
  return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'absence:errors.onlyGuardians' })
}

/** Frånvaro: history, details, and the guardians' report (the green button). */
export default async function absenceRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps
  const pre = { preHandler: childBox('absence') }
  const base = (req: FastifyRequest) => `/children/${req.child!.id}/absences`

  app.get('/children/:childId/absences', { ...pre, schema: { params: ChildParams, querystring: Type.Object({ page: Hint(Page) }) } }, async (req, reply) => {
    const history = await absenceHistory(db, req.actor!, req.child!, req.query.page)
    return reply.page('absence/index', { history })
  })

  app.get('/children/:childId/absences/new', { ...pre, schema: { params: ChildParams, querystring: Type.Object({ date: Hint(IsoDate) }) } }, async (req, reply) => {
    try {
      const form = await reportForm(db, clock, req.actor!, req.child!, req.query.date)
      return reply.page('absence/new', { form, values: { date: form.date } })
    } catch (err) {
      if (err instanceof Forbidden) return forbidden(reply)
      throw err
    }
  })

  app.post('/children/:childId/absences', { ...pre, schema: { params: ChildParams, body: FormBody } }, async (req, reply) => {
    try {
      const result = await reportAbsence(db, clock, req.actor!, req.child!, req.body, clock.now())
      if (!result.ok) return reply.code(422).page('absence/new', { form: result.form, errors: result.errors, values: result.values })
      const key = result.status === 'created' ? 'absence:flash.reported' : result.status === 'partly' ? 'absence:flash.partly' : 'absence:flash.already'
      reply.flash({ kind: result.status === 'already' ? 'info' : 'success', key })
      return reply.redirect(`${base(req)}/${result.reportId}`, 303)
    } catch (err) {
      if (err instanceof Forbidden) return forbidden(reply)
      throw err
    }
  })

  app.get('/children/:childId/absences/:reportId', { ...pre, schema: { params: Type.Object({ childId: Id, reportId: Id }) } }, async (req, reply) => {
    const report = await reportDetails(db, req.actor!, req.child!, Number(req.params.reportId))
    if (!report) return reply.callNotFound()
    return reply.page('absence/report', { report })
  })

  app.get('/children/:childId/absences/registered/:id', { ...pre, schema: { params: Type.Object({ childId: Id, id: Id }) } }, async (req, reply) => {
    const reg = await registrationDetails(db, req.actor!, req.child!, Number(req.params.id))
    if (!reg) return reply.callNotFound()
    return reply.page('absence/registered', { reg })
  })

  // Without an SMS gateway, developers read here what would have been sent.
  if (config.env === 'development' && !config.sms) {
    const list = () => listDevSms(devSmsDir(config.dataDir))
    app.get('/dev/sms', async (_req, reply) => reply.page('dev/sms', { messages: list() }))
    app.get('/dev/sms.json', async (_req, reply) => reply.header('Cache-Control', 'no-store').send(list()))
  }
}
