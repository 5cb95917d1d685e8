import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { requireStaff } from '../../web/guards.js'
import { FormBody } from '../../web/schemas.js'
import type { FieldErrors, FormValues } from '../../web/forms.js'
import { attachment, discardUpload, enableUploads, readUpload, sendStored, uploadProblem, uploaded } from '../../web/uploads.js'
import { writeAudit } from '../../audit/log.js'
import { staffPupil, staffPupils, type StaffPupil } from '../../people/staff-pupils.js'
import { termOf } from '../../web/terms.js'
import { BODY_MAX, IUP_MAX, PupilParams, StaffEntryParams, TermQuery, TITLE_MAX } from './schemas.js'
import { iupFormValues, parseEntry, parseIup, publishEntry, removeEntry, saveIup, staffEntry, staffRead } from './service.js'

/** The staff's side: their pupils' portfolios (entries with an optional image or file) and IUPs; pupils of their own groups only. */
export default async function documentationStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  await enableUploads(app)
  const { db, clock, config } = app.deps
  const maxMb = Math.round(config.uploads.maxBytes / 1024 / 1024)
  const pre = { preHandler: requireStaff }
  const pupilPage = (id: number) => `/staff/documentation/pupils/${id}`

  app.get('/staff/documentation', pre, async (req, reply) =>
    reply.page('documentation/staff-index', { pupils: await staffPupils(db, req.actor!) }))

  app.get('/staff/documentation/pupils/:childId', { ...pre, schema: { params: PupilParams } }, async (req, reply) => {
    const read = await staffRead(db, req.actor!, Number(req.params.childId), clock.now())
    if (!read) return reply.callNotFound()
    return reply.page('documentation/staff-pupil', read)
  })

  // ---- portfolio ----
  const entryForm = (reply: FastifyReply, pupil: StaffPupil, values: FormValues, errors: FieldErrors = {}) =>
    reply.page('documentation/staff-entry', { pupil, values, errors, titleMax: TITLE_MAX, bodyMax: BODY_MAX, maxMb })

  app.get('/staff/documentation/pupils/:childId/portfolio/new', { ...pre, schema: { params: PupilParams } }, async (req, reply) => {
    const pupil = await staffPupil(db, req.actor!, Number(req.params.childId))
    if (!pupil) return reply.callNotFound()
    return entryForm(reply, pupil, { key: randomUUID(), date: clock.today() })
  })

  app.post('/staff/documentation/pupils/:childId/portfolio', { preHandler: requireStaff, config: { csrf: false }, schema: { params: PupilParams } }, async (req, reply) => {
    const pupil = await staffPupil(db, req.actor!, Number(req.params.childId))
    // Not callNotFound(): the not-found route would check a CSRF token in this multipart body it cannot read (403).
    if (!pupil) return reply.code(404).page('errors/error', { status: 404, titleKey: 'errors.404.title', bodyKey: 'errors.404.body' })
    const upload = await readUpload(req, reply, { fileFields: ['file'] })
    if (upload.sent) return reply
    const parsed = parseEntry(upload.fields)
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
    const problem = uploadProblem(upload.files.file)
    if (problem) errors.file = { key: `documentation:errors.file.${problem}`, params: { max: maxMb } }
    if (!parsed.ok || Object.keys(errors).length) {
      await discardUpload(req, upload.files)
      return entryForm(reply.code(422), pupil, parsed.values, errors)
    }
    const f = uploaded(upload.files.file)
    const file = f ? { key: f.key, name: f.filename, type: f.kind.mime, size: f.size, image: f.kind.image } : null
    const result = await publishEntry(db, req.actor!, pupil.id, parsed.input, file, parsed.values.key, clock.now())
    if (!result) return reply.callNotFound()
    if (result.created) app.outboxKick()
    reply.flash({ kind: result.created ? 'success' : 'info', key: result.created ? 'documentation:staff.entryPublished' : 'documentation:staff.alreadyPublished' })
    return reply.redirect(pupilPage(pupil.id), 303)
  })

  app.get('/staff/documentation/portfolio/:entryId/file', { ...pre, schema: { params: StaffEntryParams } }, async (req, reply) => {
    const found = await staffEntry(db, req.actor!, Number(req.params.entryId))
    if (!found?.row.file_key) return reply.callNotFound()
    await writeAudit(db, { actor: req.actor!, childId: found.pupil.id, action: 'documentation.file', detail: `portfolio:${found.row.id}`, now: clock.now() })
    const r = found.row
    return sendStored(reply, app.storage, r.file_key!, r.file_type!, r.file_is_image ? 'inline' : attachment(r.file_name!))
  })

  app.post('/staff/documentation/portfolio/:entryId/remove', { ...pre, schema: { params: StaffEntryParams, body: FormBody } }, async (req, reply) => {
    const found = await staffEntry(db, req.actor!, Number(req.params.entryId))
    if (!found) return reply.callNotFound()
    await removeEntry(db, found.row.id, clock.now())
    reply.flash({ kind: 'success', key: 'documentation:staff.entryRemoved' })
    return reply.redirect(pupilPage(found.pupil.id), 303)
  })

  // ---- IUP ----
  const iupForm = (reply: FastifyReply, pupil: StaffPupil, values: FormValues, errors: FieldErrors = {}) =>
    reply.page('documentation/staff-iup', { pupil, values, errors, max: IUP_MAX })

  app.get('/staff/documentation/pupils/:childId/iup', { ...pre, schema: { params: PupilParams, querystring: TermQuery } }, async (req, reply) => {
    const pupil = await staffPupil(db, req.actor!, Number(req.params.childId))
    if (!pupil) return reply.callNotFound()
    return iupForm(reply, pupil, await iupFormValues(db, pupil.id, req.query.term ?? termOf(clock.today())))
  })

  app.post('/staff/documentation/pupils/:childId/iup', { ...pre, schema: { params: PupilParams, body: FormBody } }, async (req, reply) => {
    const pupil = await staffPupil(db, req.actor!, Number(req.params.childId))
    if (!pupil) return reply.callNotFound()
    const parsed = parseIup(req.body)
    if (!parsed.ok) return iupForm(reply.code(422), pupil, parsed.values, parsed.errors)
    if (!(await saveIup(db, req.actor!, pupil.id, parsed.value, clock.now()))) return reply.callNotFound()
    app.outboxKick()
    reply.flash({ kind: 'success', key: 'documentation:staff.iupSaved' })
    return reply.redirect(pupilPage(pupil.id), 303)
  })
}
