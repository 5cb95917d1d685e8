import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { requireStaff } from '../../web/guards.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { FormBody } from '../../web/schemas.js'
import { discardUpload, enableUploads, readUpload, sendStored, uploadProblem, uploaded } from '../../web/uploads.js'
import { BODY_MAX, COMMENT_MAX, CommentForm, PostForm, StaffCommentParams, StaffPostParams, TITLE_MAX } from './schemas.js'
import { publishPost, staffBlog, staffComment, staffGroups, staffPost, staffPostPage, staffRemoveComment, unpublishPost, updatePost } from './service.js'

const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)
const text = (v: FormValues, k: string) => { const x = v[k]; return typeof x === 'string' ? x : '' }

/** The staff's blog: posts for their groups (write, edit, unpublish), comments (write, remove). */
export default async function blogStaffRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  await enableUploads(app)
  const { db, clock, config } = app.deps
  const maxMb = Math.round(config.uploads.maxBytes / 1024 / 1024)
  const pre = { preHandler: requireStaff }
  const multipart = { preHandler: requireStaff, config: { csrf: false } }

  app.get('/staff/blog', pre, async (req, reply) => reply.page('blog/staff-index', { blog: await staffBlog(db, req.actor!) }))

  async function renderForm(req: FastifyRequest, reply: FastifyReply, opts: { postId?: number; hasImage?: boolean; values: Record<string, unknown>; errors?: FieldErrors }) {
    return reply.page('blog/staff-post-form', {
      groups: await staffGroups(db, req.actor!), postId: opts.postId ?? null, hasImage: opts.hasImage ?? false,
      values: opts.values, errors: opts.errors ?? {}, titleMax: TITLE_MAX, bodyMax: BODY_MAX, maxMb,
    })
  }

  app.get('/staff/blog/posts/new', pre, async (req, reply) => renderForm(req, reply, { values: { key: randomUUID() } }))

  app.get('/staff/blog/posts/:postId/edit', { ...pre, schema: { params: StaffPostParams } }, async (req, reply) => {
    const found = await staffPost(db, req.actor!, Number(req.params.postId))
    if (!found || found.row.unpublished_at) return reply.callNotFound()
    const p = found.row
    return renderForm(req, reply, { postId: p.id, hasImage: p.image_key !== null, values: { group: String(p.group_id), title: p.title, body: p.body, imageAlt: p.image_alt } })
  })

  async function submit(req: FastifyRequest, reply: FastifyReply, postId: number | null) {
    const existing = postId === null ? null : await staffPost(db, req.actor!, postId)
    if (postId !== null && (!existing || existing.row.unpublished_at)) return reply.callNotFound()
    const upload = await readUpload(req, reply, { fileFields: ['image'], images: ['image'] })
    if (upload.sent) return reply
    const groups = existing?.groups ?? await staffGroups(db, req.actor!)
    const form = parseForm(PostForm, upload.fields)
    const errors: FieldErrors = form.ok ? {} : { ...form.errors }
    const groupId = Number(text(form.values, 'group'))
    if (!errors.group && !groups.some((g) => g.id === groupId)) errors.group = { key: 'blog:errors.group' }
    const problem = uploadProblem(upload.files.image)
    if (problem) errors.image = { key: `information:errors.file.${problem}`, params: { max: maxMb } }
    const image = uploaded(upload.files.image)
    const removeImage = text(form.values, 'removeImage') === '1'
    if (((image || existing?.row.image_key) && !removeImage) && !text(form.values, 'imageAlt') && !errors.imageAlt) errors.imageAlt = { key: 'information:errors.imageAltRequired' }
    if (Object.keys(errors).length) {
      await discardUpload(req, upload.files)
      return renderForm(req, reply.code(422), { postId: postId ?? undefined, hasImage: existing?.row.image_key != null, values: form.values, errors })
    }
    const input = { groupId, title: text(form.values, 'title'), body: text(form.values, 'body'), imageAlt: text(form.values, 'imageAlt'), image: image ? { key: image.key, type: image.kind.mime } : null, removeImage }
    if (postId === null) {
      const r = await publishPost(db, req.actor!, input, validKey(form.values.key), clock.now())
      if (r.created) app.outboxKick()
      reply.flash({ kind: r.created ? 'success' : 'info', key: r.created ? 'blog:staff.published' : 'blog:staff.alreadyPublished' })
    } else {
      await updatePost(db, postId, input, clock.now())
      reply.flash({ kind: 'success', key: 'blog:staff.saved' })
    }
    return reply.redirect('/staff/blog', 303)
  }

  app.post('/staff/blog/posts', multipart, async (req, reply) => submit(req, reply, null))
  app.post('/staff/blog/posts/:postId', { ...multipart, schema: { params: StaffPostParams } }, async (req, reply) => submit(req, reply, Number(req.params.postId)))

  app.post('/staff/blog/posts/:postId/unpublish', { ...pre, schema: { params: StaffPostParams, body: FormBody } }, async (req, reply) => {
    const found = await staffPost(db, req.actor!, Number(req.params.postId))
    if (!found) return reply.callNotFound()
    await unpublishPost(db, found.row.id, clock.now())
    reply.flash({ kind: 'success', key: 'blog:staff.unpublished' })
    return reply.redirect('/staff/blog', 303)
  })

  async function renderPost(req: FastifyRequest, reply: FastifyReply, postId: number, extra: { errors?: FieldErrors; values?: FormValues } = {}) {
    const page = await staffPostPage(db, req.actor!, postId)
    if (!page) return reply.callNotFound()
    return reply.page('blog/staff-post', { ...page, errors: extra.errors ?? {}, values: extra.values ?? { key: randomUUID() }, commentMax: COMMENT_MAX })
  }

  app.get('/staff/blog/posts/:postId', { ...pre, schema: { params: StaffPostParams } }, async (req, reply) => renderPost(req, reply, Number(req.params.postId)))

  app.get('/staff/blog/posts/:postId/image', { ...pre, schema: { params: StaffPostParams } }, async (req, reply) => {
    const found = await staffPost(db, req.actor!, Number(req.params.postId))
    if (!found?.row.image_key || !found.row.image_type) return reply.callNotFound()
    return sendStored(reply, app.storage, found.row.image_key, found.row.image_type, 'inline')
  })

  app.post('/staff/blog/posts/:postId/comments', { ...pre, schema: { params: StaffPostParams, body: FormBody } }, async (req, reply) => {
    const postId = Number(req.params.postId)
    const form = parseForm(CommentForm, req.body)
    if (!form.ok) return renderPost(req, reply.code(422), postId, { errors: form.errors, values: form.values })
    if (!(await staffComment(db, req.actor!, postId, form.value.comment, validKey(form.value.key), clock.now()))) return reply.callNotFound()
    reply.flash({ kind: 'success', key: 'blog:flash.commented' })
    return reply.redirect(`/staff/blog/posts/${postId}#comments`, 303)
  })

  app.post('/staff/blog/comments/:commentId/remove', { ...pre, schema: { params: StaffCommentParams, body: FormBody } }, async (req, reply) => {
    const postId = await staffRemoveComment(db, req.actor!, Number(req.params.commentId))
    if (postId === null) return reply.callNotFound()
    reply.flash({ kind: 'success', key: 'blog:flash.commentRemoved' })
    return reply.redirect(`/staff/blog/posts/${postId}#comments`, 303)
  })
}
