import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireStaff } from '../../web/guards.js'
import { FormBody, Hint, Id, IsoDate } from '../../web/schemas.js'
import { attendanceForm, registerAttendance, staffDay } from './staff.js'

/** The staff side of absence: the day's reports for a group and a lesson's attendance register. */
export default async function absenceStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps

  // An odd date shows today; an odd group is a page that does not exist ('' is no group).
  const dayQuery = Type.Object({ group: Type.Optional(Type.Union([Id, Type.Literal('')])), date: Hint(IsoDate) })
  app.get('/staff/absences', { preHandler: requireStaff, schema: { querystring: dayQuery } }, async (req, reply) => {
    const day = await staffDay(db, clock, req.actor!, req.query.group, req.query.date)
    if (!day) return reply.callNotFound()
    return reply.page('absence/staff-day', { day })
  })

  const lessonUrl = '/staff/absences/groups/:groupId/lessons/:lessonId'
  const lessonSchema = {
    params: Type.Object({ groupId: Id, lessonId: Id }),
    querystring: Type.Object({ date: IsoDate }),
  }

  app.get(lessonUrl, { preHandler: requireStaff, schema: lessonSchema }, async (req, reply) => {
    const [groupId, lessonId] = [Number(req.params.groupId), Number(req.params.lessonId)]
    const form = await attendanceForm(db, clock, req.actor!, groupId, lessonId, req.query.date)
    if (!form) return reply.callNotFound()
    return reply.page('absence/staff-lesson', { form })
  })

  app.post(lessonUrl, { preHandler: requireStaff, schema: { ...lessonSchema, body: FormBody } }, async (req, reply) => {
    const [groupId, lessonId] = [Number(req.params.groupId), Number(req.params.lessonId)]
    const result = await registerAttendance(db, clock, req.actor!, groupId, lessonId, req.query.date, req.body, clock.now())
    if (!result) return reply.callNotFound()
    if (!result.ok) {
      return reply.code(422).page('absence/staff-lesson', { form: result.form, errors: result.errors, formError: result.formError, values: result.values })
    }
    if (result.invalid > 0) app.outboxKick()
    const date = req.query.date
    reply.flash({ kind: 'success', key: 'absence:staff.saved' })
    return reply.redirect(`/staff/absences?group=${groupId}&date=${date}`, 303)
  })
}
