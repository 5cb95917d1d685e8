import type { FastifyInstance } from 'fastify'
import { childBox, requireLogin } from '../../web/guards.js'
import { feedSettings, lessonOn, renewFeedToken, timetableFeed, timetableWeek, weekKey } from './service.js'

const id = (raw: unknown) => (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN)

/** Schema: the child's week, a lesson's details, the printable week and the calendar feed. */
export default async function timetableRoutes(app: FastifyInstance) {
  const { db, clock, config } = app.deps
  const pre = { preHandler: childBox('timetable') }

  app.get('/children/:childId/timetable', pre, async (req, reply) => {
    const week = await timetableWeek(db, clock, req.child!, (req.query as { week?: unknown }).week)
    if (!week) return reply.callNotFound()
    return reply.page('timetable/week', { week, classes: week.classes })
  })

  app.get('/children/:childId/timetable/lessons/:lessonId', pre, async (req, reply) => {
    const child = req.child!
    const lesson = await lessonOn(db, child, id((req.params as { lessonId: string }).lessonId), (req.query as { date?: unknown }).date)
    if (!lesson) return reply.callNotFound()
    return reply.pageOrFragment('timetable/lesson', 'timetable/_lesson-detail', { lesson, weekKey: weekKey(lesson.date) })
  })

  app.get('/children/:childId/timetable/print', pre, async (req, reply) => {
    const child = req.child!
    const week = await timetableWeek(db, clock, child, (req.query as { week?: unknown }).week)
    if (!week) return reply.callNotFound()
    return reply.fragment('timetable/print', { week, classes: week.classes })
  })

  // The secret in the address is the only credential: calendar apps send no cookies.
  app.get('/feeds/timetable/:token/:file', async (req, reply) => {
    const { token, file } = req.params as { token: string; file: string }
    const m = /^(\d{1,9})\.ics$/.exec(file)
    const text = m ? await timetableFeed(db, clock, token, Number(m[1]), req.t) : null
    if (text === null) return reply.callNotFound()
    return reply
      .header('Cache-Control', 'private, max-age=900')
      .header('Referrer-Policy', 'no-referrer')
      .type('text/calendar; charset=utf-8')
      .send(text)
  })

  app.post('/settings/calendar-feed', { preHandler: requireLogin }, async (req, reply) => {
    const had = (await feedSettings(db, req.actor!, config.baseUrl)).hasToken
    await renewFeedToken(db, req.actor!, clock.now())
    reply.flash({ kind: 'success', key: had ? 'timetable:feed.renewed' : 'timetable:feed.created' })
    return reply.redirect('/settings#calendar-feed', 303)
  })
}
