import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { requireStaff } from '../../web/guards.js'
import { cleanBody, type FieldErrors } from '../../web/forms.js'
import {
  LINK_MAX, MAX_DATES, PLACE_MAX, cancelBookingByStaff, cancelSlot, moveBooking, moveForm, parsePublish, previewTimes,
  publishForm, publishRound, roundOverview, staffIndex,
} from './service.js'

const id = (raw: unknown) => (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN)
const params = (p: unknown) => {
  const { roundId, slotId } = p as { roundId: string; slotId?: string }
  return { roundId: id(roundId), slotId: id(slotId) }
}
const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)

/** The staff's side: publish a round (form, preview, publish), the round's overview, cancel and move. */
export default async function talksStaffRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps
  const pre = { preHandler: requireStaff }

  app.get('/staff/talks', pre, async (req, reply) => {
    const index = await staffIndex(db, req.actor!, (req.query as { group?: unknown }).group)
    if (!index) return reply.callNotFound()
    return reply.page('talks/staff-index', { index })
  })

  async function renderForm(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldErrors = {}) {
    const form = await publishForm(db, clock, req.actor!)
    return reply.page('talks/staff-new', {
      form, errors, values: { staff: String(req.actor!.id), placeKind: 'room', pause: '0', key: randomUUID(), ...values },
      placeMax: PLACE_MAX, linkMax: LINK_MAX, maxDates: MAX_DATES,
    })
  }

  app.get('/staff/talks/new', pre, async (req, reply) => {
    const group = (req.query as { group?: unknown }).group
    return renderForm(req, reply, typeof group === 'string' ? { group } : {})
  })

  // "Ändra" on the preview: the form again with what was entered.
  app.post('/staff/talks/new', pre, async (req, reply) => renderForm(req, reply, cleanBody(req.body)))

  app.post('/staff/talks/preview', pre, async (req, reply) => {
    const parsed = await parsePublish(db, clock, req.actor!, req.body)
    if (!parsed.ok) return renderForm(req, reply.code(422), parsed.values, parsed.errors)
    const times = await previewTimes(db, parsed.input)
    const form = await publishForm(db, clock, req.actor!)
    return reply.page('talks/staff-preview', {
      input: parsed.input, times, values: { key: randomUUID(), ...parsed.values },
      group: form.groups.find((g) => g.id === parsed.input.groupId), staff: form.staff.find((s) => s.id === parsed.input.staffId),
      collisions: times.filter((t) => t.collisions.length > 0).length,
    })
  })

  app.post('/staff/talks', pre, async (req, reply) => {
    const parsed = await parsePublish(db, clock, req.actor!, req.body)
    if (!parsed.ok) return renderForm(req, reply.code(422), parsed.values, parsed.errors)
    const roundId = await publishRound(db, req.actor!, parsed.input, validKey(parsed.values.key), clock.now())
    reply.flash({ kind: 'success', key: 'talks:staff.published' })
    return reply.redirect(`/staff/talks/rounds/${roundId}`, 303)
  })

  app.get('/staff/talks/rounds/:roundId', pre, async (req, reply) => {
    const { roundId } = params(req.params)
    const round = await roundOverview(db, clock, req.actor!, roundId, (req.query as { page?: unknown }).page)
    if (!round) return reply.callNotFound()
    return reply.page('talks/staff-round', { round })
  })

  app.post('/staff/talks/rounds/:roundId/slots/:slotId/cancel', pre, async (req, reply) => {
    const { roundId, slotId } = params(req.params)
    const result = await cancelSlot(db, req.actor!, roundId, slotId, clock.now())
    if (!result.ok) return reply.callNotFound()
    if (result.notified) app.outboxKick()
    reply.flash({ kind: 'success', key: result.notified ? 'talks:staff.slotCancelledNotified' : 'talks:staff.slotCancelled' })
    return reply.redirect(`/staff/talks/rounds/${roundId}`, 303)
  })

  app.post('/staff/talks/rounds/:roundId/slots/:slotId/booking/cancel', pre, async (req, reply) => {
    const { roundId, slotId } = params(req.params)
    const result = await cancelBookingByStaff(db, req.actor!, roundId, slotId, clock.now())
    if (!result.ok) return reply.callNotFound()
    if (result.notified) app.outboxKick()
    reply.flash({ kind: result.notified ? 'success' : 'info', key: result.notified ? 'talks:staff.bookingCancelled' : 'talks:staff.nothingToCancel' })
    return reply.redirect(`/staff/talks/rounds/${roundId}`, 303)
  })

  app.get('/staff/talks/rounds/:roundId/slots/:slotId/move', pre, async (req, reply) => {
    const { roundId, slotId } = params(req.params)
    const form = await moveForm(db, clock, req.actor!, roundId, slotId)
    if (!form) return reply.callNotFound()
    return reply.page('talks/staff-move', { form, errors: {}, values: {} })
  })

  app.post('/staff/talks/rounds/:roundId/slots/:slotId/move', pre, async (req, reply) => {
    const { roundId, slotId } = params(req.params)
    const result = await moveBooking(db, req.actor!, roundId, slotId, req.body, clock.now())
    if (result.ok) {
      app.outboxKick()
      reply.flash({ kind: 'success', key: 'talks:staff.moved' })
      return reply.redirect(`/staff/talks/rounds/${roundId}`, 303)
    }
    if (result.reason === 'notFound') return reply.callNotFound()
    const form = await moveForm(db, clock, req.actor!, roundId, slotId)
    if (!form) return reply.callNotFound()
    const key = result.reason === 'taken' ? 'talks:staff.errors.moveTaken' : 'talks:staff.errors.moveTo'
    return reply.code(result.reason === 'taken' ? 409 : 422).page('talks/staff-move', { form, errors: { to: { key } }, values: cleanBody(req.body) })
  })
}
