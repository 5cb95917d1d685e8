import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { childBox } from '../../web/guards.js'
import { devSmsDir, listDevSms } from '../../notify/sms.js'
import { Forbidden } from './rules.js'
import { absenceHistory, registrationDetails, reportAbsence, reportDetails, reportForm } from './guardian.js'

const id = (raw: unknown) => (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN)

function forbidden(reply: FastifyReply) {
  return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'absence:errors.onlyGuardians' })
}

/** Frånvaro: history, details, and the guardians' report (the green button). */
export default async function absenceRoutes(app: FastifyInstance) {
  const { db, clock, config } = app.deps
  const pre = { preHandler: childBox('absence') }
  const base = (req: FastifyRequest) => `/children/${req.child!.id}/absences`

  app.get('/children/:childId/absences', pre, async (req, reply) => {
    const history = await absenceHistory(db, req.actor!, req.child!, (req.query as { page?: unknown }).page)
    return reply.page('absence/index', { history })
  })

  app.get('/children/:childId/absences/new', pre, async (req, reply) => {
    try {
      const form = await reportForm(db, clock, req.actor!, req.child!, (req.query as { date?: unknown }).date)
      return reply.page('absence/new', { form, values: { date: form.date } })
    } catch (err) {
      if (err instanceof Forbidden) return forbidden(reply)
      throw err
    }
  })

  app.post('/children/:childId/absences', pre, async (req, reply) => {
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

  app.get('/children/:childId/absences/:reportId', pre, async (req, reply) => {
    const report = await reportDetails(db, req.actor!, req.child!, id((req.params as { reportId: string }).reportId))
    if (!report) return reply.callNotFound()
    return reply.page('absence/report', { report })
  })

  app.get('/children/:childId/absences/registered/:id', pre, async (req, reply) => {
    const reg = await registrationDetails(db, req.actor!, req.child!, id((req.params as { id: string }).id))
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
