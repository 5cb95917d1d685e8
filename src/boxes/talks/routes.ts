import { Forbidden } from '../../web/errors.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { childBox } from '../../web/guards.js'
import { parseForm, type FieldErrors } from '../../web/forms.js'
import { ChildParams, FormBody } from '../../web/schemas.js'
import { MESSAGE_MAX } from './rules.js'
import { bookTalk, bookingIcs, cancelBooking, talksPage, type BookText } from './guardian.js'
import { BookBody, BookingParams, IcsParams, RoundParams, RoundQuery, TalksQuery, formText } from './schemas.js'

function forbidden(reply: FastifyReply) {
  return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'talks:errors.onlyGuardians' })
}

/** Utvecklingssamtal for guardians: the child's times per pedagogue, booking, Avboka, and the .ics of a booking. */
export default async function talksRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const pre = { preHandler: childBox('talks') }
  const base = (req: FastifyRequest) => `/children/${req.child!.id}/talks`

  async function render(req: FastifyRequest, reply: FastifyReply, extra: {
    roundId?: number; offset?: number; errors?: FieldErrors; values?: BookText; cancelled?: number
  } = {}) {
    const page = await talksPage(db, clock, req.actor!, req.child!, { roundId: extra.roundId, offset: extra.offset, cancelledStaff: extra.cancelled })
    return reply.page('talks/index', {
      page, errors: extra.errors ?? {}, values: extra.values ?? {}, messageMax: MESSAGE_MAX,
      canBook: req.actor!.role === 'guardian',
    })
  }

  app.get('/children/:childId/talks', { ...pre, schema: { params: ChildParams, querystring: TalksQuery } }, async (req, reply) => {
    const cancelled = req.query.cancelled
    return render(req, reply, { cancelled: cancelled === undefined ? undefined : Number(cancelled) })
  })

  // More free times of one round (a page of them).
  app.get('/children/:childId/talks/rounds/:roundId', { ...pre, schema: { params: RoundParams, querystring: RoundQuery } }, async (req, reply) => {
    const roundId = Number(req.params.roundId)
    const page = await talksPage(db, clock, req.actor!, req.child!, { roundId, offset: Number(req.query.offset ?? 0) })
    if (!page.pedagogues.length) return reply.callNotFound()
    return reply.page('talks/index', { page, errors: {}, values: {}, messageMax: MESSAGE_MAX, canBook: req.actor!.role === 'guardian' })
  })

  app.post('/children/:childId/talks/bookings', { ...pre, schema: { params: ChildParams, body: FormBody } }, async (req, reply) => {
    const form = parseForm(BookBody, req.body)
    try {
      const result = await bookTalk(db, clock, req.actor!, req.child!, formText(form.values), clock.now(), form.ok ? {} : form.errors)
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

  app.post('/children/:childId/talks/bookings/:slotId/cancel', { ...pre, schema: { params: BookingParams, body: FormBody } }, async (req, reply) => {
    try {
      const result = await cancelBooking(db, clock, req.actor!, req.child!, Number(req.params.slotId), clock.now())
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

  app.get('/children/:childId/talks/bookings/:file', { ...pre, schema: { params: IcsParams } }, async (req, reply) => {
    const slotId = req.params.file.slice(0, -'.ics'.length)
    const text = await bookingIcs(db, clock, req.child!, Number(slotId), req.t)
    if (text === null) return reply.callNotFound()
    return reply
      .header('Cache-Control', 'private, no-store')
      .header('Content-Disposition', `attachment; filename="utvecklingssamtal-${slotId}.ics"`)
      .type('text/calendar; charset=utf-8')
      .send(text)
  })
}
