import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { childBox } from '../../web/guards.js'
import { requireStepUp, stepUpOrderRef } from '../../web/step-up.js'
import { staffToStaffSide } from '../../web/staff-side.js'
import { attachment, sendStored } from '../../web/uploads.js'
import { ChildParams, EntryParams, IupParams, PageQuery } from './schemas.js'
import { iupPage, portfolioFile, portfolioPage, staffReadsOf, type ReadContext } from './service.js'

const pageOf = (raw: string | undefined) => Math.max(1, Math.min(Number(raw ?? 1) || 1, 10_000))

/**
 * Dokumentation for guardians and pupils, after the BankID step-up: the tabs Portfolio and
 * IUP (plain links; htmx swaps only the panel), an entry's file, and who on the staff has
 * read the child's documentation and assessments. Every read is written to the audit log.
 */
export default async function documentationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, clock } = app.deps
  const preHandler = [...childBox('documentation'), staffToStaffSide('/staff/documentation/pupils'), requireStepUp]
  const ctx = (req: FastifyRequest): ReadContext => ({ actor: req.actor!, child: req.child!, orderRef: stepUpOrderRef(req), now: clock.now() })
  const tab = (req: FastifyRequest, reply: FastifyReply, name: 'portfolio' | 'iup', data: Record<string, unknown>) =>
    reply.pageOrFragment('documentation/index', 'documentation/_panel', { tab: name, base: `/children/${req.child!.id}/documentation`, ...data })

  app.get('/children/:childId/documentation', { preHandler, schema: { params: ChildParams, querystring: PageQuery } }, async (req, reply) =>
    tab(req, reply, 'portfolio', { portfolio: await portfolioPage(db, ctx(req), pageOf(req.query.page)) }))

  app.get('/children/:childId/documentation/iup', { preHandler, schema: { params: ChildParams } }, async (req, reply) =>
    tab(req, reply, 'iup', { iup: await iupPage(db, ctx(req), null) }))

  app.get('/children/:childId/documentation/iup/:iupId', { preHandler, schema: { params: IupParams } }, async (req, reply) => {
    const iup = await iupPage(db, ctx(req), Number(req.params.iupId))
    if (!iup.plan) return reply.callNotFound()
    return tab(req, reply, 'iup', { iup })
  })

  app.get('/children/:childId/documentation/portfolio/:entryId/file', { preHandler, schema: { params: EntryParams } }, async (req, reply) => {
    const file = await portfolioFile(db, ctx(req), Number(req.params.entryId))
    if (!file?.file_key) return reply.callNotFound()
    return sendStored(reply, app.storage, file.file_key, file.file_type!, file.file_is_image ? 'inline' : attachment(file.file_name!))
  })

  app.get('/children/:childId/documentation/access', { preHandler, schema: { params: ChildParams } }, async (req, reply) =>
    reply.page('documentation/access', { reads: await staffReadsOf(db, req.child!), base: `/children/${req.child!.id}/documentation` }))
}
