import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireStaff } from '../../web/guards.js'
import { FormBody, Id } from '../../web/schemas.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { formatters } from '../../web/format.js'
import {
  audienceOptions, createEvent, createSurvey, eventFormValues, parseEvent, parseSurvey, resultsCsv, setEventPublished, setSurveyPublished,
  staffIndex, surveyEditValues, surveyResults, updateEvent, updateSurvey,
} from './staff.js'
import { BODY_MAX, OPTIONS_PER_QUESTION, QUESTION_SLOTS, TITLE_MAX, VisibilityForm } from './schemas.js'
import { EVENT_KINDS } from './tables.js'

/** The staff's side: publish, edit and unpublish events and surveys; a survey's results and their CSV. */
export default async function calendarStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const pre = { preHandler: requireStaff }
  const eventParams = Type.Object({ eventId: Id })
  const surveyParams = Type.Object({ surveyId: Id })
  const limits = { titleMax: TITLE_MAX, bodyMax: BODY_MAX, slots: QUESTION_SLOTS, optionsMax: OPTIONS_PER_QUESTION, kinds: EVENT_KINDS }

  app.get('/staff/calendar', pre, async (req, reply) => {
    const index = await staffIndex(db, clock, req.actor!)
    return reply.page('calendar/staff-index', { index })
  })

  // ---- events ----
  async function eventForm(req: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FieldErrors = {}, eventId?: number) {
    const audiences = await audienceOptions(db, req.actor!)
    return reply.page('calendar/staff-event', { audiences, values, errors, eventId, ...limits })
  }

  app.get('/staff/calendar/events/new', pre, async (req, reply) =>
    eventForm(req, reply, { kind: 'activity', date: clock.today(), key: randomUUID() }))

  app.post('/staff/calendar/events', { ...pre, schema: { body: FormBody } }, async (req, reply) => {
    const parsed = await parseEvent(db, req.actor!, req.body)
    if (!parsed.ok) return eventForm(req, reply.code(422), parsed.values, parsed.errors)
    await createEvent(db, req.actor!, parsed.input, parsed.values.key, clock.now())
    reply.flash({ kind: 'success', key: 'calendar:staff.eventPublished' })
    return reply.redirect('/staff/calendar', 303)
  })

  app.get('/staff/calendar/events/:eventId/edit', { ...pre, schema: { params: eventParams } }, async (req, reply) => {
    const values = await eventFormValues(db, req.actor!, Number(req.params.eventId))
    if (!values) return reply.callNotFound()
    return eventForm(req, reply, values, {}, Number(req.params.eventId))
  })

  app.post('/staff/calendar/events/:eventId', { ...pre, schema: { params: eventParams, body: FormBody } }, async (req, reply) => {
    const eventId = Number(req.params.eventId)
    if (!(await eventFormValues(db, req.actor!, eventId))) return reply.callNotFound()
    const parsed = await parseEvent(db, req.actor!, req.body)
    if (!parsed.ok) return eventForm(req, reply.code(422), parsed.values, parsed.errors, eventId)
    if (!(await updateEvent(db, req.actor!, eventId, parsed.input, clock.now()))) return reply.callNotFound()
    reply.flash({ kind: 'success', key: 'calendar:staff.eventSaved' })
    return reply.redirect('/staff/calendar', 303)
  })

  app.post('/staff/calendar/events/:eventId/visibility', { ...pre, schema: { params: eventParams, body: FormBody } }, async (req, reply) => {
    const parsed = parseForm(VisibilityForm, req.body)
    if (!(await eventFormValues(db, req.actor!, Number(req.params.eventId)))) return reply.callNotFound()
    if (!parsed.ok) return reply.code(422).page('errors/error', { status: 422, titleKey: 'errors.400.title', bodyKey: 'errors.400.body' })
    await setEventPublished(db, req.actor!, Number(req.params.eventId), parsed.value.status === 'published', clock.now())
    reply.flash({ kind: 'success', key: parsed.value.status === 'published' ? 'calendar:staff.eventShown' : 'calendar:staff.eventHidden' })
    return reply.redirect('/staff/calendar', 303)
  })

  // ---- surveys ----
  async function surveyForm(req: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FieldErrors = {}) {
    const audiences = await audienceOptions(db, req.actor!)
    return reply.page('calendar/staff-survey', { audiences, values, errors, ...limits })
  }

  app.get('/staff/calendar/surveys/new', pre, async (req, reply) =>
    surveyForm(req, reply, { date: clock.today(), closes: clock.today(), key: randomUUID(), kind1: 'single', kind2: 'multiple', kind3: 'text' }))

  app.post('/staff/calendar/surveys', { ...pre, schema: { body: FormBody } }, async (req, reply) => {
    const parsed = await parseSurvey(db, clock, req.actor!, req.body)
    if (!parsed.ok) return surveyForm(req, reply.code(422), parsed.values, parsed.errors)
    const { id, created } = await createSurvey(db, req.actor!, parsed.input, parsed.values.key, clock.now())
    if (created) app.outboxKick()
    reply.flash({ kind: 'success', key: 'calendar:staff.surveyPublished' })
    return reply.redirect(`/staff/calendar/surveys/${id}`, 303)
  })

  app.get('/staff/calendar/surveys/:surveyId', { ...pre, schema: { params: surveyParams } }, async (req, reply) => {
    const results = await surveyResults(db, clock, req.actor!, Number(req.params.surveyId))
    if (!results) return reply.callNotFound()
    return reply.page('calendar/staff-results', { results })
  })

  app.get('/staff/calendar/surveys/:surveyId/results.csv', { ...pre, schema: { params: surveyParams } }, async (req, reply) => {
    const results = await surveyResults(db, clock, req.actor!, Number(req.params.surveyId))
    if (!results) return reply.callNotFound()
    const f = formatters(req.actor!.locale)
    return reply
      .header('Cache-Control', 'private, no-store')
      .header('Content-Disposition', `attachment; filename="enkat-${results.id}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(resultsCsv(results, req.t, (d) => f.dateTime(d)))
  })

  async function surveyEditForm(req: FastifyRequest, reply: FastifyReply, surveyId: number, values: FormValues, errors: FieldErrors = {}) {
    return reply.page('calendar/staff-survey-edit', { surveyId, values, errors, ...limits })
  }

  app.get('/staff/calendar/surveys/:surveyId/edit', { ...pre, schema: { params: surveyParams } }, async (req, reply) => {
    const values = await surveyEditValues(db, req.actor!, Number(req.params.surveyId))
    if (!values) return reply.callNotFound()
    return surveyEditForm(req, reply, Number(req.params.surveyId), values)
  })

  app.post('/staff/calendar/surveys/:surveyId', { ...pre, schema: { params: surveyParams, body: FormBody } }, async (req, reply) => {
    const surveyId = Number(req.params.surveyId)
    const result = await updateSurvey(db, clock, req.actor!, surveyId, req.body, clock.now())
    if (result.ok) {
      reply.flash({ kind: 'success', key: 'calendar:staff.surveySaved' })
      return reply.redirect(`/staff/calendar/surveys/${surveyId}`, 303)
    }
    if (result.reason === 'notFound') return reply.callNotFound()
    return surveyEditForm(req, reply.code(422), surveyId, result.values, result.errors)
  })

  app.post('/staff/calendar/surveys/:surveyId/visibility', { ...pre, schema: { params: surveyParams, body: FormBody } }, async (req, reply) => {
    const surveyId = Number(req.params.surveyId)
    if (!(await surveyEditValues(db, req.actor!, surveyId))) return reply.callNotFound()
    const parsed = parseForm(VisibilityForm, req.body)
    if (!parsed.ok) return reply.code(422).page('errors/error', { status: 422, titleKey: 'errors.400.title', bodyKey: 'errors.400.body' })
    await setSurveyPublished(db, req.actor!, surveyId, parsed.value.status === 'published', clock.now())
    reply.flash({ kind: 'success', key: parsed.value.status === 'published' ? 'calendar:staff.surveyShown' : 'calendar:staff.surveyHidden' })
    return reply.redirect(`/staff/calendar/surveys/${surveyId}`, 303)
  })
}
