import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { requireStaff } from '../../web/guards.js'
import { FormBody, Id } from '../../web/schemas.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { isoWeekKey } from '../../clock.js'
import { attachment, discardUpload, enableUploads, readUpload, sendStored, uploadProblem, uploaded } from '../../web/uploads.js'
import {
  addAttachment, attachmentForStaff, createPlan, isStaffPlan, parsePlan, planAttachments, planFormValues, removeAttachment, setPlanPublished,
  staffGroups, staffPlans, updatePlan,
} from './service.js'

const Visibility = Type.Object({ status: Type.Union([Type.Literal('published'), Type.Literal('hidden')]) })

/** The staff's side: publish, edit and unpublish plans for their own groups. */
export default async function plansStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  await enableUploads(app)
  const { db, clock, config } = app.deps
  const maxMb = Math.round(config.uploads.maxBytes / 1024 / 1024)
  const pre = { preHandler: requireStaff }
  const multipart = { preHandler: requireStaff, config: { csrf: false } }
  const params = Type.Object({ planId: Id })
  const attachmentParams = Type.Object({ planId: Id, attachmentId: Id })

  async function form(req: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FieldErrors = {}, planId?: number) {
    const [groups, attachments] = await Promise.all([staffGroups(db, req.actor!), planId === undefined ? [] : planAttachments(db, planId)])
    return reply.page('plans/staff-form', { groups, values, errors, planId, attachments, maxMb, uploadKey: randomUUID() })
  }

  app.get('/staff/plans', pre, async (req, reply) => reply.page('plans/staff-index', { plans: await staffPlans(db, clock, req.actor!) }))

  app.get('/staff/plans/new', pre, async (req, reply) =>
    form(req, reply, { key: randomUUID(), from: isoWeekKey(clock.today()), to: isoWeekKey(clock.today()) }))

  app.post('/staff/plans', { ...pre, schema: { body: FormBody } }, async (req, reply) => {
    const parsed = await parsePlan(db, req.actor!, req.body)
    if (!parsed.ok) return form(req, reply.code(422), parsed.values, parsed.errors)
    await createPlan(db, req.actor!, parsed.input, parsed.values.key, clock.now())
    reply.flash({ kind: 'success', key: 'plans:staff.published' })
    return reply.redirect('/staff/plans', 303)
  })

  app.get('/staff/plans/:planId/edit', { ...pre, schema: { params } }, async (req, reply) => {
    const values = await planFormValues(db, req.actor!, Number(req.params.planId))
    if (!values) return reply.callNotFound()
    return form(req, reply, values, {}, Number(req.params.planId))
  })

  app.post('/staff/plans/:planId', { ...pre, schema: { params, body: FormBody } }, async (req, reply) => {
    const planId = Number(req.params.planId)
    if (!(await planFormValues(db, req.actor!, planId))) return reply.callNotFound()
    const parsed = await parsePlan(db, req.actor!, req.body)
    if (!parsed.ok) return form(req, reply.code(422), parsed.values, parsed.errors, planId)
    await updatePlan(db, req.actor!, planId, parsed.input, clock.now())
    reply.flash({ kind: 'success', key: 'plans:staff.saved' })
    return reply.redirect('/staff/plans', 303)
  })

  app.post('/staff/plans/:planId/visibility', { ...pre, schema: { params, body: FormBody } }, async (req, reply) => {
    const planId = Number(req.params.planId)
    if (!(await planFormValues(db, req.actor!, planId))) return reply.callNotFound()
    const parsed = parseForm(Visibility, req.body)
    if (!parsed.ok) return reply.code(422).page('errors/error', { status: 422, titleKey: 'errors.400.title', bodyKey: 'errors.400.body' })
    await setPlanPublished(db, req.actor!, planId, parsed.value.status === 'published', clock.now())
    reply.flash({ kind: 'success', key: parsed.value.status === 'published' ? 'plans:staff.shown' : 'plans:staff.hidden' })
    return reply.redirect('/staff/plans', 303)
  })

  // ---- Attachments, on the plan's form (staff of the plan's groups) ----
  app.post('/staff/plans/:planId/attachments', { ...multipart, schema: { params } }, async (req, reply) => {
    const planId = Number(req.params.planId)
    if (!(await isStaffPlan(db, req.actor!, planId))) return reply.callNotFound()
    const upload = await readUpload(req, reply, { fileFields: ['file'] })
    if (upload.sent) return reply
    const problem = uploadProblem(upload.files.file)
    const file = uploaded(upload.files.file)
    if (problem || !file) {
      await discardUpload(req, upload.files)
      const values = await planFormValues(db, req.actor!, planId)
      if (!values) return reply.callNotFound()
      const error = problem ? { key: `plans:errors.file.${problem}`, params: { max: maxMb } } : { key: 'plans:errors.file.required' }
      return form(req, reply.code(422), values, { file: error }, planId)
    }
    const result = await addAttachment(db, req.actor!, planId, { key: file.key, filename: file.filename, type: file.kind.mime, size: file.size }, upload.fields.key, clock.now())
    if (result === 'notFound') {
      await discardUpload(req, upload.files)
      return reply.callNotFound()
    }
    reply.flash({ kind: result === 'added' ? 'success' : 'info', key: result === 'added' ? 'plans:staff.attached' : 'plans:staff.alreadyAttached', params: { filename: file.filename } })
    return reply.redirect(`/staff/plans/${planId}/edit#attachments`, 303)
  })

  app.post('/staff/plans/:planId/attachments/:attachmentId/remove', { ...pre, schema: { params: attachmentParams, body: FormBody } }, async (req, reply) => {
    const planId = Number(req.params.planId)
    if (!(await removeAttachment(db, req.actor!, planId, Number(req.params.attachmentId)))) return reply.callNotFound()
    reply.flash({ kind: 'success', key: 'plans:staff.detached' })
    return reply.redirect(`/staff/plans/${planId}/edit#attachments`, 303)
  })

  app.get('/staff/plans/:planId/attachments/:attachmentId', { ...pre, schema: { params: attachmentParams } }, async (req, reply) => {
    const found = await attachmentForStaff(db, req.actor!, Number(req.params.planId), Number(req.params.attachmentId))
    if (!found) return reply.callNotFound()
    return sendStored(reply, app.storage, found.storage_key, found.content_type, attachment(found.filename))
  })
}
