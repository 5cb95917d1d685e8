import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { requireStaff } from '../../web/guards.js'
import { FormBody } from '../../web/schemas.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { staffPupil, staffPupils, type StaffPupil } from '../../people/staff-pupils.js'
import { termOf } from '../../web/terms.js'
import { AssessmentParams, COMMENT_MAX, GRADE_MAX, PupilParams, SUBJECT_MAX, Visibility } from './schemas.js'
import { formValuesOf, parseAssessment, publishAssessment, setVisibility, staffAssessment, staffRead, updateAssessment } from './service.js'

/** The staff's side: their pupils, a pupil's assessments; publish, edit and unpublish (pupils of their own groups only). */
export default async function assessmentsStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const pre = { preHandler: requireStaff }

  function form(reply: FastifyReply, pupil: StaffPupil, values: FormValues, errors: FieldErrors = {}, assessmentId?: number, published?: boolean) {
    return reply.page('assessments/staff-form', { pupil, values, errors, assessmentId, published, subjectMax: SUBJECT_MAX, gradeMax: GRADE_MAX, commentMax: COMMENT_MAX })
  }
  const pupilPage = (id: number) => `/staff/assessments/pupils/${id}`

  app.get('/staff/assessments', pre, async (req, reply) =>
    reply.page('assessments/staff-index', { pupils: await staffPupils(db, req.actor!) }))

  app.get('/staff/assessments/pupils/:childId', { ...pre, schema: { params: PupilParams } }, async (req, reply) => {
    const read = await staffRead(db, req.actor!, Number(req.params.childId), clock.now())
    if (!read) return reply.callNotFound()
    return reply.page('assessments/staff-pupil', read)
  })

  app.get('/staff/assessments/pupils/:childId/new', { ...pre, schema: { params: PupilParams } }, async (req, reply) => {
    const pupil = await staffPupil(db, req.actor!, Number(req.params.childId))
    if (!pupil) return reply.callNotFound()
    return form(reply, pupil, { key: randomUUID(), term: termOf(clock.today()), date: clock.today() })
  })

  app.post('/staff/assessments/pupils/:childId', { ...pre, schema: { params: PupilParams, body: FormBody } }, async (req, reply) => {
    const pupil = await staffPupil(db, req.actor!, Number(req.params.childId))
    if (!pupil) return reply.callNotFound()
    const parsed = parseAssessment(req.body)
    if (!parsed.ok) return form(reply.code(422), pupil, parsed.values, parsed.errors)
    const result = await publishAssessment(db, req.actor!, pupil.id, parsed.input, parsed.values.key, clock.now())
    if (!result) return reply.callNotFound()
    if (result.created) app.outboxKick()
    reply.flash({ kind: result.created ? 'success' : 'info', key: result.created ? 'assessments:staff.published' : 'assessments:staff.alreadyPublished' })
    return reply.redirect(pupilPage(pupil.id), 303)
  })

  const mine = (req: FastifyRequest, assessmentId: string) => staffAssessment(db, req.actor!, Number(assessmentId))

  app.get('/staff/assessments/:assessmentId/edit', { ...pre, schema: { params: AssessmentParams } }, async (req, reply) => {
    const found = await mine(req, req.params.assessmentId)
    if (!found) return reply.callNotFound()
    return form(reply, found.pupil, formValuesOf(found.row), {}, found.row.id, found.row.published_at !== null)
  })

  app.post('/staff/assessments/:assessmentId', { ...pre, schema: { params: AssessmentParams, body: FormBody } }, async (req, reply) => {
    const found = await mine(req, req.params.assessmentId)
    if (!found) return reply.callNotFound()
    const parsed = parseAssessment(req.body)
    if (!parsed.ok) return form(reply.code(422), found.pupil, parsed.values, parsed.errors, found.row.id, found.row.published_at !== null)
    await updateAssessment(db, found.row.id, parsed.input, clock.now())
    reply.flash({ kind: 'success', key: 'assessments:staff.saved' })
    return reply.redirect(pupilPage(found.pupil.id), 303)
  })

  app.post('/staff/assessments/:assessmentId/visibility', { ...pre, schema: { params: AssessmentParams, body: FormBody } }, async (req, reply) => {
    const found = await mine(req, req.params.assessmentId)
    if (!found) return reply.callNotFound()
    const parsed = parseForm(Visibility, req.body)
    if (!parsed.ok) return reply.code(422).page('errors/error', { status: 422, titleKey: 'errors.400.title', bodyKey: 'errors.400.body' })
    const publish = parsed.value.status === 'published'
    if (await setVisibility(db, found.row.id, found.pupil.id, publish, clock.now())) app.outboxKick()
    reply.flash({ kind: 'success', key: publish ? 'assessments:staff.shown' : 'assessments:staff.hidden' })
    return reply.redirect(pupilPage(found.pupil.id), 303)
  })
}
