import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { requireStaff } from '../../web/guards.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { FormBody } from '../../web/schemas.js'
import { attachment, discardUpload, enableUploads, sendStored, readUpload, uploadProblem, uploaded, type UploadedFile, type UploadProblem } from '../../web/uploads.js'
import { staffPlaces, type StaffPlace } from '../../people/service.js'
import { ALT_MAX, BODY_MAX, FileForm, LinkForm, NewsForm, StaffFileParams, StaffLinkParams, StaffNewsParams, TITLE_MAX } from './schemas.js'
import {
  mayAct, newsRules, publishFile, publishNews, removeFile, removeLink, republishNews, saveLink, setFilePublished, staffFile, staffLink, staffNews,
  staffOverview, targetFrom, targetsOf, unpublishNews, updateFile, updateNews,
} from './service.js'

const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)
const text = (v: FormValues, k: string) => { const x = v[k]; return typeof x === 'string' ? x : '' }

/** A file field's problem as a message at the field. */
function fileError(problem: UploadProblem, maxMb: number) {
  return { key: `information:errors.file.${problem}`, params: { max: maxMb } }
}

/** The staff's side of Information: news (publish, edit, unpublish), files (upload, remove), links. */
export default async function informationStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  await enableUploads(app)
  const { db, clock, config } = app.deps
  const maxMb = Math.round(config.uploads.maxBytes / 1024 / 1024)
  const pre = { preHandler: requireStaff }
  const multipart = { preHandler: requireStaff, config: { csrf: false } }

  app.get('/staff/information', pre, async (req, reply) =>
    reply.page('information/staff-index', { overview: await staffOverview(db, req.actor!) }))

  // ---- news ----
  function renderNews(req: FastifyRequest, reply: FastifyReply, places: StaffPlace[], opts: { newsId?: number; hasImage?: boolean; values: Record<string, unknown>; errors?: FieldErrors }) {
    return reply.page('information/staff-news', {
      targets: targetsOf(places, req.t), newsId: opts.newsId ?? null, hasImage: opts.hasImage ?? false,
      values: opts.values, errors: opts.errors ?? {}, titleMax: TITLE_MAX, bodyMax: BODY_MAX, altMax: ALT_MAX, maxMb,
    })
  }

  app.get('/staff/information/news/new', pre, async (req, reply) =>
    renderNews(req, reply, await staffPlaces(db, req.actor!), { values: { key: randomUUID() } }))

  app.get('/staff/information/news/:newsId/edit', { ...pre, schema: { params: StaffNewsParams } }, async (req, reply) => {
    const found = await staffNews(db, req.actor!, Number(req.params.newsId))
    if (!found || found.row.unpublished_at) return reply.callNotFound()
    const n = found.row
    return renderNews(req, reply, found.places, {
      newsId: n.id, hasImage: n.image_key !== null,
      values: { target: n.group_id ? `group:${n.group_id}` : `unit:${n.unit_id}`, title: n.title, body: n.body, imageAlt: n.image_alt },
    })
  })

  /** The news form (new or edit): read the upload, check, then publish or save. */
  async function submitNews(req: FastifyRequest, reply: FastifyReply, newsId: number | null) {
    const existing = newsId === null ? null : await staffNews(db, req.actor!, newsId)
    if (newsId !== null && (!existing || existing.row.unpublished_at)) return reply.callNotFound()
    const upload = await readUpload(req, reply, { fileFields: ['image'], images: ['image'] })
    if (upload.sent) return reply
    const places = existing?.places ?? await staffPlaces(db, req.actor!)
    const form = parseForm(NewsForm, upload.fields)
    const errors: FieldErrors = form.ok ? {} : { ...form.errors }
    const problem = uploadProblem(upload.files.image)
    if (problem) errors.image = fileError(problem, maxMb)
    const image = uploaded(upload.files.image)
    const target = targetFrom(places, text(form.values, 'target'), req.t)
    if (!errors.target && !target) errors.target = { key: 'information:errors.target' }
    newsRules({ image, imageAlt: text(form.values, 'imageAlt'), hadImage: existing?.row.image_key != null, removeImage: text(form.values, 'removeImage') === '1' }, errors)
    if (Object.keys(errors).length || !target) {
      await discardUpload(req, upload.files)
      return renderNews(req, reply.code(422), places, { newsId: newsId ?? undefined, hasImage: existing?.row.image_key != null, values: form.values, errors })
    }
    const input = {
      target, title: text(form.values, 'title'), body: text(form.values, 'body'), imageAlt: text(form.values, 'imageAlt'),
      image: image ? { key: image.key, type: image.kind.mime } : null, removeImage: text(form.values, 'removeImage') === '1',
    }
    if (newsId === null) {
      const result = await publishNews(db, req.actor!, input, validKey(form.values.key), clock.now())
      if (result.created) app.outboxKick()
      reply.flash({ kind: result.created ? 'success' : 'info', key: result.created ? 'information:staff.newsPublished' : 'information:staff.alreadyPublished' })
    } else {
      await updateNews(db, newsId, input, clock.now())
      reply.flash({ kind: 'success', key: 'information:staff.newsSaved' })
    }
    return reply.redirect('/staff/information', 303)
  }

  app.post('/staff/information/news', multipart, async (req, reply) => submitNews(req, reply, null))
  app.post('/staff/information/news/:newsId', { ...multipart, schema: { params: StaffNewsParams } }, async (req, reply) =>
    submitNews(req, reply, Number(req.params.newsId)))

  app.post('/staff/information/news/:newsId/unpublish', { ...pre, schema: { params: StaffNewsParams, body: FormBody } }, async (req, reply) => {
    const found = await staffNews(db, req.actor!, Number(req.params.newsId))
    if (!found) return reply.callNotFound()
    await unpublishNews(db, found.row.id, clock.now())
    reply.flash({ kind: 'success', key: 'information:staff.newsUnpublished' })
    return reply.redirect('/staff/information', 303)
  })

  app.post('/staff/information/news/:newsId/republish', { ...pre, schema: { params: StaffNewsParams, body: FormBody } }, async (req, reply) => {
    const found = await staffNews(db, req.actor!, Number(req.params.newsId))
    if (!found) return reply.callNotFound()
    await republishNews(db, found.row.id, clock.now())
    reply.flash({ kind: 'success', key: 'information:staff.newsRepublished' })
    return reply.redirect('/staff/information', 303)
  })

  // ---- files ----
  function renderFile(reply: FastifyReply, places: StaffPlace[], values: Record<string, unknown>, errors: FieldErrors = {}, current: { id: number; filename: string } | null = null) {
    return reply.page('information/staff-file', { units: places, values, errors, titleMax: TITLE_MAX, maxMb, current })
  }

  app.get('/staff/information/files/new', pre, async (req, reply) =>
    renderFile(reply, await staffPlaces(db, req.actor!), { key: randomUUID() }))

  app.get('/staff/information/files/:fileId/edit', { ...pre, schema: { params: StaffFileParams } }, async (req, reply) => {
    const file = await staffFile(db, req.actor!, Number(req.params.fileId))
    if (!file) return reply.callNotFound()
    return renderFile(reply, await staffPlaces(db, req.actor!), { unit: String(file.unit_id), title: file.title }, {}, { id: file.id, filename: file.filename })
  })

  /** The file form (new, or edit: a new title and unit, and a new content when one is chosen). */
  async function submitFile(req: FastifyRequest, reply: FastifyReply, fileId: number | null) {
    const existing = fileId === null ? null : await staffFile(db, req.actor!, fileId)
    if (fileId !== null && !existing) return reply.callNotFound()
    const upload = await readUpload(req, reply, { fileFields: ['file'] })
    if (upload.sent) return reply
    const places = await staffPlaces(db, req.actor!)
    const form = parseForm(FileForm, upload.fields)
    const errors: FieldErrors = form.ok ? {} : { ...form.errors }
    const unitId = Number(text(form.values, 'unit'))
    if (!errors.unit && !mayAct(places, unitId, null)) errors.unit = { key: 'information:errors.unit' }
    const file: UploadedFile | null = uploaded(upload.files.file)
    const problem = uploadProblem(upload.files.file)
    if (problem) errors.file = fileError(problem, maxMb)
    else if (!file && !existing) errors.file = { key: 'information:errors.file.required' }
    const current = existing ? { id: existing.id, filename: existing.filename } : null
    if (Object.keys(errors).length) {
      await discardUpload(req, upload.files)
      return renderFile(reply.code(422), places, form.values, errors, current)
    }
    if (existing) {
      await updateFile(db, existing.id, {
        unitId, title: text(form.values, 'title'), file: file ? { key: file.key, filename: file.filename, type: file.kind.mime, size: file.size } : null,
      }, clock.now())
      reply.flash({ kind: 'success', key: 'information:staff.fileSaved' })
      return reply.redirect('/staff/information#files', 303)
    }
    if (!file) return reply.callNotFound() // unreachable: a new file without content is an error above
    const result = await publishFile(db, req.actor!, {
      unitId, title: text(form.values, 'title'), file: { key: file.key, filename: file.filename, type: file.kind.mime, size: file.size },
    }, validKey(form.values.key), clock.now())
    if (result.created) app.outboxKick()
    reply.flash({ kind: result.created ? 'success' : 'info', key: result.created ? 'information:staff.filePublished' : 'information:staff.alreadyPublished' })
    return reply.redirect('/staff/information#files', 303)
  }

  app.post('/staff/information/files', multipart, async (req, reply) => submitFile(req, reply, null))
  app.post('/staff/information/files/:fileId', { ...multipart, schema: { params: StaffFileParams } }, async (req, reply) =>
    submitFile(req, reply, Number(req.params.fileId)))

  for (const [action, published] of [['unpublish', false], ['republish', true]] as const) {
    app.post(`/staff/information/files/:fileId/${action}`, { ...pre, schema: { params: StaffFileParams, body: FormBody } }, async (req, reply) => {
      const file = await staffFile(db, req.actor!, Number(req.params.fileId))
      if (!file) return reply.callNotFound()
      await setFilePublished(db, file.id, published, clock.now())
      reply.flash({ kind: 'success', key: published ? 'information:staff.fileRepublished' : 'information:staff.fileUnpublished' })
      return reply.redirect('/staff/information#files', 303)
    })
  }

  app.get('/staff/information/files/:fileId', { ...pre, schema: { params: StaffFileParams } }, async (req, reply) => {
    const file = await staffFile(db, req.actor!, Number(req.params.fileId))
    if (!file) return reply.callNotFound()
    return sendStored(reply, app.storage, file.storage_key, file.content_type, attachment(file.filename))
  })

  app.post('/staff/information/files/:fileId/remove', { ...pre, schema: { params: StaffFileParams, body: FormBody } }, async (req, reply) => {
    const file = await staffFile(db, req.actor!, Number(req.params.fileId))
    if (!file) return reply.callNotFound()
    await removeFile(db, file.id)
    reply.flash({ kind: 'success', key: 'information:staff.fileRemoved' })
    return reply.redirect('/staff/information#files', 303)
  })

  // ---- links ----
  function renderLink(reply: FastifyReply, places: StaffPlace[], linkId: number | null, values: Record<string, unknown>, errors: FieldErrors = {}) {
    return reply.page('information/staff-link', { units: places, linkId, values, errors, titleMax: TITLE_MAX })
  }

  app.get('/staff/information/links/new', pre, async (req, reply) =>
    renderLink(reply, await staffPlaces(db, req.actor!), null, { key: randomUUID() }))

  app.get('/staff/information/links/:linkId/edit', { ...pre, schema: { params: StaffLinkParams } }, async (req, reply) => {
    const found = await staffLink(db, req.actor!, Number(req.params.linkId))
    if (!found) return reply.callNotFound()
    const l = found.row
    return renderLink(reply, found.places, l.id, { unit: String(l.unit_id), title: l.title, url: l.url, description: l.description })
  })

  async function submitLink(req: FastifyRequest, reply: FastifyReply, linkId: number | null) {
    const existing = linkId === null ? null : await staffLink(db, req.actor!, linkId)
    if (linkId !== null && !existing) return reply.callNotFound()
    const places = existing?.places ?? await staffPlaces(db, req.actor!)
    const form = parseForm(LinkForm, req.body)
    const errors: FieldErrors = form.ok ? {} : { ...form.errors }
    const unitId = Number(text(form.values, 'unit'))
    if (!errors.unit && !mayAct(places, unitId, null)) errors.unit = { key: 'information:errors.unit' }
    if (Object.keys(errors).length) return renderLink(reply.code(422), places, linkId, form.values, errors)
    await saveLink(db, req.actor!, linkId, {
      unitId, title: text(form.values, 'title'), url: text(form.values, 'url'), description: text(form.values, 'description'),
    }, validKey(form.values.key), clock.now())
    reply.flash({ kind: 'success', key: 'information:staff.linkSaved' })
    return reply.redirect('/staff/information#links', 303)
  }

  app.post('/staff/information/links', { ...pre, schema: { body: FormBody } }, async (req, reply) => submitLink(req, reply, null))
  app.post('/staff/information/links/:linkId', { ...pre, schema: { params: StaffLinkParams, body: FormBody } }, async (req, reply) =>
    submitLink(req, reply, Number(req.params.linkId)))

  app.post('/staff/information/links/:linkId/remove', { ...pre, schema: { params: StaffLinkParams, body: FormBody } }, async (req, reply) => {
    const found = await staffLink(db, req.actor!, Number(req.params.linkId))
    if (!found) return reply.callNotFound()
    await removeLink(db, found.row.id)
    reply.flash({ kind: 'success', key: 'information:staff.linkRemoved' })
    return reply.redirect('/staff/information#links', 303)
  })
}
