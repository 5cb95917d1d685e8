import { FeedParams, feedChildId, sendCalendar } from '../../web/feeds.js'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { childBox, requireLogin } from '../../web/guards.js'
import { ChildParams, FormBody, Id, IsoDate, IsoWeek } from '../../web/schemas.js'
import { planInProgress } from '../../people/plans.js'
import { feedSettings, lessonOn, renewFeedToken, timetableFeed, timetableWeek, weekKey } from './service.js'

/** Schema: the child's week, a lesson's details, the printable week and the calendar feed. */
export default async function timetableRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock, config } = app.deps
  const pre = { preHandler: childBox('timetable') }
  // No week (or an empty one) is this week; a week that does not fit is a page that does not exist.
  const weekSchema = { params: ChildParams, querystring: Type.Object({ week: Type.Optional(Type.Union([IsoWeek, Type.Literal('')])) }) }

  app.get('/children/:childId/timetable', { ...pre, schema: weekSchema }, async (req, reply) => {
    const week = await timetableWeek(db, clock, req.child!, req.query.week)
    if (!week) return reply.callNotFound()
    return reply.page('timetable/week', { week, classes: week.classes })
  })

  app.get('/children/:childId/timetable/lessons/:lessonId', {
    ...pre, schema: { params: Type.Object({ childId: Id, lessonId: Id }), querystring: Type.Object({ date: IsoDate }) },
  }, async (req, reply) => {
    const child = req.child!
    const lesson = await lessonOn(db, child, Number(req.params.lessonId), req.query.date)
    if (!lesson) return reply.callNotFound()
    // The plan in progress for the lesson's subject and group, when there is one (plans box).
    const plan = await planInProgress(db, lesson.groupId, lesson.subject, lesson.date).executeTakeFirst()
    return reply.pageOrFragment('timetable/lesson', 'timetable/_lesson-detail', { lesson, weekKey: weekKey(lesson.date), plan: plan ?? null })
  })

  app.get('/children/:childId/timetable/print', { ...pre, schema: weekSchema }, async (req, reply) => {
    const child = req.child!
    const week = await timetableWeek(db, clock, child, req.query.week)
    if (!week) return reply.callNotFound()
    return reply.fragment('timetable/print', { week, classes: week.classes })
  })

  app.get('/feeds/timetable/:token/:file', { schema: { params: FeedParams } }, async (req, reply) => {
    const text = await timetableFeed(db, clock, req.params.token, feedChildId(req.params.file), req.t)
    if (text === null) return reply.callNotFound()
    return sendCalendar(reply, text)
  })

  app.post('/settings/calendar-feed', { preHandler: requireLogin, schema: { body: FormBody } }, async (req, reply) => {
    const had = (await feedSettings(db, req.actor!, config.baseUrl)).hasToken
    await renewFeedToken(db, req.actor!, clock.now())
    reply.flash({ kind: 'success', key: had ? 'timetable:feed.renewed' : 'timetable:feed.created' })
    return reply.redirect('/settings#calendar-feed', 303)
  })
}
