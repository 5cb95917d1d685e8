import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { childBox, requireLogin } from '../../web/guards.js'
import { ChildParams, Id } from '../../web/schemas.js'
import { attachment, sendStored } from '../../web/uploads.js'
import { storeDemoFiles } from '../../demo/files.js'
import { DEMO_FILES } from './demo-files.js'
import { FileParams, NewsParams, PageQuery } from './schemas.js'
import { fileForDownload, filesLinkFor, filesOf, linksOf, newsImage, newsItem, newsLinkFor, newsPage } from './service.js'

const pageOf = (raw: string | undefined) => Math.max(1, Math.min(Number(raw ?? 1) || 1, 10_000))

/** Information for guardians and pupils: the tabs news, files and links, a news item, an image, a download. */
export default async function informationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, config } = app.deps
  // The demo world's files are made in code; outside production they are put in the store.
  if (config.env !== 'production') await storeDemoFiles(app.storage, DEMO_FILES)
  const guard = { preHandler: childBox('information') }
  const tab = (req: FastifyRequest, reply: FastifyReply, name: 'news' | 'files' | 'links', data: Record<string, unknown>) =>
    reply.pageOrFragment('information/index', 'information/_panel', { tab: name, base: `/children/${req.child!.id}/information`, ...data })

  app.get('/children/:childId/information', { ...guard, schema: { params: ChildParams, querystring: PageQuery } }, async (req, reply) =>
    tab(req, reply, 'news', { news: await newsPage(db, req.child!, pageOf(req.query.page)) }))

  app.get('/children/:childId/information/files', { ...guard, schema: { params: ChildParams } }, async (req, reply) =>
    tab(req, reply, 'files', { files: await filesOf(db, req.child!) }))

  app.get('/children/:childId/information/links', { ...guard, schema: { params: ChildParams } }, async (req, reply) =>
    tab(req, reply, 'links', { links: await linksOf(db, req.child!) }))

  app.get('/children/:childId/information/news/:newsId', { ...guard, schema: { params: NewsParams } }, async (req, reply) => {
    const item = await newsItem(db, req.child!, Number(req.params.newsId))
    if (!item) return reply.callNotFound()
    return reply.page('information/news', { item })
  })

  app.get('/children/:childId/information/news/:newsId/image', { ...guard, schema: { params: NewsParams } }, async (req, reply) => {
    const image = await newsImage(db, req.child!, Number(req.params.newsId))
    if (!image) return reply.callNotFound()
    return sendStored(reply, app.storage, image.key, image.type, 'inline')
  })

  app.get('/children/:childId/information/files/:fileId', { ...guard, schema: { params: FileParams } }, async (req, reply) => {
    const file = await fileForDownload(db, req.child!, Number(req.params.fileId))
    if (!file) return reply.callNotFound()
    return sendStored(reply, app.storage, file.storage_key, file.content_type, attachment(file.filename))
  })

  // Where the bell's notifications lead (they name no child: one notice per person).
  app.get('/information/news/:newsId', { preHandler: requireLogin, schema: { params: Type.Object({ newsId: Id }) } }, async (req, reply) => {
    const link = await newsLinkFor(db, req.actor!, Number(req.params.newsId))
    return link ? reply.redirect(link, 303) : reply.callNotFound()
  })
  app.get('/information/units/:unitId/files', { preHandler: requireLogin, schema: { params: Type.Object({ unitId: Id }) } }, async (req, reply) => {
    const link = await filesLinkFor(db, req.actor!, Number(req.params.unitId))
    return link ? reply.redirect(link, 303) : reply.callNotFound()
  })
}
