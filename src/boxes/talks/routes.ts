import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { childBox } from '../../web/guards.js'
import type { FieldErrors } from '../../web/forms.js'
import { Forbidden, MESSAGE_MAX, bookTalk, bookingIcs, cancelBooking, talksPage } from './service.js'

const id = (raw: unknown) => (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN)
const offsetParam = (raw: unknown) => (typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : 0)

function forbidden(reply: FastifyReply) {
  return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'talks:errors.onlyGuardians' })
}

/** Utvecklingssamtal for guardians: the child's times per pedagogue, booking, Avboka, and the .ics of a booking. */
export default async function talksRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps
  const pre = { preHandler: childBox('talks') }
  const base = (req: FastifyRequest) => `/children/${req.child!.id}/talks`

  async function render(req: FastifyRequest, reply: FastifyReply, extra: {
    roundId?: number; offset?: number; errors?: FieldErrors; values?: Record<string, unknown>; cancelled?: unknown
  } = {}) {
    const page = await talksPage(db, clock, req.actor!, req.child!, { roundId: extra.roundId, offset: extra.offset, cancelledStaff: extra.cancelled })
    return reply.page('talks/index', {
      page, errors: extra.errors ?? {}, values: extra.values ?? {}, messageMax: MESSAGE_MAX,
      canBook: req.actor!.role === 'guardian',
    })
  }

  app.get('/children/:childId/talks', pre, async (req, reply) =>
    render(req, reply, { cancelled: (req.query as { cancelled?: unknown }).cancelled }))

  // More free times of one round (a page of them).
  app.get('/children/:childId/talks/rounds/:roundId', pre, async (req, reply) => {
    const roundId = id((req.params as { roundId: string }).roundId)
    if (Number.isNaN(roundId)) return reply.callNotFound()
    const page = await talksPage(db, clock, req.actor!, req.child!, { roundId, offset: offsetParam((req.query as { offset?: unknown }).offset) })
    if (!page.pedagogues.length) return reply.callNotFound()
    return reply.page('talks/index', { page, errors: {}, values: {}, messageMax: MESSAGE_MAX, canBook: req.actor!.role === 'guardian' })
  })

  app.post('/children/:childId/talks/bookings', pre, async (req, reply) => {
    try {
      const result = await bookTalk(db, clock, req.actor!, req.child!, req.body, clock.now())
      if (result.ok) {
        reply.flash({ kind: result.status === 'booked' ? 'success' : 'info', key: result.status === 'booked' ? 'talks:flash.booked' : 'talks:flash.already' })
        return reply.redirect(base(req), 303)
      }
      // Bad input is 422; losing a race (the time or the round taken meanwhile) is 409: both show the times left.
      reply.code(result.status === 'invalid' ? 422 : 409)
      return render(req, reply, { errors: result.errors, values: result.values })
    } catch (err) {
      if (err instanceof Forbidden) return forbidden(reply)
      throw err
    }
  })

  app.post('/children/:childId/talks/bookings/:slotId/cancel', pre, async (req, reply) => {
    try {
      const result = await cancelBooking(db, clock, req.actor!, req.child!, id((req.params as { slotId: string }).slotId), clock.now())
      if (result.ok) {
        reply.flash({ kind: 'success', key: 'talks:flash.cancelled' })
        return reply.redirect(`${base(req)}?cancelled=${result.staffId}#suggest`, 303)
      }
      if (result.reason === 'closed') {
        reply.flash({ kind: 'error', key: 'talks:flash.tooLate' })
        return reply.redirect(base(req), 303)
      }
      reply.flash({ kind: 'info', key: 'talks:flash.alreadyCancelled' })
      return reply.redirect(base(req), 303)
    } catch (err) {
      if (err instanceof Forbidden) return forbidden(reply)
      throw err
    }
  })

  app.get('/children/:childId/talks/bookings/:file', pre, async (req, reply) => {
    const m = /^(\d{1,9})\.ics$/.exec((req.params as { file: string }).file)
    const text = m ? await bookingIcs(db, clock, req.child!, Number(m[1]), req.t) : null
    if (text === null) return reply.callNotFound()
    return reply
      .header('Cache-Control', 'private, no-store')
      .header('Content-Disposition', `attachment; filename="utvecklingssamtal-${m![1]}.ics"`)
      .type('text/calendar; charset=utf-8')
      .send(text)
  })
}
