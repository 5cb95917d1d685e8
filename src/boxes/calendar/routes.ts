import { Forbidden } from '../../web/errors.js'
import { FeedParams, feedChildId, sendCalendar } from '../../web/feeds.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { childBox, requireLogin } from '../../web/guards.js'
import { ChildParams, FormBody, Hint, Id } from '../../web/schemas.js'
import type { FieldErrors, FormValues } from '../../web/forms.js'
import {
  answerSurvey, calendarFeed, calendarFeedSettings, eventPage, monthPage, renewCalendarFeedToken, surveyLinkFor, surveyPage,
} from './service.js'
import { ANSWER_MAX } from './schemas.js'

/** Kalender: the month (grid and list), an event, a survey and its answer, and the subscribable feed. */
export default async function calendarRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps
  const pre = { preHandler: childBox('calendar') }
  const monthSchema = {
    params: ChildParams,
    // A month that is not one is a page that does not exist; an odd view is the default one.
    querystring: Type.Object({
      month: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' }), Type.Literal('')])),
      view: Hint(Type.Union([Type.Literal('month'), Type.Literal('list')])),
    }),
  }

  app.get('/children/:childId/calendar', { ...pre, schema: monthSchema }, async (req, reply) => {
    const month = await monthPage(db, clock, req.child!, req.query.month, req.query.view)
    if (!month) return reply.callNotFound()
    return reply.page('calendar/month', { month })
  })

  app.get('/children/:childId/calendar/events/:eventId', {
    ...pre, schema: { params: Type.Object({ childId: Id, eventId: Id }) },
  }, async (req, reply) => {
    const event = await eventPage(db, req.child!, Number(req.params.eventId))
    if (!event) return reply.callNotFound()
    return reply.page('calendar/event', { event })
  })

  const surveyParams = Type.Object({ childId: Id, surveyId: Id })

  async function renderSurvey(req: FastifyRequest, reply: FastifyReply, surveyId: number, errors: FieldErrors = {}, values?: FormValues) {
    const survey = await surveyPage(db, clock, req.actor!, req.child!, surveyId, values)
    if (!survey) return reply.callNotFound()
    return reply.page('calendar/survey', { survey, errors, answerMax: ANSWER_MAX })
  }

  app.get('/children/:childId/calendar/surveys/:surveyId', { ...pre, schema: { params: surveyParams } }, async (req, reply) =>
    renderSurvey(req, reply, Number(req.params.surveyId)))

  app.post('/children/:childId/calendar/surveys/:surveyId', { ...pre, schema: { params: surveyParams, body: FormBody } }, async (req, reply) => {
    const surveyId = Number(req.params.surveyId)
    const base = `/children/${req.child!.id}/calendar/surveys/${surveyId}`
    try {
      const result = await answerSurvey(db, clock, req.actor!, req.child!, surveyId, req.body, clock.now())
      if (result.ok) {
        reply.flash({ kind: 'success', key: result.changed ? 'calendar:survey.saved' : 'calendar:survey.unchanged' })
        return reply.redirect(base, 303)
      }
      if (result.reason === 'notFound') return reply.callNotFound()
      if (result.reason === 'closed') {
        reply.code(409)
        return renderSurvey(req, reply, surveyId, { _closed: { key: 'calendar:survey.closedNow' } })
      }
      reply.code(422)
      return renderSurvey(req, reply, surveyId, result.errors, result.values)
    } catch (err) {
      if (err instanceof Forbidden) {
        return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'calendar:survey.onlyGuardians' })
      }
      throw err
    }
  })

  // Where a survey's notice leads (it names no child: one notice per guardian).
  app.get('/calendar/surveys/:surveyId', { preHandler: requireLogin, schema: { params: Type.Object({ surveyId: Id }) } }, async (req, reply) => {
    const link = await surveyLinkFor(db, req.actor!, Number(req.params.surveyId))
    return link ? reply.redirect(link, 303) : reply.callNotFound()
  })

  app.get('/feeds/calendar/:token/:file', { schema: { params: FeedParams } }, async (req, reply) => {
    const text = await calendarFeed(db, clock, req.params.token, feedChildId(req.params.file), config.baseUrl, req.t)
    if (text === null) return reply.callNotFound()
    return sendCalendar(reply, text)
  })

  app.post('/settings/school-calendar-feed', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const had = (await calendarFeedSettings(db, req.actor!, config.baseUrl)).hasToken
    await renewCalendarFeedToken(db, req.actor!, clock.now())
    reply.flash({ kind: 'success', key: had ? 'calendar:feed.renewed' : 'calendar:feed.created' })
    return reply.redirect('/settings#school-calendar-feed', 303)
  })
}
