import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { requireStaff } from '../../web/guards.js'
import { parseForm, type FieldErrors } from '../../web/forms.js'
import { FormBody } from '../../web/schemas.js'
import { LINK_MAX, MAX_DATES, PLACE_MAX, toId } from './rules.js'
import {
  cancelBookingByStaff, cancelSlot, moveBooking, moveForm, parsePublish, previewTimes, publishForm, publishRound, roundOverview, staffIndex,
} from './staff.js'
import { MoveBody, NewRoundQuery, OverviewQuery, PublishBody, StaffIndexQuery, StaffRoundParams, StaffSlotParams, formText } from './schemas.js'

const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)

/** The staff's side: publish a round (form, preview, publish), the round's overview, cancel and move. */
export default async function talksStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const pre = { preHandler: requireStaff }

  app.get('/staff/talks', { ...pre, schema: { querystring: StaffIndexQuery } }, async (req, reply) => {
    const group = req.query.group
    const index = await staffIndex(db, req.actor!, group ? Number(group) : null)
    if (!index) return reply.callNotFound()
    return reply.page('talks/staff-index', { index })
  })

  async function renderForm(req: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldErrors = {}) {
    const form = await publishForm(db, clock, req.actor!)
    return reply.page('talks/staff-new', {
      form, errors, values: { staff: String(req.actor!.id), placeKind: 'room', pause: '0', key: randomUUID(), ...values },
      placeMax: PLACE_MAX, linkMax: LINK_MAX, maxDates: MAX_DATES,
    })
  }

  /** The publish form as sent, checked: its own shape (parseForm), then the service's rules. */
  async function readPublish(req: FastifyRequest) {
    const form = parseForm(PublishBody, req.body)
    return parsePublish(db, clock, req.actor!, formText(form.values), form.ok ? {} : form.errors)
  }

  app.get('/staff/talks/new', { ...pre, schema: { querystring: NewRoundQuery } }, async (req, reply) => {
    const group = req.query.group
    return renderForm(req, reply, group ? { group } : {})
  })

  // "Ändra" on the preview: the form again with what was entered.
  app.post('/staff/talks/new', { ...pre, schema: { body: FormBody } }, async (req, reply) =>
    renderForm(req, reply, formText(parseForm(PublishBody, req.body).values)))

  app.post('/staff/talks/preview', { ...pre, schema: { body: FormBody } }, async (req, reply) => {
    const parsed = await readPublish(req)
    if (!parsed.ok) return renderForm(req, reply.code(422), parsed.values, parsed.errors)
    const times = await previewTimes(db, parsed.input)
    const form = await publishForm(db, clock, req.actor!)
    return reply.page('talks/staff-preview', {
      input: parsed.input, times, values: { key: randomUUID(), ...parsed.values },
      group: form.groups.find((g) => g.id === parsed.input.groupId), staff: form.staff.find((s) => s.id === parsed.input.staffId),
      collisions: times.filter((t) => t.collisions.length > 0).length,
    })
  })

  app.post('/staff/talks', { ...pre, schema: { body: FormBody } }, async (req, reply) => {
    const parsed = await readPublish(req)
    if (!parsed.ok) return renderForm(req, reply.code(422), parsed.values, parsed.errors)
    const roundId = await publishRound(db, req.actor!, parsed.input, validKey(parsed.values.key), clock.now())
    reply.flash({ kind: 'success', key: 'talks:staff.published' })
    return reply.redirect(`/staff/talks/rounds/${roundId}`, 303)
  })

  app.get('/staff/talks/rounds/:roundId', { ...pre, schema: { params: StaffRoundParams, querystring: OverviewQuery } }, async (req, reply) => {
    const page = req.query.page
    const round = await roundOverview(db, clock, req.actor!, Number(req.params.roundId), page === undefined ? undefined : Number(page))
    if (!round) return reply.callNotFound()
    return reply.page('talks/staff-round', { round })
  })

  const slotSchema = { params: StaffSlotParams, body: FormBody }

  app.post('/staff/talks/rounds/:roundId/slots/:slotId/cancel', { ...pre, schema: slotSchema }, async (req, reply) => {
    const roundId = Number(req.params.roundId)
    const result = await cancelSlot(db, req.actor!, roundId, Number(req.params.slotId), clock.now())
    if (!result.ok) return reply.callNotFound()
    if (result.notified) app.outboxKick()
    reply.flash({ kind: 'success', key: result.notified ? 'talks:staff.slotCancelledNotified' : 'talks:staff.slotCancelled' })
    return reply.redirect(`/staff/talks/rounds/${roundId}`, 303)
  })

  app.post('/staff/talks/rounds/:roundId/slots/:slotId/booking/cancel', { ...pre, schema: slotSchema }, async (req, reply) => {
    const roundId = Number(req.params.roundId)
    const result = await cancelBookingByStaff(db, req.actor!, roundId, Number(req.params.slotId), clock.now())
    if (!result.ok) return reply.callNotFound()
    if (result.notified) app.outboxKick()
    reply.flash({ kind: result.notified ? 'success' : 'info', key: result.notified ? 'talks:staff.bookingCancelled' : 'talks:staff.nothingToCancel' })
    return reply.redirect(`/staff/talks/rounds/${roundId}`, 303)
  })

  app.get('/staff/talks/rounds/:roundId/slots/:slotId/move', { ...pre, schema: { params: StaffSlotParams } }, async (req, reply) => {
    const form = await moveForm(db, clock, req.actor!, Number(req.params.roundId), Number(req.params.slotId))
    if (!form) return reply.callNotFound()
    return reply.page('talks/staff-move', { form, errors: {}, values: {} })
  })

  app.post('/staff/talks/rounds/:roundId/slots/:slotId/move', { ...pre, schema: slotSchema }, async (req, reply) => {
    const roundId = Number(req.params.roundId)
    const slotId = Number(req.params.slotId)
    const body = parseForm(MoveBody, req.body)
    const values = formText(body.values)
    const result = await moveBooking(db, req.actor!, roundId, slotId, body.ok ? toId(values.to) : null, clock.now())
    if (result.ok) {
      app.outboxKick()
      reply.flash({ kind: 'success', key: 'talks:staff.moved' })
      return reply.redirect(`/staff/talks/rounds/${roundId}`, 303)
    }
    if (result.reason === 'notFound') return reply.callNotFound()
    const form = await moveForm(db, clock, req.actor!, roundId, slotId)
    if (!form) return reply.callNotFound()
    const key = result.reason === 'taken' ? 'talks:staff.errors.moveTaken' : 'talks:staff.errors.moveTo'
    return reply.code(result.reason === 'taken' ? 409 : 422).page('talks/staff-move', { form, errors: { to: { key } }, values })
  })
}
