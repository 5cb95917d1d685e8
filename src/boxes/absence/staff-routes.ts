import type { FastifyInstance } from 'fastify'
import { requireStaff } from '../../web/guards.js'
import { attendanceForm, registerAttendance, staffDay } from './staff.js'

const id = (raw: unknown) => (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN)

/** The staff side of absence: the day's reports for a group and a lesson's attendance register. */
export default async function absenceStaffRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps

  app.get('/staff/absences', { preHandler: requireStaff }, async (req, reply) => {
    const q = req.query as { group?: unknown; date?: unknown }
    const day = await staffDay(db, clock, req.actor!, q.group, q.date)
    if (!day) return reply.callNotFound()
    return reply.page('absence/staff-day', { day })
  })

  const lessonUrl = '/staff/absences/groups/:groupId/lessons/:lessonId'
  const params = (p: unknown) => {
    const { groupId, lessonId } = p as { groupId: string; lessonId: string }
    return { groupId: id(groupId), lessonId: id(lessonId) }
  }

  app.get(lessonUrl, { preHandler: requireStaff }, async (req, reply) => {
    const { groupId, lessonId } = params(req.params)
    const form = await attendanceForm(db, clock, req.actor!, groupId, lessonId, (req.query as { date?: unknown }).date)
    if (!form) return reply.callNotFound()
    return reply.page('absence/staff-lesson', { form })
  })

  app.post(lessonUrl, { preHandler: requireStaff }, async (req, reply) => {
    const { groupId, lessonId } = params(req.params)
    const result = await registerAttendance(db, clock, req.actor!, groupId, lessonId, (req.query as { date?: unknown }).date, req.body, clock.now())
    if (!result) return reply.callNotFound()
    if (!result.ok) {
      return reply.code(422).page('absence/staff-lesson', { form: result.form, errors: result.errors, formError: result.formError, values: result.values })
    }
    if (result.invalid > 0) app.outboxKick()
    const date = (req.query as { date: string }).date
    reply.flash({ kind: 'success', key: 'absence:staff.saved' })
    return reply.redirect(`/staff/absences?group=${groupId}&date=${date}`, 303)
  })
}
