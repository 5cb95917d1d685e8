import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { childBox, requireLogin } from '../../web/guards.js'
import { parseForm, type FieldErrors, type FormValues } from '../../web/forms.js'
import { ChildParams, FormBody, Id } from '../../web/schemas.js'
import { sendStored } from '../../web/uploads.js'
import { BlogQuery, COMMENT_MAX, CommentForm, CommentParams, PostParams } from './schemas.js'
import { BlogError, addComment, blogPage, blogPost, postImage, postLinkFor, removeOwnComment } from './service.js'

const validKey = (raw: unknown) => (typeof raw === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : null)

/** The blog for guardians and pupils: all the child's groups or one, a post with its comments, commenting. */
export default async function blogRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const guard = { preHandler: childBox('blog') }
  const base = (req: FastifyRequest) => `/children/${req.child!.id}/blog`

  async function run(reply: FastifyReply, fn: () => Promise<unknown>) {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof BlogError) {
        if (err.statusCode === 404) return reply.callNotFound()
        return reply.code(403).page('errors/error', { status: 403, titleKey: 'errors.403.title', bodyKey: 'blog:errors.mayNotComment' })
      }
      throw err
    }
  }

  app.get('/children/:childId/blog', { ...guard, schema: { params: ChildParams, querystring: BlogQuery } }, async (req, reply) => {
    const groupId = req.query.group ? Number(req.query.group) : null
    const page = Math.max(1, Math.min(Number(req.query.page ?? 1) || 1, 10_000))
    const view = await blogPage(db, req.actor!, req.child!, groupId, page)
    if (!view) return reply.callNotFound()
    return reply.pageOrFragment('blog/index', 'blog/_posts', { view, base: base(req), key: randomUUID(), commentMax: COMMENT_MAX })
  })

  async function renderPost(req: FastifyRequest, reply: FastifyReply, postId: number, extra: { errors?: FieldErrors; values?: FormValues } = {}) {
    const found = await blogPost(db, req.actor!, req.child!, postId)
    if (!found) return reply.callNotFound()
    return reply.page('blog/post', { ...found, base: base(req), errors: extra.errors ?? {}, values: extra.values ?? { key: randomUUID() }, commentMax: COMMENT_MAX })
  }

  app.get('/children/:childId/blog/posts/:postId', { ...guard, schema: { params: PostParams } }, async (req, reply) =>
    renderPost(req, reply, Number(req.params.postId)))

  app.get('/children/:childId/blog/posts/:postId/image', { ...guard, schema: { params: PostParams } }, async (req, reply) => {
    const image = await postImage(db, req.actor!, req.child!, Number(req.params.postId))
    if (!image) return reply.callNotFound()
    return sendStored(reply, app.storage, image.key, image.type, 'inline')
  })

  app.post('/children/:childId/blog/posts/:postId/comments', { ...guard, schema: { params: PostParams, body: FormBody } }, async (req, reply) => {
    const postId = Number(req.params.postId)
    const form = parseForm(CommentForm, req.body)
    return run(reply, async () => {
      if (!form.ok) {
        // The rule first: someone who may not comment gets 403, whatever they typed.
        await addCommentCheck(req, postId)
        return renderPost(req, reply.code(422), postId, { errors: form.errors, values: form.values })
      }
      await addComment(db, req.actor!, req.child!, postId, form.value.comment, validKey(form.value.key), clock.now())
      reply.flash({ kind: 'success', key: 'blog:flash.commented' })
      return reply.redirect(`${base(req)}/posts/${postId}#comments`, 303)
    })
  })

  /** The comment rule without writing (for a form with errors). */
  async function addCommentCheck(req: FastifyRequest, postId: number) {
    const found = await blogPost(db, req.actor!, req.child!, postId)
    if (!found) throw new BlogError(404)
    if (!found.mayComment) throw new BlogError(403)
  }

  app.post('/children/:childId/blog/comments/:commentId/remove', { ...guard, schema: { params: CommentParams, body: FormBody } }, async (req, reply) =>
    run(reply, async () => {
      const postId = await removeOwnComment(db, req.actor!, req.child!, Number(req.params.commentId))
      reply.flash({ kind: 'success', key: 'blog:flash.commentRemoved' })
      return reply.redirect(`${base(req)}/posts/${postId}#comments`, 303)
    }))

  app.get('/blog/posts/:postId', { preHandler: requireLogin, schema: { params: Type.Object({ postId: Id }) } }, async (req, reply) => {
    const link = await postLinkFor(db, req.actor!, Number(req.params.postId))
    return link ? reply.redirect(link, 303) : reply.callNotFound()
  })
}
